/// A captured table: its identity, columns and the planner's row estimate.
public struct TableSchema: Sendable {
    /// The table's OID.
    public let oid: UInt32
    /// Its schema-qualified name.
    public let name: TableName
    /// Its columns in attribute order.
    public let columns: [Column]
    /// `pg_class.reltuples`, or nil when the table was never analysed.
    public let estimatedRows: Int64?
    /// Whether it is a partitioned table, whose rows live in its partitions.
    public var isPartitioned = false

    /// Reads a table's description; fails with a message naming the table when it does not exist.
    public static func load(_ name: TableName, connection: PGConnection, types: TypeResolver) throws -> TableSchema {
        let table = try connection.query("""
            SELECT c.oid, c.reltuples::int8, c.relkind = 'p' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
            """, [name.schema, name.table], context: "cannot look up table \(name)")
        guard table.rowCount == 1, let oid = UInt32(table.string(0, 0)) else {
            throw PostgresError("table \(name) does not exist", sqlState: "42P01")
        }
        let estimate = Int64(table.string(0, 1)).flatMap { $0 >= 0 ? $0 : nil }
        let rows = try connection.query("""
            SELECT a.attname, a.atttypid, a.atttypmod, a.attnotnull, format_type(a.atttypid, a.atttypmod),
                   array_position(i.indkey::int2[], a.attnum) - array_lower(i.indkey::int2[], 1) + 1,
                   pg_get_expr(d.adbin, d.adrelid)
            FROM pg_attribute a
            LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.attgenerated = ''
            WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum
            """, [String(oid)], context: "cannot read the columns of \(name)")
        var columns: [Column] = []
        for r in 0..<rows.rowCount {
            let type = try types.resolve(oid: UInt32(rows.string(r, 1)) ?? 0, typmod: Int(rows.string(r, 2)) ?? -1)
            var column = Column(
                name: rows.string(r, 0), type: type, typeName: rows.string(r, 4),
                nullable: rows.string(r, 3) != "t", primaryKeyPosition: rows.value(r, 5).flatMap { Int($0) })
            column.defaultText = rows.value(r, 6).flatMap(AvroFieldDefault.constantText)
            columns.append(column)
        }
        var schema = TableSchema(oid: oid, name: name, columns: columns, estimatedRows: estimate)
        schema.isPartitioned = table.string(0, 2) == "t"
        return schema
    }
}
