/// `--create-tables` and `--evolve` (Debezium's `schema.evolution=basic`): a missing table is
/// created from a record's fields, and fields a table lacks become new nullable columns. Types
/// come from the record's Avro schema when it has one (`AvroColumnTypes`), else from the JSON
/// values: boolean → boolean, an integral number → bigint, another number → numeric (exact), a
/// string → text, an object or array → jsonb, null → text. Nothing is ever dropped or narrowed.
enum TableEvolution {
    static func sqlType(of value: ApplyJSON) -> String {
        switch value {
        case .bool: return "boolean"
        case .number(let n): return n.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) ? "numeric" : "bigint"
        case .object, .array: return "jsonb"
        case .string, .null: return "text"
        }
    }

    /// Creates `name` with the record's fields; the key is `key`, else the record key's fields.
    static func create(_ name: TableName, from change: ApplyChange, key: [String]?, on c: PGConnection) throws {
        let keyColumns = key ?? change.recordKey?.map { $0.0 } ?? []
        guard !keyColumns.isEmpty else { throw ApplyCreateNoKey(table: name) }
        var seen = Set<String>()
        var columns: [String] = []
        for (field, value) in change.row where seen.insert(field).inserted {
            columns.append("\(SQLQuote.identifier(field)) \(change.columnTypes?[field] ?? sqlType(of: value))")
        }
        for k in keyColumns where !seen.contains(k) {
            let value = change.recordKey?.last(where: { $0.0 == k })?.1 ?? .null
            columns.append("\(SQLQuote.identifier(k)) \(sqlType(of: value))")
        }
        try lock(name, on: c)
        if name.schema != "public" {
            try c.execute("CREATE SCHEMA IF NOT EXISTS \(SQLQuote.identifier(name.schema))", context: "cannot create schema \(name.schema)")
        }
        try c.execute("""
            CREATE TABLE IF NOT EXISTS \(name.sqlIdentifier) (\(columns.joined(separator: ", ")), PRIMARY KEY (\(keyColumns.map(SQLQuote.identifier).joined(separator: ", "))))
            """, context: "cannot create table \(name)")
    }

    /// Adds nullable columns for `fields`.
    static func addColumns(_ fields: [(String, ApplyJSON)], types: [String: String]?, to name: TableName, on c: PGConnection) throws {
        var seen = Set<String>()
        let adds = fields.filter { seen.insert($0.0).inserted }
            .map { "ADD COLUMN IF NOT EXISTS \(SQLQuote.identifier($0.0)) \(types?[$0.0] ?? sqlType(of: $0.1))" }
        try lock(name, on: c)
        try c.execute("ALTER TABLE \(name.sqlIdentifier) \(adds.joined(separator: ", "))", context: "cannot add columns to \(name)")
    }

    /// Another apply may be creating or evolving the same table: wait for its transaction.
    private static func lock(_ name: TableName, on c: PGConnection) throws {
        _ = try c.query("SELECT pg_advisory_xact_lock(hashtext($1))", ["cdcctl_apply:" + name.sqlIdentifier],
                        context: "cannot lock \(name) to change it")
    }
}

/// `--create-tables` without a key to give the new table.
public struct ApplyCreateNoKey: Error, CustomStringConvertible, Sendable {
    public let table: TableName
    public var description: String { "cannot create table \(table): no primary key known (give --primary-key or --key-fields)" }
}
