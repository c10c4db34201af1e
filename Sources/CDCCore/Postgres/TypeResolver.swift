/// Maps PostgreSQL type OIDs (with typmods) to `ColumnType`, consulting `pg_type` for domains,
/// arrays, enums and extension types. Caches what it looked up.
public final class TypeResolver {
    private let connection: PGConnection
    private var cache: [UInt32: CatalogType] = [:]
    private let modes: TypeModes

    private struct CatalogType {
        let name: String, kind: Character, element: UInt32, base: UInt32, baseTypmod: Int, labels: [String]
    }

    /// Creates a resolver that queries through `connection`; its types are in the representation
    /// `modes` select (`ColumnType.applying`).
    public init(connection: PGConnection, modes: TypeModes = TypeModes()) {
        self.connection = connection
        self.modes = modes
    }

    /// The column type for type `oid` with modifier `typmod` (-1 when none).
    public func resolve(oid: UInt32, typmod: Int) throws -> ColumnType {
        try catalogType(oid: oid, typmod: typmod).applying(modes)
    }

    /// The type as the catalog describes it, before the modes.
    private func catalogType(oid: UInt32, typmod: Int) throws -> ColumnType {
        if let builtin = TypeResolver.builtin(oid: oid, typmod: typmod) { return builtin }
        let entry = try lookup(oid)
        switch entry.kind {
        case "d": return try catalogType(oid: entry.base, typmod: entry.baseTypmod >= 0 ? entry.baseTypmod : typmod)
        case "e": return .enumeration(labels: entry.labels)
        default: break
        }
        if entry.element != 0, entry.name.hasPrefix("_") {
            return .array(element: try catalogType(oid: entry.element, typmod: typmod))
        }
        switch entry.name {
        case "citext": return .text
        case "ltree": return .ltree
        case "geometry": return .geometry
        case "geography": return .geography
        default: return .otherText(name: entry.name)
        }
    }

    private func lookup(_ oid: UInt32) throws -> CatalogType {
        if let cached = cache[oid] { return cached }
        let result = try connection.query("""
            SELECT t.typname, t.typtype, t.typelem, t.typbasetype, t.typtypmod,
                   (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid)
            FROM pg_type t WHERE t.oid = $1
            """, [String(oid)], context: "cannot look up type \(oid)")
        guard result.rowCount == 1 else { throw PostgresError("type \(oid) does not exist") }
        let labels = result.value(0, 5).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
        let entry = CatalogType(
            name: result.string(0, 0), kind: result.string(0, 1).first ?? "b",
            element: UInt32(result.string(0, 2)) ?? 0, base: UInt32(result.string(0, 3)) ?? 0,
            baseTypmod: Int(result.string(0, 4)) ?? -1, labels: labels)
        cache[oid] = entry
        return entry
    }

    /// Built-in types by their fixed OIDs (pg_type.dat); nil for anything that needs the catalog.
    static func builtin(oid: UInt32, typmod: Int) -> ColumnType? {
        switch oid {
        case 16: return .boolean
        case 21: return .int16
        case 23: return .int32
        case 20: return .int64
        case 26, 28, 24, 2202, 2206: return .int64 // oid, xid and reg* types are unsigned 32-bit
        case 700: return .float32
        case 701: return .float64
        case 1700: return numeric(typmod: typmod)
        case 790: return .money
        case 25, 1043, 1042, 19, 18: return .text
        case 17: return .bytea
        case 1082: return .date
        case 1083: return .time(precision: temporalPrecision(typmod))
        case 1266: return .timetz
        case 1114: return .timestamp(precision: temporalPrecision(typmod))
        case 1184: return .timestamptz(precision: temporalPrecision(typmod))
        case 1186: return .interval
        case 2950: return .uuid
        case 114, 3802: return .json
        case 142: return .xml
        case 1560: return .bit(length: typmod > 0 ? typmod : 1)
        case 1562: return .varbit
        case 600: return .point
        case 3614: return .tsvector
        case 869: return .otherText(name: "inet")
        case 650: return .otherText(name: "cidr")
        case 829: return .otherText(name: "macaddr")
        case 774: return .otherText(name: "macaddr8")
        default:
            if let element = arrayElements[oid] { return builtin(oid: element, typmod: typmod).map { .array(element: $0) } }
            return nil
        }
    }

    /// Array type OID → element type OID for the built-ins above.
    private static let arrayElements: [UInt32: UInt32] = [
        1000: 16, 1005: 21, 1007: 23, 1016: 20, 1028: 26, 1021: 700, 1022: 701, 1231: 1700, 791: 790,
        1009: 25, 1015: 1043, 1014: 1042, 1003: 19, 1002: 18, 1001: 17, 1182: 1082, 1183: 1083,
        1270: 1266, 1115: 1114, 1185: 1184, 1187: 1186, 2951: 2950, 199: 114, 3807: 3802, 143: 142,
        1561: 1560, 1563: 1562, 1017: 600, 3643: 3614, 1041: 869, 651: 650, 1040: 829, 775: 774,
    ]

    /// numeric's typmod packs precision and scale; PostgreSQL 15 allows a negative scale.
    static func numeric(typmod: Int) -> ColumnType {
        guard typmod >= 4 else { return .numeric(precision: nil, scale: nil) }
        let packed = typmod - 4
        let precision = (packed >> 16) & 0xFFFF
        let scale = ((packed & 0x7FF) ^ 1024) - 1024
        return .numeric(precision: precision, scale: scale)
    }

    private static func temporalPrecision(_ typmod: Int) -> Int { typmod >= 0 ? min(typmod, 6) : 6 }
}
