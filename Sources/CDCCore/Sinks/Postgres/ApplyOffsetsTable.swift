/// `cdcctl_apply_offsets` in the target database: per input (`name`) and Kafka partition (or
/// standard input), the position of the last record whose change is committed in the target.
/// Written in the same transaction as the changes, so the target always holds exactly a prefix
/// of the input, and the next run resumes right after it.
///
/// Standard input rows: topic `-` holds the last line (`offset`), and for change events with a
/// source position the last transaction with a known `source.sequence` (`lsn` = its
/// `sequence[0]`, `txid` = its identity, `event_index`); a transaction without one (the first
/// after a stream starts, a snapshot) has a row of its own, topic `-:<identity>`.
struct ApplyOffsetsTable {
    static let name = "cdcctl_apply_offsets"

    /// The stored position of one row.
    struct Stored: Equatable, Sendable {
        var offset: Int64
        var lsn: Int64?
        var identity: String?
        var index: Int64?
    }

    /// A row's key within one `name`.
    struct Key: Hashable, Sendable {
        var topic: String
        var partition: Int32
    }

    static let createSQL = """
        CREATE TABLE IF NOT EXISTS \(name) (
          name text NOT NULL,
          topic text NOT NULL,
          partition integer NOT NULL,
          "offset" bigint NOT NULL,
          lsn bigint,
          txid text,
          event_index bigint,
          updated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (name, topic, partition)
        )
        """

    static func create(on connection: PGConnection) throws {
        let exists = try connection.query("SELECT to_regclass($1) IS NOT NULL", [name], context: "cannot look up \(name)")
        if exists.string(0, 0) != "t" {
            // Several apply processes may start at once: one creates, the others wait and find it.
            try connection.execute("BEGIN; SELECT pg_advisory_xact_lock(hashtext('\(name)')); \(createSQL); COMMIT",
                                   context: "cannot create \(name) in the target")
        }
    }

    static func load(name input: String, on connection: PGConnection) throws -> [Key: Stored] {
        let rows = try connection.query("SELECT topic, partition, \"offset\", lsn, txid, event_index FROM \(name) WHERE name = $1",
                                        [input], context: "cannot read \(name)")
        var out: [Key: Stored] = [:]
        for r in 0..<rows.rowCount {
            out[Key(topic: rows.string(r, 0), partition: Int32(rows.string(r, 1)) ?? 0)] =
                Stored(offset: Int64(rows.string(r, 2)) ?? -1, lsn: rows.value(r, 3).flatMap { Int64($0) },
                       identity: rows.value(r, 4), index: rows.value(r, 5).flatMap { Int64($0) })
        }
        return out
    }

    /// Writes `new` for `key` if the row still holds `expected` (nil: no row); false when
    /// another process moved it (two `apply` runs on the same input).
    static func advance(name input: String, key: Key, from expected: Stored?, to new: Stored, on connection: PGConnection) throws -> Bool {
        let values: [String?] = [input, key.topic, String(key.partition), String(new.offset), new.lsn.map { String($0) }, new.identity, new.index.map { String($0) }]
        if let expected {
            let n = try connection.command("""
                UPDATE \(name) SET "offset" = $4, lsn = $5, txid = $6, event_index = $7, updated_at = now()
                WHERE name = $1 AND topic = $2 AND partition = $3 AND "offset" = $8
                  AND lsn IS NOT DISTINCT FROM $9 AND txid IS NOT DISTINCT FROM $10 AND event_index IS NOT DISTINCT FROM $11
                """, values + [String(expected.offset), expected.lsn.map { String($0) }, expected.identity, expected.index.map { String($0) }],
                context: "cannot record the applied position in \(name)")
            return n == 1
        }
        let n = try connection.command("""
            INSERT INTO \(name) (name, topic, partition, "offset", lsn, txid, event_index) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT DO NOTHING
            """, values, context: "cannot record the applied position in \(name)")
        return n == 1
    }
}
