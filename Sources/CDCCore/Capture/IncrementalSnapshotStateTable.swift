import Foundation

/// The progress of incremental snapshots, in the source database, in
/// `cdcctl.incremental_snapshot`: one row per slot and table, written only by the stream on that
/// slot.
///
/// A request (`execute-snapshot` signal) adds the row as `queued`; the table's first chunk makes
/// it `running` with `max_key`, the largest key when it started (chunks stop there: rows
/// inserted later are streamed anyway); each chunk whose events are durable in the sink
/// advances `last_key` (keys are JSON arrays of the key columns' text), `chunks` and `rows`;
/// the last one makes it `done`. A restarted stream resumes every `queued` or `running` row
/// after its `last_key`. `paused` is set by `pause-snapshot` on the active rows; `stopped` by
/// `stop-snapshot`, `failed` when the table could not be read (the reason in `note`).
///
/// Visible and resettable like `cdcctl.snapshot_state`: `SELECT * FROM cdcctl.incremental_snapshot`;
/// `UPDATE … SET last_key = NULL, chunks = 0, rows = 0` restarts a table from its first chunk,
/// `DELETE` forgets it (a stream that reads the request again acts on it again only with a new id).
public enum IncrementalSnapshotStateTable {
    /// The schema-qualified table.
    public static let qualifiedName = "cdcctl.incremental_snapshot"

    /// A table's recorded state.
    public enum State: String, Sendable {
        case queued, running, done, stopped, failed
    }

    /// One table's row.
    public struct Row: Equatable, Sendable {
        public var table: TableName
        public var signalID: String
        public var state: State
        public var paused: Bool
        public var chunkSize: Int
        public var maxKey: [String]?
        public var lastKey: [String]?
        public var chunks: Int64
        public var rows: Int64
    }

    /// Whether `name` is this table (cdcctl's bookkeeping, never snapshotted or streamed as data).
    public static func isStateTable(_ name: TableName) -> Bool {
        name.schema == "cdcctl" && name.table == "incremental_snapshot"
    }

    private static func exists(_ connection: PGConnection) throws -> Bool {
        try connection.query("SELECT to_regclass('cdcctl.incremental_snapshot') IS NOT NULL", context: "cannot look up \(qualifiedName)").string(0, 0) == "t"
    }

    private static func create(_ connection: PGConnection) throws {
        guard try !exists(connection) else { return }
        try connection.execute("""
            CREATE SCHEMA IF NOT EXISTS cdcctl;
            CREATE TABLE IF NOT EXISTS cdcctl.incremental_snapshot (
                slot name NOT NULL,
                schema_name name NOT NULL,
                table_name name NOT NULL,
                signal_id text NOT NULL,
                state text NOT NULL CHECK (state IN ('queued', 'running', 'done', 'stopped', 'failed')),
                paused boolean NOT NULL DEFAULT false,
                chunk_size int NOT NULL,
                max_key jsonb,
                last_key jsonb,
                chunks bigint NOT NULL DEFAULT 0,
                rows bigint NOT NULL DEFAULT 0,
                ordinal int NOT NULL DEFAULT 0,
                note text,
                requested_at timestamptz NOT NULL DEFAULT now(),
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (slot, schema_name, table_name));
            COMMENT ON TABLE cdcctl.incremental_snapshot IS 'cdcctl stream: incremental snapshots per replication slot and table (last_key: where the next chunk starts)'
            """, context: "cannot create \(qualifiedName)")
    }

    /// The `queued` and `running` rows of `slot`, in request order (none without the table).
    public static func active(slot: String, connection: PGConnection) throws -> [Row] {
        guard try exists(connection) else { return [] }
        let result = try connection.query("""
            SELECT schema_name, table_name, signal_id, state, paused, chunk_size, max_key::text, last_key::text, chunks, rows
            FROM cdcctl.incremental_snapshot WHERE slot = $1 AND state IN ('queued', 'running') ORDER BY requested_at, ordinal
            """, [slot], context: "cannot read the incremental snapshots of slot \(slot) from \(qualifiedName)")
        return (0..<result.rowCount).map { r in
            Row(table: TableName(schema: result.string(r, 0), table: result.string(r, 1)), signalID: result.string(r, 2),
                state: State(rawValue: result.string(r, 3)) ?? .queued, paused: result.string(r, 4) == "t",
                chunkSize: Int(result.string(r, 5)) ?? 1024, maxKey: result.value(r, 6).flatMap(decodeKey),
                lastKey: result.value(r, 7).flatMap(decodeKey), chunks: Int64(result.string(r, 8)) ?? 0, rows: Int64(result.string(r, 9)) ?? 0)
        }
    }

    /// The signal id and state recorded for `table` on `slot`, nil when none.
    static func recorded(slot: String, table: TableName, connection: PGConnection) throws -> (signalID: String, state: State)? {
        guard try exists(connection) else { return nil }
        let result = try connection.query("SELECT signal_id, state FROM cdcctl.incremental_snapshot WHERE slot = $1 AND schema_name = $2 AND table_name = $3",
                                          [slot, table.schema, table.table], context: "cannot read \(qualifiedName)")
        guard result.rowCount == 1 else { return nil }
        return (result.string(0, 0), State(rawValue: result.string(0, 1)) ?? .failed)
    }

