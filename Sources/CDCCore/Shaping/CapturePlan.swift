import Glibc

/// What a stream captures once its shaping is resolved against the catalog and the publication:
/// the tables it snapshots, the relations whose changes it streams, and what the publication
/// publishes of each (column list, row filter), which the snapshot follows.
struct CapturePlan {
    /// The tables to snapshot, in order.
    var tables: [TableName]
    /// The relation names whose changes are streamed; nil: every relation the publication sends.
    var streamed: Set<TableName>?
    /// Per table, what the publication publishes of it.
    var published: [TableName: PublishedTable] = [:]
}

extension ReplicationSetup {
    /// The tables `-t` / `--exclude-table` select (nil when none are given: the publication's),
    /// checked to exist, each pattern matching one.
    func requestedTables() throws -> [TableName]? {
        let shaping = options.shaping
        guard !options.tables.isEmpty || !shaping.include.isEmpty else { return nil }
        return try TableSelection.resolve(literal: options.tables, include: shaping.include, exclude: shaping.exclude, connection: catalog)
    }

    /// Whether the publication exists, and whether it is `FOR ALL TABLES`.
    func publicationState() throws -> (exists: Bool, allTables: Bool) {
        let found = try catalog.query("SELECT puballtables FROM pg_publication WHERE pubname = $1", [options.publication],
                                      context: "cannot look up publication \(options.publication)")
        return (found.rowCount == 1, found.rowCount == 1 && found.string(0, 0) == "t")
    }

    /// Checks the shaping settings against what will be captured, before the publication or the
    /// slot is created: the tables (`requested`, else the existing publication's, else for
    /// `--all-tables` the database's) with the columns they publish, and the row filters
    /// (PostgreSQL 15; an existing publication must filter as asked).
    func checkShaping(requested: [TableName]?) throws {
        let shaping = options.shaping
        let state = try publicationState()
        var tables: [TableName]
        if let requested {
            tables = requested
        } else if state.exists {
            tables = try TableSelection.excluding(shaping.exclude, from: publishedTables())
        } else if options.allTables {
            tables = try TableSelection.resolve(literal: [], include: [try TablePattern.parse(".*").get()], exclude: shaping.exclude, connection: catalog)
        } else {
            return // no publication and nothing to create it with: ensurePublication says so
        }
        let types = TypeResolver(connection: catalog)
        let columnLists = state.exists ? try publishedTableInfo(tables) : [:]
        var captured: [TableShaper.CapturedTable] = []
        for name in tables {
            guard let schema = try? TableSchema.load(name, connection: catalog, types: types) else { continue }
            let list = columnLists[name]?.columns
            let columns = list.map { list in schema.columns.filter { list.contains($0.name) } } ?? schema.columns
            captured.append(.init(name: name, columns: columns, unpublished: Set(schema.columns.map(\.name)).subtracting(columns.map(\.name)),
                                  publication: options.publication))
        }
        let shaper = TableShaper(settings: shaping)
        try shaper.validate(captured)
        try noticeKeysOutsideIdentity(tables)
        guard !shaping.rowFilters.isEmpty else { return }
        if catalog.serverVersion < 150000 {
            throw ShapingError.rowFilterNeedsPostgres15(spec: shaping.rowFilters[0].text, version: catalog.serverVersion)
        }
        guard state.exists else { return }
        if state.allTables {
            throw ShapingError.rowFilterOnAllTables(spec: shaping.rowFilters[0].text, publication: options.publication)
        }
        for name in tables {
            guard let wanted = shaper.rowFilter(name) else { continue }
            let published = columnLists[name]?.rowFilter
            let canonical = try canonicalRowFilter(wanted.predicate, on: name)
            guard let published, Self.sameFilter(published, canonical ?? wanted.predicate) else {
                throw ShapingError.rowFilterDiffers(table: name, publication: options.publication, published: published, wanted: wanted.predicate)
            }
        }
    }

