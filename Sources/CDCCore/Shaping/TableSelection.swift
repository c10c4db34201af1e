/// Which tables `-t` and `--exclude-table` name, read from the catalog: a literal name must
/// exist; a pattern matches the database's tables (ordinary and partitioned ones, not
/// partitions: a partitioned table is read with its partitions; not the system schemas nor
/// cdcctl's `snapshot_state`), and must match at least one. Tables come in the order given (a pattern's in
/// name order), each once; exclusions must each remove one.
enum TableSelection {
    /// The tables `include` names (literal ones first as `literal` lists them), minus `exclude`'s.
    static func resolve(literal: [TableName], include: [TablePattern], exclude: [TablePattern], connection: PGConnection) throws -> [TableName] {
        var candidates: [TableName]?
        func all() throws -> [TableName] {
            if let candidates { return candidates }
            let found = try databaseTables(connection)
            candidates = found
            return found
        }
        var tables: [TableName] = []
        for pattern in literal.map(TablePattern.init) + include {
            if let name = pattern.name {
                guard try exists(name, connection) else { throw PostgresError("table \(name) does not exist", sqlState: "42P01") }
                tables.append(name)
            } else {
                let matched = try all().filter(pattern.matches)
                guard !matched.isEmpty else { throw ShapingError.patternMatchesNoTable(.table, spec: pattern.text) }
                tables += matched
            }
        }
        var seen = Set<TableName>()
        tables = tables.filter { seen.insert($0).inserted }
        return try excluding(exclude, from: tables)
    }

    /// `tables` without those `exclude` names; each exclusion must remove one.
    static func excluding(_ exclude: [TablePattern], from tables: [TableName]) throws -> [TableName] {
        guard !exclude.isEmpty else { return tables }
        for pattern in exclude where !tables.contains(where: pattern.matches) {
            throw ShapingError.patternMatchesNoTable(.excludeTable, spec: pattern.text)
        }
        let kept = tables.filter { table in !exclude.contains { $0.matches(table) } }
        guard !kept.isEmpty else { throw ShapingError.noTableLeft }
        return kept
    }

    private static func exists(_ name: TableName, _ connection: PGConnection) throws -> Bool {
        try connection.query("""
            SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
            """, [name.schema, name.table], context: "cannot look up table \(name)").rowCount == 1
    }

    /// The tables a pattern can match, in name order.
    static func databaseTables(_ connection: PGConnection) throws -> [TableName] {
        let result = try connection.query("""
            SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
            ORDER BY 1, 2
            """, context: "cannot list the tables of the database")
        return (0..<result.rowCount).map { TableName(schema: result.string($0, 0), table: result.string($0, 1)) }
            .filter { !SnapshotStateTable.isStateTable($0) }
    }
}