    /// Records a request for `table` (creating the table when missing): `queued`, no progress.
    static func request(slot: String, table: TableName, signalID: String, chunkSize: Int, ordinal: Int, paused: Bool, connection: PGConnection) throws {
        try create(connection)
        _ = try connection.query("""
            INSERT INTO cdcctl.incremental_snapshot (slot, schema_name, table_name, signal_id, state, paused, chunk_size, ordinal)
            VALUES ($1, $2, $3, $4, 'queued', $5, $6, $7)
            ON CONFLICT (slot, schema_name, table_name) DO UPDATE SET signal_id = EXCLUDED.signal_id, state = 'queued',
                paused = EXCLUDED.paused, chunk_size = EXCLUDED.chunk_size, ordinal = EXCLUDED.ordinal, max_key = NULL,
                last_key = NULL, chunks = 0, rows = 0, note = NULL, requested_at = now(), updated_at = now()
            """, [slot, table.schema, table.table, signalID, paused ? "t" : "f", String(chunkSize), String(ordinal)],
            context: "cannot record the incremental snapshot of \(table) in \(qualifiedName)")
    }

    /// The table's snapshot starts: `running`, chunks end at `maxKey`.
    static func start(slot: String, table: TableName, signalID: String, maxKey: [String], connection: PGConnection) throws {
        _ = try connection.query("""
            UPDATE cdcctl.incremental_snapshot SET state = 'running', max_key = $5::jsonb, updated_at = now()
            WHERE slot = $1 AND schema_name = $2 AND table_name = $3 AND signal_id = $4
            """, [slot, table.schema, table.table, signalID, encodeKey(maxKey)], context: "cannot record the incremental snapshot of \(table) in \(qualifiedName)")
    }

    /// A chunk's events are durable: the next chunk starts after `lastKey`; `done` ends the table.
    static func progress(slot: String, table: TableName, signalID: String, lastKey: [String]?, chunks: Int64, rows: Int64, done: Bool,
                         connection: PGConnection) throws {
        _ = try connection.query("""
            UPDATE cdcctl.incremental_snapshot SET last_key = coalesce($5::jsonb, last_key), chunks = $6, rows = $7,
                state = CASE WHEN $8 THEN 'done' ELSE 'running' END, updated_at = now()
            WHERE slot = $1 AND schema_name = $2 AND table_name = $3 AND signal_id = $4 AND state IN ('queued', 'running')
            """, [slot, table.schema, table.table, signalID, lastKey.map(encodeKey), String(chunks), String(rows), done ? "t" : "f"],
            context: "cannot record the progress of the incremental snapshot of \(table) in \(qualifiedName)")
    }

    /// Ends the active snapshots of `tables` (all of the slot's when nil) with `state` and `note`.
    static func end(slot: String, tables: [TableName]?, state: State, note: String? = nil, connection: PGConnection) throws {
        guard try exists(connection) else { return }
        let names = tables?.map { "\($0.schema)\u{1}\($0.table)" }
        _ = try connection.query("""
            UPDATE cdcctl.incremental_snapshot SET state = $2, note = $4, updated_at = now()
            WHERE slot = $1 AND state IN ('queued', 'running')
              AND ($3::text[] IS NULL OR schema_name || chr(1) || table_name = ANY ($3::text[]))
            """, [slot, state.rawValue, names.map(arrayLiteral), note], context: "cannot record the incremental snapshots of slot \(slot) in \(qualifiedName)")
    }

    /// Pauses or resumes the slot's active snapshots.
    static func setPaused(_ paused: Bool, slot: String, connection: PGConnection) throws {
        guard try exists(connection) else { return }
        _ = try connection.query("""
            UPDATE cdcctl.incremental_snapshot SET paused = $2, updated_at = now() WHERE slot = $1 AND state IN ('queued', 'running')
            """, [slot, paused ? "t" : "f"], context: "cannot record the incremental snapshots of slot \(slot) in \(qualifiedName)")
    }

    /// Forgets the slot's rows (its slot was dropped).
    public static func forget(slot: String, connection: PGConnection) throws {
        guard try exists(connection) else { return }
        _ = try connection.query("DELETE FROM cdcctl.incremental_snapshot WHERE slot = $1", [slot],
                                 context: "cannot forget the incremental snapshots of slot \(slot) in \(qualifiedName)")
    }

    /// A key as a JSON array of its columns' text.
    static func encodeKey(_ key: [String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: key, options: [.withoutEscapingSlashes])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func decodeKey(_ text: String) -> [String]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String]
    }

    /// `{"a","b"}`: a text[] literal of `values`.
    private static func arrayLiteral(_ values: [String]) -> String {
        "{" + values.map { "\"" + $0.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"") + "\"" }.joined(separator: ",") + "}"
    }
}