    /// Creates the publication when it does not exist: `FOR ALL TABLES`, or `FOR TABLE` the
    /// tables given, each with its row filter. A row filter must only use columns of the
    /// table's replica identity, or the server refuses the table's UPDATE and DELETE from then
    /// on: checked (`EXPLAIN UPDATE`/`DELETE` in the creating transaction) before it commits.
    /// Names, in a notice, the tables it covers whose UPDATE/DELETE the server will refuse (no
    /// primary key or replica identity).
    func ensurePublication(tables requested: [TableName]?) throws {
        let exists = try catalog.query("SELECT 1 FROM pg_publication WHERE pubname = $1", [options.publication],
                                       context: "cannot look up publication \(options.publication)").rowCount == 1
        guard !exists else { return }
        let shaper = TableShaper(settings: options.shaping)
        let target: String
        var filtered: [(TableName, RowFilter)] = []
        if options.allTables {
            target = "ALL TABLES"
        } else if let requested, !requested.isEmpty {
            target = "TABLE " + requested.map { name in
                guard let filter = shaper.rowFilter(name) else { return name.sqlIdentifier }
                filtered.append((name, filter))
                return "\(name.sqlIdentifier) WHERE (\(filter.predicate))"
            }.joined(separator: ", ")
        } else {
            throw CaptureError.publicationMissing(publication: options.publication)
        }
        let create = "CREATE PUBLICATION \(SQLQuote.identifier(options.publication)) FOR \(target)"
        if filtered.isEmpty {
            try catalog.execute(create, context: "cannot create publication \(options.publication)")
        } else {
            try catalog.execute("BEGIN", context: "cannot create publication \(options.publication)")
            do {
                try catalog.execute(create, context: "cannot create publication \(options.publication)")
                for (name, filter) in filtered { try checkRowFilterIdentity(name, filter) }
                try catalog.execute("COMMIT", context: "cannot create publication \(options.publication)")
            } catch {
                try? catalog.execute("ROLLBACK")
                throw error
            }
        }
        let unidentified = try tablesWithoutIdentity(options.allTables ? nil : requested ?? [])
        if !unidentified.isEmpty {
            log("publication \(options.publication) publishes the UPDATE and DELETE of \(unidentified.map(\.description).joined(separator: ", ")), "
                + "which \(unidentified.count == 1 ? "has" : "have") no primary key or replica identity: the server refuses those statements now "
                + "(ALTER TABLE … REPLICA IDENTITY FULL, or add a primary key)")
        }
    }

    /// The plan of what to capture, once the publication exists: the tables to snapshot (as
    /// `capturedTables` maps them), the relations streamed, and what is published of each.
    /// Tables the publication publishes beyond the selection are named in a notice: their
    /// changes are skipped, so what is streamed is what is snapshotted.
    func capturePlan(requested: [TableName]?) throws -> CapturePlan {
        let shaping = options.shaping
        let selection = try capturedTables(requested ?? [])
        let tables = requested == nil ? try TableSelection.excluding(shaping.exclude, from: selection.tables) : selection.tables
        var plan = CapturePlan(tables: tables, streamed: nil)
        plan.published = try publishedTableInfo(tables)
        if requested != nil || !shaping.exclude.isEmpty {
            let streamed = Set(tables).union(selection.viaAncestors)
            plan.streamed = streamed
            let state = try publicationState()
            if state.allTables {
                log("publication \(options.publication) is FOR ALL TABLES: only the changes of the \(tables.count) table\(tables.count == 1 ? "" : "s") selected are streamed")
            } else {
                let extra = try publishedTables().filter { !streamed.contains($0) }
                if !extra.isEmpty {
                    log("publication \(options.publication) also publishes \(extra.map(\.description).joined(separator: ", ")): "
                        + "not selected, so \(extra.count == 1 ? "its" : "their") changes are skipped")
                }
            }
        }
        return plan
    }

    /// Names, in a notice, the `--key` columns a delete will not carry: outside the table's
    /// replica identity (not FULL), they are null (or their constant default) in its key.
    private func noticeKeysOutsideIdentity(_ tables: [TableName]) throws {
        for name in tables {
            guard let key = options.shaping.keys.first(where: { $0.table.matches(name) }) else { continue }
            let identity = try catalog.query("""
                SELECT c.relreplident::text, coalesce(array_agg(a.attname::text) FILTER (WHERE a.attname IS NOT NULL), '{}')::text
                FROM pg_class c
                LEFT JOIN pg_index i ON i.indrelid = c.oid AND ((c.relreplident = 'd' AND i.indisprimary) OR (c.relreplident = 'i' AND i.indisreplident))
                LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey::int2[])
                WHERE c.oid = $1::regclass GROUP BY c.relreplident
                """, [name.sqlIdentifier], context: "cannot read the replica identity of table \(name)")
            guard identity.rowCount == 1, identity.string(0, 0) != "f" else { continue }
            let identityColumns = Set(Self.textArray(identity.string(0, 1)))
            let outside = key.columns.filter { !identityColumns.contains($0) }
            guard !outside.isEmpty else { continue }
            log("key column\(outside.count == 1 ? "" : "s") \(outside.joined(separator: ", ")) of table \(name) \(outside.count == 1 ? "is" : "are") not in its replica identity: "
                + "a delete's key carries \(outside.count == 1 ? "it" : "them") as null or a default (ALTER TABLE \(name.sqlIdentifier) REPLICA IDENTITY FULL)")
        }
    }

    // MARK: catalog reads

    /// The column list and row filter the publication has for each of `tables` (PostgreSQL 15;
    /// before it, none).
    func publishedTableInfo(_ tables: [TableName]) throws -> [TableName: PublishedTable] {
        guard catalog.serverVersion >= 150000 else { return [:] }
        let result = try catalog.query("""
            SELECT schemaname, tablename, attnames::text[], rowfilter FROM pg_publication_tables WHERE pubname = $1
            """, [options.publication], context: "cannot list the tables of publication \(options.publication)")
        var info: [TableName: PublishedTable] = [:]
        let wanted = Set(tables)
        for row in 0..<result.rowCount {
            let name = TableName(schema: result.string(row, 0), table: result.string(row, 1))
            guard wanted.contains(name) else { continue }
            info[name] = PublishedTable(publication: options.publication, columns: result.value(row, 2).map(Self.textArray),
                                        rowFilter: result.value(row, 3))
        }
        return info
    }

