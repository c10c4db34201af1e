/// The preflight's checks of what would be captured: the publication exists and covers the
/// tables given, the tables exist, and every table whose UPDATE/DELETE would be published can
/// identify its rows (a primary key or a replica identity), since the server refuses those
/// statements on a published table that cannot.
struct PublicationChecks {
    let connection: PGConnection
    let options: Preflight.Options

    /// The publication, table and replica-identity checks, in that order.
    func run() throws -> [PreflightCheck] {
        guard options.publication != nil || !options.tables.isEmpty else {
            return [.skipped("publication", "no --publication or -t given")]
        }
        let publication = options.publication ?? "cdcctl"
        var checks: [PreflightCheck] = []
        let found = try connection.query("SELECT puballtables, pubupdate OR pubdelete FROM pg_publication WHERE pubname = $1", [publication],
                                         context: "cannot look up publication \(publication)")
        let exists = found.rowCount == 1
        // Whether UPDATE/DELETE are published (a new publication publishes them).
        let publishesUpdates = !exists || found.value(0, 1) == "t"
        var identityTables: [TableName] = []
        if exists {
            let published = try ReplicationSetup(catalog: connection, options: StreamOptions(slot: "", publication: publication)).publishedTables()
            let scope = found.value(0, 0) == "t" ? "FOR ALL TABLES" : "\(published.count) table\(published.count == 1 ? "" : "s")"
            checks.append(.ok("publication", "publication \(publication) exists (\(scope))"))
            identityTables += published
        } else if options.tables.isEmpty {
            checks.append(.problem("publication", "publication \(publication) does not exist",
                                   fix: "CREATE PUBLICATION \(SQLQuote.identifier(publication)) FOR TABLE …, or pass -t schema.table to cdcctl stream to create it"))
        } else {
            checks.append(.ok("publication", "publication \(publication) does not exist yet: cdcctl stream -t … creates it for the tables given"))
        }
        for table in try selectedTables(&checks) {
            let regclass = try connection.query("SELECT to_regclass($1) IS NOT NULL", [table.sqlIdentifier], context: "cannot look up table \(table)")
            guard regclass.string(0, 0) == "t" else {
                checks.append(.problem("table", "table \(table) does not exist", fix: "create it, or correct the -t name (schema.table)"))
                continue
            }
            identityTables.append(table)
            guard exists else { continue }
            if try covers(publication: publication, table: table) {
                checks.append(.ok("table", "table \(table) is in publication \(publication)"))
            } else {
                checks.append(.problem("table", "table \(table) is not in publication \(publication), so none of its changes would arrive",
                                       fix: "ALTER PUBLICATION \(SQLQuote.identifier(publication)) ADD TABLE \(table.sqlIdentifier)"))
            }
        }
        if publishesUpdates { checks += try replicaIdentity(of: identityTables) }
        return checks
    }

    /// The tables `-t` names and its patterns match, minus `--exclude-table`'s, each once; a
    /// pattern that matches nothing and an exclusion that removes nothing are problems, as
    /// `stream` refuses them. (A literal name that does not exist is the caller's problem line.)
    private func selectedTables(_ checks: inout [PreflightCheck]) throws -> [TableName] {
        var tables: [TableName] = []
        var candidates: [TableName]?
        for pattern in options.tables {
            if let name = pattern.name {
                tables.append(name)
                continue
            }
            if candidates == nil { candidates = try TableSelection.databaseTables(connection) }
            let matched = candidates!.filter(pattern.matches)
            if matched.isEmpty {
                checks.append(.problem("table", ShapingError.patternMatchesNoTable(.table, spec: pattern.text).message { _ in "-t" },
                                       fix: "correct the pattern: a regular expression on the whole schema.table, such as 'shop\\..*'"))
            }
            tables += matched
        }
        var seen = Set<TableName>()
        tables = tables.filter { seen.insert($0).inserted }
        for pattern in options.excludeTables where !tables.contains(where: pattern.matches) {
            checks.append(.problem("table", ShapingError.patternMatchesNoTable(.excludeTable, spec: pattern.text).message { _ in "--exclude-table" },
                                   fix: "correct --exclude-table or leave it out"))
        }
        return tables.filter { table in !options.excludeTables.contains { $0.matches(table) } }
    }

    /// Whether the publication publishes `table`'s changes: the table itself, one of its
    /// partitions, or an ancestor it is a partition of (as `cdcctl stream` accepts). Works on
    /// relation ids, so a role without access to other schemas can run it.
    private func covers(publication: String, table: TableName) throws -> Bool {
        try connection.query("""
            SELECT EXISTS (SELECT 1 FROM pg_get_publication_tables($1) g
                           WHERE g.relid = $2::regclass
                              OR $2::regclass IN (SELECT relid FROM pg_partition_ancestors(g.relid))
                              OR g.relid IN (SELECT relid FROM pg_partition_ancestors($2::regclass)))
            """, [publication, table.sqlIdentifier], context: "cannot list the tables of publication \(publication)").string(0, 0) == "t"
    }

    /// A problem for each table without a primary key or replica identity, or one ok line.
    private func replicaIdentity(of tables: [TableName]) throws -> [PreflightCheck] {
        var seen = Set<String>()
        var problems: [PreflightCheck] = []
        var checked = 0
        for table in tables where seen.insert(table.sqlIdentifier).inserted {
            let result = try connection.query("""
                SELECT c.relreplident::text, c.relkind::text,
                       EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary),
                       EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident)
                FROM pg_class c WHERE c.oid = $1::regclass
                """, [table.sqlIdentifier], context: "cannot read the replica identity of table \(table)")
            guard result.rowCount == 1 else { continue }
            checked += 1
            let identity = result.string(0, 0)
            let hasKey = result.value(0, 2) == "t"
            let hasIndex = result.value(0, 3) == "t"
            let identifies = identity == "f" || (identity == "d" && hasKey) || (identity == "i" && hasIndex)
            guard !identifies else { continue }
            let what = identity == "n" ? "has REPLICA IDENTITY NOTHING" : "has no primary key and no replica identity"
            problems.append(.problem("replica_identity",
                                     "table \(table) \(what): once published, its UPDATE and DELETE fail on the server",
                                     fix: "ALTER TABLE \(table.sqlIdentifier) ADD PRIMARY KEY (…), or ALTER TABLE \(table.sqlIdentifier) REPLICA IDENTITY FULL"))
        }
        if problems.isEmpty {
            return [.ok("replica_identity", checked == 0 ? "no tables to check" : "all \(checked) table\(checked == 1 ? "" : "s") have a primary key or replica identity")]
        }
        return problems
    }
}
