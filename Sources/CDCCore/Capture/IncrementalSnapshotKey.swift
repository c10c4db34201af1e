/// The columns an incremental snapshot reads a table in chunks by, and matches the stream's
/// changes to chunk rows by: the primary key, or, for a table without one, the stream's `--key`
/// columns when they can stand in for it.
///
/// A stand-in must order and identify rows as a primary key does: every column NOT NULL (a
/// row comparison with a null is never true, so such a row would fall between chunks), and
/// unique, which a valid unique index without expressions or predicate shows when its columns
/// are among the `--key` columns (a subset that is unique makes the whole set unique). A
/// REPLICA IDENTITY USING INDEX must carry every `--key` column, else a delete's old row would
/// not name the chunk row it removes; FULL carries all; DEFAULT or NOTHING without a primary key
/// make PostgreSQL refuse published updates and deletes, so only inserts come, with whole rows.
struct IncrementalSnapshotKey {
    /// Positions of the key columns in the table's columns, in key order.
    let indices: [Int]

    /// The key of `schema`'s table: its primary key, else `requested` (`--key`), checked.
    /// Throws `IncrementalSnapshotError` with the one-line reason when there is none.
    init(_ schema: TableSchema, requested: [String]?, catalog: PGConnection) throws {
        let table = schema.name
        var keys = schema.columns.primaryKeyIndices
        if keys.isEmpty {
            let unique = try Self.uniqueColumnSets(table, catalog: catalog)
            guard let requested else {
                let usable = unique.first { set in set.columns.allSatisfy { c in schema.columns.contains { $0.name == c && !$0.nullable } } }
                guard let usable else {
                    throw IncrementalSnapshotError(description: "table \(table) has no primary key and no unique index on NOT NULL columns: an incremental snapshot reads a table "
                                                   + "in key chunks and matches the stream's changes to them by key")
                }
                let columns = usable.columns.joined(separator: ",")
                throw IncrementalSnapshotError(description: "table \(table) has no primary key: name a unique NOT NULL column set to read it in chunks by with the stream's --key "
                                               + "(unique index \(usable.name) would do: `stream --key \(table):\(columns)`)")
            }
            for name in requested {
                guard let i = schema.columns.firstIndex(where: { $0.name == name }) else {
                    throw IncrementalSnapshotError(description: "table \(table) has no column \(name) (--key \(table):\(requested.joined(separator: ",")))")
                }
                if schema.columns[i].nullable {
                    throw IncrementalSnapshotError(description: "table \(table) has no primary key and its --key column \(name) is nullable: chunks need NOT NULL key columns")
                }
                keys.append(i)
            }
            guard unique.contains(where: { $0.columns.allSatisfy(requested.contains) }) else {
                throw IncrementalSnapshotError(description: "table \(table) has no primary key and no unique index on its --key columns \(requested.joined(separator: ", ")) "
                                               + "(or some of them): chunks need a key that names one row")
            }
            let identity = try Self.replicaIdentityColumns(table, catalog: catalog)
            if let identity, let outside = requested.first(where: { !identity.contains($0) }) {
                throw IncrementalSnapshotError(description: "the replica identity index of \(table) does not carry its --key column \(outside), so a delete would not say which chunk row it removes "
                                               + "(ALTER TABLE \(table.sqlIdentifier) REPLICA IDENTITY FULL)")
            }
        }
        if let money = keys.first(where: { schema.columns[$0].type.selectCast != nil }) {
            throw IncrementalSnapshotError(description: "the key of \(table) has a money column (\(schema.columns[money].name)), whose text depends on the locale")
        }
        indices = keys
    }

    /// Whether a table without a primary key has a column set a stream's `--key` could chunk it
    /// by: a unique index on NOT NULL columns (what `snapshot --incremental` checks; the stream,
    /// which knows its `--key`, decides).
    static func hasUniqueNotNullColumns(_ schema: TableSchema, catalog: PGConnection) throws -> Bool {
        try uniqueColumnSets(schema.name, catalog: catalog).contains { set in
            set.columns.allSatisfy { c in schema.columns.contains { $0.name == c && !$0.nullable } }
        }
    }

    /// The valid unique indexes of `table` on plain columns, without a predicate (key columns
    /// only, not INCLUDE ones).
    private static func uniqueColumnSets(_ table: TableName, catalog: PGConnection) throws -> [(name: String, columns: [String])] {
        let result = try catalog.query("""
            SELECT i.indexrelid::regclass::text, a.attname::text
            FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, n)
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE i.indrelid = $1::regclass AND i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL
              AND k.n <= i.indnkeyatts
            ORDER BY i.indexrelid, k.n
            """, [table.sqlIdentifier], context: "cannot read the unique indexes of table \(table)")
        var sets: [(name: String, columns: [String])] = []
        for row in 0..<result.rowCount {
            let name = result.string(row, 0)
            if sets.last?.name == name { sets[sets.count - 1].columns.append(result.string(row, 1)) } else { sets.append((name, [result.string(row, 1)])) }
        }
        return sets
    }

    /// The columns of `table`'s REPLICA IDENTITY USING INDEX; nil for FULL, DEFAULT or NOTHING.
    private static func replicaIdentityColumns(_ table: TableName, catalog: PGConnection) throws -> Set<String>? {
        let result = try catalog.query("""
            SELECT c.relreplident::text, a.attname::text
            FROM pg_class c
            LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisreplident
            LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey::int2[])
            WHERE c.oid = $1::regclass
            """, [table.sqlIdentifier], context: "cannot read the replica identity of table \(table)")
        guard result.rowCount > 0, result.string(0, 0) == "i" else { return nil }
        return Set((0..<result.rowCount).compactMap { result.value($0, 1) })
    }
}