    /// The elements of a one-dimensional text array's text form (`{a,"b c"}`).
    static func textArray(_ text: String) -> [String] {
        var items: [String] = [], current = "", quoted = false, escaped = false, wasQuoted = false
        for ch in text.dropFirst().dropLast() {
            if escaped { current.append(ch); escaped = false; continue }
            switch ch {
            case "\\" where quoted: escaped = true
            case "\"": quoted.toggle(); wasQuoted = true
            case "," where !quoted:
                items.append(current)
                current = ""
                wasQuoted = false
            default: current.append(ch)
            }
        }
        if !current.isEmpty || wasQuoted { items.append(current) }
        return items
    }

    /// `predicate` on `table` as the server prints a publication's row filter, found by creating
    /// a probe publication in a transaction that is rolled back; nil when the role may not.
    private func canonicalRowFilter(_ predicate: String, on table: TableName) throws -> String? {
        let probe = "cdcctl_probe_\(getpid())"
        try catalog.execute("BEGIN", context: "cannot check the row filter of \(table)")
        defer { try? catalog.execute("ROLLBACK") }
        do {
            try catalog.execute("CREATE PUBLICATION \(SQLQuote.identifier(probe)) FOR TABLE \(table.sqlIdentifier) WHERE (\(predicate))",
                                context: "invalid row filter for table \(table)")
        } catch let error as PostgresError where error.sqlState == "42501" {
            return nil // not the table's owner: compare the text as written
        }
        let result = try catalog.query("SELECT rowfilter FROM pg_publication_tables WHERE pubname = $1", [probe],
                                       context: "cannot check the row filter of \(table)")
        return result.rowCount == 1 ? result.value(0, 0) : nil
    }

    /// Whether two row filters are the same text, outer parentheses and spaces aside.
    static func sameFilter(_ a: String, _ b: String) -> Bool {
        func bare(_ s: String) -> String {
            var t = s.trimmingSpaces()
            while t.hasPrefix("(") && t.hasSuffix(")") && balanced(String(t.dropFirst().dropLast())) { t = String(t.dropFirst().dropLast()).trimmingSpaces() }
            return t
        }
        func balanced(_ s: String) -> Bool {
            var depth = 0
            for ch in s {
                if ch == "(" { depth += 1 }
                if ch == ")" { depth -= 1; if depth < 0 { return false } }
            }
            return depth == 0
        }
        return bare(a) == bare(b)
    }

    /// Fails when the new publication's row filter of `table` uses columns outside its replica
    /// identity: the server would refuse the table's UPDATE and DELETE (checked by planning them).
    private func checkRowFilterIdentity(_ table: TableName, _ filter: RowFilter) throws {
        let column = try catalog.query("""
            SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
            ORDER BY attnum LIMIT 1
            """, [table.sqlIdentifier], context: "cannot read the columns of \(table)")
        guard column.rowCount == 1 else { return }
        let name = SQLQuote.identifier(column.string(0, 0))
        for statement in ["UPDATE \(table.sqlIdentifier) SET \(name) = \(name)", "DELETE FROM \(table.sqlIdentifier)"] {
            do {
                try catalog.execute("EXPLAIN \(statement)", context: "cannot check the row filter of \(table)")
            } catch let error as PostgresError where error.sqlState == "42P10" {
                throw ShapingError.rowFilterOutsideReplicaIdentity(spec: filter.text, table: table)
            }
        }
    }

    /// Of `tables` (nil: every table, as `FOR ALL TABLES` publishes them), those whose UPDATE and
    /// DELETE a publication makes the server refuse: no primary key, no replica identity index,
    /// not REPLICA IDENTITY FULL.
    func tablesWithoutIdentity(_ tables: [TableName]?) throws -> [TableName] {
        let scope = tables == nil
            ? "c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
            : "c.oid = ANY($1::regclass[])"
        let parameters: [String?] = tables.map { ["{" + $0.map { "\"\($0.sqlIdentifier.replacingAll("\"", with: "\\\""))\"" }.joined(separator: ",") + "}"] } ?? []
        let result = try catalog.query("""
            SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE \(scope)
              AND NOT (c.relreplident = 'f'
                       OR (c.relreplident = 'd' AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary))
                       OR (c.relreplident = 'i' AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident)))
            ORDER BY 1, 2
            """, parameters, context: "cannot read the replica identities of the tables")
        return (0..<result.rowCount).map { TableName(schema: result.string($0, 0), table: result.string($0, 1)) }
            .filter { !SnapshotStateTable.isStateTable($0) }
    }
}
