/// Relation ID → the table as events describe it, from pgoutput's Relation messages (the tuple
/// layout) plus the catalog (column types beyond the built-ins, primary key — falling back to
/// the replica identity key). A new Relation message (after ALTER TABLE) replaces the entry, so
/// the next event already uses the new shape.
struct RelationCache {
    private var relations: [UInt32: EventTable] = [:]
    private let types: TypeResolver
    private let catalog: PGConnection
    private let prefix: String

    init(catalog: PGConnection, prefix: String) {
        self.catalog = catalog
        self.prefix = prefix
        types = TypeResolver(connection: catalog)
    }

    mutating func apply(_ message: RelationMessage) throws {
        let name = TableName(schema: message.namespace, table: message.name)
        let catalogColumns = try describeColumns(name)
        let hasPrimaryKey = catalogColumns.values.contains { $0.keyPosition != nil }
        var columns: [Column] = []
        for (index, column) in message.columns.enumerated() {
            let type = try types.resolve(oid: column.typeOID, typmod: Int(column.typeModifier))
            let known = catalogColumns[column.name]
            // Without a primary key, a replica identity index is the key; FULL flags every
            // column, which is no key at all.
            let identityIsKey = !hasPrimaryKey && message.replicaIdentity != .full && column.isKey
            let position = known?.keyPosition ?? (identityIsKey ? index + 1 : nil)
            // Nullability and the declared type come from the catalog, as in a snapshot, so a
            // table's snapshot and stream events share one schema.
            columns.append(Column(name: column.name, type: type, typeName: known?.typeName ?? "",
                                  nullable: !(known?.notNull ?? false), primaryKeyPosition: position))
        }
        relations[message.relationID] = EventTable(prefix: prefix, database: catalog.database, name: name, columns: columns)
    }

    subscript(id: UInt32) -> EventTable? { relations[id] }

    private struct CatalogColumn {
        let notNull: Bool
        let typeName: String
        let keyPosition: Int?
    }

    /// The table's columns as the catalog has them now (the Relation message may describe an
    /// older shape; only what still matches by name is used).
    private func describeColumns(_ name: TableName) throws -> [String: CatalogColumn] {
        let result = try catalog.query("""
            SELECT a.attname, a.attnotnull, format_type(a.atttypid, a.atttypmod),
                   array_position(i.indkey::int2[], a.attnum) - array_lower(i.indkey::int2[], 1) + 1
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
            WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
            """, [name.schema, name.table], context: "cannot read the columns of \(name)")
        var columns: [String: CatalogColumn] = [:]
        for r in 0..<result.rowCount {
            columns[result.string(r, 0)] = CatalogColumn(notNull: result.string(r, 1) == "t", typeName: result.string(r, 2),
                                                         keyPosition: result.value(r, 3).flatMap { Int($0) })
        }
        return columns
    }
}
