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
        let primaryKey = try primaryKeyColumns(name)
        var columns: [Column] = []
        for (index, column) in message.columns.enumerated() {
            let type = try types.resolve(oid: column.typeOID, typmod: Int(column.typeModifier))
            // Without a primary key, a replica identity index is the key; FULL flags every
            // column, which is no key at all.
            let identityIsKey = primaryKey.isEmpty && message.replicaIdentity != .full && column.isKey
            let position = primaryKey.firstIndex(of: column.name).map { $0 + 1 } ?? (identityIsKey ? index + 1 : nil)
            columns.append(Column(name: column.name, type: type, typeName: "", nullable: true, primaryKeyPosition: position))
        }
        relations[message.relationID] = EventTable(prefix: prefix, database: catalog.database, name: name, columns: columns)
    }

    subscript(id: UInt32) -> EventTable? { relations[id] }

    private func primaryKeyColumns(_ name: TableName) throws -> [String] {
        let result = try catalog.query("""
            SELECT a.attname FROM pg_index i
            JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) ON true
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
            WHERE n.nspname = $1 AND c.relname = $2 AND i.indisprimary ORDER BY k.ord
            """, [name.schema, name.table], context: "cannot read the primary key of \(name)")
        return (0..<result.rowCount).map { result.string($0, 0) }
    }
}
