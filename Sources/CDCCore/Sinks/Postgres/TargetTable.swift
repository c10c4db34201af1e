/// A table of the apply target as its catalog describes it: the columns `apply` writes, how
/// each one's event value becomes PostgreSQL text input, and the key rows are matched on.
public struct TargetTable: Sendable {
    /// The table's name.
    public let name: TableName
    /// The columns, in table order (generated columns left out: they cannot be written).
    public var columns: [TargetColumn]
    /// The primary key's column names (or `--primary-key`'s), in key order; empty without one.
    public var key: [String]
    /// Column name → index in `columns`.
    public var index: [String: Int]

    init(name: TableName, columns: [TargetColumn], key: [String]) {
        self.name = name
        self.columns = columns
        self.key = key
        index = Dictionary(columns.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Reads the table from the catalog; nil when it does not exist. `keyOverride` replaces the
    /// primary key (`--primary-key`).
    static func load(_ name: TableName, on connection: PGConnection, keyOverride: [String]?) throws -> TargetTable? {
        let exists = try connection.query("SELECT to_regclass($1) IS NOT NULL", [name.sqlIdentifier], context: "cannot look up table \(name)")
        guard exists.string(0, 0) == "t" else { return nil }
        let rows = try connection.query("""
            SELECT a.attname, format_type(a.atttypid, a.atttypmod),
                   CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END,
                   bt.typname, bt.typcategory, et.typname, a.attgenerated <> '', a.attnotnull
            FROM pg_attribute a
            JOIN pg_type t ON t.oid = a.atttypid
            JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
            LEFT JOIN pg_type e0 ON e0.oid = bt.typelem AND bt.typcategory = 'A'
            LEFT JOIN pg_type et ON et.oid = CASE WHEN e0.typtype = 'd' THEN e0.typbasetype ELSE e0.oid END
            WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum
            """, [name.sqlIdentifier], context: "cannot read the columns of \(name)")
        var columns: [TargetColumn] = []
        for r in 0..<rows.rowCount where rows.string(r, 6) != "t" {
            let typmod = Int(rows.string(r, 2)) ?? -1
            let base = rows.string(r, 3)
            let kind: ValueKind
            if rows.string(r, 4) == "A", let element = rows.value(r, 5) {
                kind = .array(ValueKind.of(typeName: element, typmod: typmod))
            } else {
                kind = ValueKind.of(typeName: base, typmod: typmod)
            }
            columns.append(TargetColumn(name: rows.string(r, 0), sqlType: rows.string(r, 1), kind: kind, notNull: rows.string(r, 7) == "t"))
        }
        var key = keyOverride ?? []
        if keyOverride == nil {
            let pk = try connection.query("""
                SELECT a.attname FROM pg_index i
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey::int2[])
                WHERE i.indrelid = $1::regclass AND i.indisprimary
                ORDER BY array_position(i.indkey::int2[], a.attnum)
                """, [name.sqlIdentifier], context: "cannot read the primary key of \(name)")
            key = (0..<pk.rowCount).map { pk.string($0, 0) }
        }
        return TargetTable(name: name, columns: columns, key: key)
    }
}

/// One column of a target table.
public struct TargetColumn: Sendable {
    /// The column's name.
    public let name: String
    /// Its type as SQL (`format_type`), e.g. `timestamp(3) without time zone`.
    public let sqlType: String
    /// How an event value becomes its text input.
    public let kind: ValueKind
    /// NOT NULL.
    public let notNull: Bool
}

/// What an event's JSON value means for a column type, as cdcctl's events (docs/types.md) and
/// Debezium's encode it: e.g. a number for a `date` column is days since the epoch.
public indirect enum ValueKind: Sendable, Equatable {
    case boolean
    /// bit(1): a JSON boolean.
    case bit1
    /// bit(n), varbit: base64 bytes, little-endian, bit 0 rightmost; `length` nil for varbit.
    case bits(length: Int?)
    case integer
    case float
    /// numeric, money: exact decimal strings (or Avro's VariableScaleDecimal record).
    case numeric
    /// bytea: base64.
    case bytea
    /// date: days since 1970-01-01.
    case date
    /// time(p): ms for p ≤ 3, µs otherwise.
    case time(precision: Int)
    case timetz
    /// timestamp(p): ms since the epoch for p ≤ 3, µs otherwise.
    case timestamp(precision: Int)
    /// timestamptz: an ISO-8601 string.
    case timestamptz
    /// interval: µs, a month counted as 30.4375 days.
    case interval
    /// point: {x, y}.
    case point
    /// json, jsonb: the JSON text in a string (a JSON object or array is taken as it is).
    case json
    /// Any other type: the value's text as it is.
    case text
    /// An array of the element kind.
    case array(ValueKind)

    /// The kind of a base type name (`pg_type.typname`) with its type modifier.
    static func of(typeName: String, typmod: Int) -> ValueKind {
        switch typeName {
        case "bool": return .boolean
        case "int2", "int4", "int8", "oid": return .integer
        case "float4", "float8": return .float
        case "numeric", "money": return .numeric
        case "bytea": return .bytea
        case "date": return .date
        case "time": return .time(precision: typmod < 0 ? 6 : typmod)
        case "timetz": return .timetz
        case "timestamp": return .timestamp(precision: typmod < 0 ? 6 : typmod)
        case "timestamptz": return .timestamptz
        case "interval": return .interval
        case "bit": return typmod == 1 ? .bit1 : .bits(length: typmod > 0 ? typmod : nil)
        case "varbit": return .bits(length: nil)
        case "point": return .point
        case "json", "jsonb": return .json
        default: return .text
        }
    }
}
