/// Relation ID → the table as events describe it, from pgoutput's Relation messages (the tuple
/// layout) plus the catalog (column types beyond the built-ins, primary key — falling back to
/// the replica identity key). A new Relation message (after ALTER TABLE) replaces the entry, so
/// the next event already uses the new shape.
struct RelationCache {
    private var relations: [UInt32: EventTable] = [:]
    /// Columns seen holding NULL while the catalog said NOT NULL, by table: they stay nullable
    /// when a later Relation message (ALTER TABLE) describes the table again, since an Avro
    /// schema that turns an optional field back into a required one is not BACKWARD compatible.
    private var seenNull: [TableName: Set<String>] = [:]
    private let types: TypeResolver
    private let catalog: PGConnection
    private let prefix: String
    /// The relations whose changes are streamed (nil: all the publication sends).
    private let streamed: Set<TableName>?
    /// Shapes each table's columns, key and values (nil: events carry every published column).
    private let shaper: TableShaper?

    init(catalog: PGConnection, prefix: String, streamed: Set<TableName>? = nil, shaper: TableShaper? = nil,
         typeModes: TypeModes = TypeModes()) {
        self.catalog = catalog
        self.prefix = prefix
        self.streamed = streamed
        self.shaper = shaper
        types = TypeResolver(connection: catalog, modes: typeModes)
    }

    /// Describes the relation; returns false (and keeps nothing) for a relation whose changes
    /// are not streamed (published, but not selected).
    mutating func apply(_ message: RelationMessage) throws -> Bool {
        let name = TableName(schema: message.namespace, table: message.name)
        if let streamed, !streamed.contains(name) {
            relations[message.relationID] = nil
            return false
        }
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
            var described = Column(name: column.name, type: type, typeName: known?.typeName ?? "",
                                   nullable: known?.nullable ?? true, primaryKeyPosition: position)
            described.defaultText = known?.defaultText
            columns.append(described)
        }
        let unshaped = EventTable(prefix: prefix, database: catalog.database, name: name, columns: columns)
        let table = shaper?.shape(unshaped) ?? unshaped
        let stillNullable = seenNull[name].map { names in table.requiredIndices.filter { names.contains(table.columns[$0].name) } } ?? []
        relations[message.relationID] = stillNullable.isEmpty ? table : table.allowingNull(at: stillNullable)
        return true
    }

    subscript(id: UInt32) -> EventTable? { relations[id] }

    /// The relation's table, with the NOT NULL columns that `tuple` (a complete row) holds NULL
    /// in made nullable from now on. The catalog is read when the Relation message arrives, so
    /// a column made NOT NULL after the row was written would otherwise turn its NULL into the
    /// type's zero in Avro. Nil for an unknown relation.
    mutating func table(_ id: UInt32, holding tuple: TupleData) -> EventTable? {
        guard let table = relations[id] else { return nil }
        var nulls: [Int] = []
        for i in table.requiredIndices {
            let position = table.layout.tuplePosition(i)
            if position < tuple.count && tuple.kind(at: position) == .null { nulls.append(i) }
        }
        guard !nulls.isEmpty else { return table }
        let widened = table.allowingNull(at: nulls)
        relations[id] = widened
        seenNull[table.name, default: []].formUnion(nulls.map { table.columns[$0].name })
        return widened
    }

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
