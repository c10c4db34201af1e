/// What the stream knows of each published table, from pgoutput's Relation messages (the
/// tuple layout) plus the catalog (column types beyond the built-ins, primary key).
struct StreamRelation {
    let name: TableName
    let columns: [Column]
    /// Indices of the primary-key columns (falling back to the replica identity key).
    let keyIndices: [Int]
    var renderer: TupleRenderer
}

/// Relation ID → `StreamRelation`; a new Relation message (after ALTER TABLE) replaces the entry,
/// so the next event already uses the new shape.
struct RelationCache {
    private var relations: [UInt32: StreamRelation] = [:]
    private let types: TypeResolver
    private let catalog: PGConnection

    init(catalog: PGConnection) {
        self.catalog = catalog
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
        let keys = columns.indices.filter { columns[$0].primaryKeyPosition != nil }
            .sorted { columns[$0].primaryKeyPosition! < columns[$1].primaryKeyPosition! }
        relations[message.relationID] = StreamRelation(name: name, columns: columns, keyIndices: keys, renderer: TupleRenderer(columns: columns))
    }

    subscript(id: UInt32) -> StreamRelation? {
        get { relations[id] }
        set { relations[id] = newValue }
    }

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
