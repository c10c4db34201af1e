/// What cdcctl knows about a column's PostgreSQL type: enough to convert its text form into
/// Debezium's representation (JSON today, Avro schemas later).
public indirect enum ColumnType: Equatable, Sendable {
    case boolean
    case int16, int32, int64
    case float32, float64
    /// numeric(p,s); a nil precision is numeric without a declared scale (VariableScaleDecimal).
    case numeric(precision: Int?, scale: Int?)
    /// money, converted as numeric with scale 2 (the SELECT casts it, so locale never matters).
    case money
    case text
    case bytea
    case date
    /// time(p); precision 0–3 travels as milliseconds, 4–6 as microseconds.
    case time(precision: Int)
    case timetz
    /// timestamp(p); precision 0–3 travels as milliseconds, 4–6 as microseconds.
    case timestamp(precision: Int)
    /// timestamptz(p); the ISO text carries exactly p fraction digits, as Debezium's
    /// ZonedTimestamp does (p is 6 when undeclared).
    case timestamptz(precision: Int)
    case interval
    case uuid
    case json
    case xml
    /// A user-defined enum with its labels in sort order.
    case enumeration(labels: [String])
    /// bit(n) with its declared length; bit(1) is a boolean.
    case bit(length: Int)
    case varbit
    case point
    case ltree
    case tsvector
    /// Any other type that travels as its text form (inet, cidr, macaddr, ranges, …).
    case otherText(name: String)
    case array(element: ColumnType)
    /// numeric or money (`base`) in an explicit `--decimal` mode (`TypeModes.Decimal`); without
    /// one, `.numeric` and `.money` are each format's own (JSON: exact string, Avro: precise).
    case decimal(TypeModes.Decimal, base: ColumnType)
    /// interval as Debezium's ISO 8601 string (`--interval string`).
    case intervalString
    /// hstore as a JSON object in a string (`--hstore json`).
    case hstoreJSON
    /// hstore as a map of string to optional string (`--hstore map`).
    case hstoreMap
    /// PostGIS geometry: its hex EWKB text → Debezium's Geometry record {wkb, srid}.
    case geometry
    /// PostGIS geography: as geometry, Debezium's Geography record.
    case geography

    /// Whether the snapshot's SELECT must cast the column so its text form is locale-free.
    var selectCast: String? {
        switch self {
        case .money, .decimal(_, .money): return "numeric"
        case .array(.money), .array(.decimal(_, .money)): return "numeric[]"
        default: return nil
        }
    }
}

/// One column of a captured table.
public struct Column: Equatable, Sendable {
    /// The column's name as PostgreSQL spells it.
    public let name: String
    /// The type the converters follow.
    public let type: ColumnType
    /// `format_type()` of the column, e.g. `numeric(10,2)`, for messages and docs.
    public let typeName: String
    /// Whether the column may hold NULL.
    public let nullable: Bool
    /// Position in the primary key (1-based) or nil when not part of it.
    public let primaryKeyPosition: Int?
    /// The column's default in PostgreSQL's text form, when it is a constant.
    public var defaultText: String?

    /// Creates a column description.
    public init(name: String, type: ColumnType, typeName: String, nullable: Bool, primaryKeyPosition: Int?) {
        self.name = name
        self.type = type
        self.typeName = typeName
        self.nullable = nullable
        self.primaryKeyPosition = primaryKeyPosition
    }
}

extension Array where Element == Column {
    /// Indices of the primary-key columns, in key order (empty: no key).
    var primaryKeyIndices: [Int] {
        indices.filter { self[$0].primaryKeyPosition != nil }.sorted { self[$0].primaryKeyPosition! < self[$1].primaryKeyPosition! }
    }
}
