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
        let catalogColumns = try catalogColumns(name)
        let hasPrimaryKey = catalogColumns.values.contains { $0.primaryKeyPosition != nil }
        var columns: [Column] = []
        for (index, column) in message.columns.enumerated() {
            let type = try types.resolve(oid: column.typeOID, typmod: Int(column.typeModifier))
            let known = catalogColumns[column.name]
            // Without a primary key, a replica identity index is the key; FULL flags every
            // column, which is no key at all.
            let identityIsKey = !hasPrimaryKey && message.replicaIdentity != .full && column.isKey
            let position = known?.primaryKeyPosition ?? (identityIsKey ? index + 1 : nil)
            // Nullability and the declared type come from the catalog, as in a snapshot, so a
            // table's snapshot and stream events share one schema.
            columns.append(Column(name: column.name, type: type, typeName: known?.typeName ?? "",
                                  nullable: known?.nullable ?? true, primaryKeyPosition: position))
        }
        relations[message.relationID] = EventTable(prefix: prefix, database: catalog.database, name: name, columns: columns)
    }

    subscript(id: UInt32) -> EventTable? { relations[id] }

    /// The table's columns as the catalog has them now, by name (the Relation message may
    /// describe an older shape; only what still matches by name is used). A table dropped since
    /// the change was written has none: its events then carry what pgoutput says alone.
    private func catalogColumns(_ name: TableName) throws -> [String: Column] {
        do {
            let schema = try TableSchema.load(name, connection: catalog, types: types)
            return Dictionary(schema.columns.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        } catch let error as PostgresError where error.sqlState == "42P01" {
            return [:]
        }
    }
}
