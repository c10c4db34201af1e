/// Which tables a stream captures, as the publication really publishes them, checked before
/// anything is created: a table that the publication does not cover would be snapshotted and
/// then never streamed, and the slot would move past its changes (a silent loss).
extension ReplicationSetup {
    /// The tables to snapshot for `requested` (empty: everything the publication covers). A
    /// partitioned table becomes what the publication names for it: itself when published via
    /// its root, else its partitions, so snapshot and change events name the same tables.
    /// Throws `CaptureError.tableNotPublished` naming the first requested table the publication does not cover.
    /// (`pg_partition_ancestors` lists nothing for a table outside any partition tree, so a
    /// plain table is matched by itself. Published tables are matched through the catalog, not
    /// by casting their names to regclass, which needs USAGE on every published schema.)
    /// `viaAncestors`: the published ancestors under whose names the changes of requested
    /// partitions arrive (`publish_via_partition_root`).
    func capturedTables(_ requested: [TableName]) throws -> (tables: [TableName], viaAncestors: Set<TableName>) {
        if requested.isEmpty { return (try publishedTables(), []) }
        var captured: [TableName] = []
        var viaAncestors = Set<TableName>()
        for table in requested {
            let existing = try catalog.query("SELECT to_regclass($1) IS NOT NULL", [table.sqlIdentifier],
                                             context: "cannot look up table \(table)")
            guard existing.string(0, 0) == "t" else {
                throw PostgresError("table \(table) does not exist", sqlState: "42P01")
            }
            // The published relations that are this table or one of its partitions.
            let published = try catalog.query("""
                SELECT pt.schemaname, pt.tablename FROM pg_publication_tables pt
                JOIN pg_namespace n ON n.nspname = pt.schemaname
                JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = pt.tablename
                WHERE pt.pubname = $1
                  AND (c.oid = $2::regclass OR $2::regclass IN (SELECT relid FROM pg_partition_ancestors(c.oid)))
                ORDER BY 1, 2
                """, [options.publication, table.sqlIdentifier], context: "cannot list the tables of publication \(options.publication)")
            if published.rowCount > 0 {
                captured += (0..<published.rowCount).map { TableName(schema: published.string($0, 0), table: published.string($0, 1)) }
                continue
            }
            // A partition whose root is published (publish_via_partition_root): its changes come
            // under the root's name, but they do come.
            let viaAncestor = try catalog.query("""
                SELECT pt.schemaname, pt.tablename FROM pg_publication_tables pt
                JOIN pg_namespace n ON n.nspname = pt.schemaname
                JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = pt.tablename
                WHERE pt.pubname = $1 AND c.oid IN (SELECT relid FROM pg_partition_ancestors($2::regclass))
                """, [options.publication, table.sqlIdentifier], context: "cannot list the tables of publication \(options.publication)")
            guard viaAncestor.rowCount > 0 else {
                throw CaptureError.tableNotPublished(table: "\(table)", publication: options.publication,
                                                     fix: "ALTER PUBLICATION \(TableName.quote(options.publication)) ADD TABLE \(table.sqlIdentifier)")
            }
            captured.append(table)
            for row in 0..<viaAncestor.rowCount { viaAncestors.insert(TableName(schema: viaAncestor.string(row, 0), table: viaAncestor.string(row, 1))) }
        }
        var seen = Set<TableName>()
        return (captured.filter { seen.insert($0).inserted }, viaAncestors)
    }
}
