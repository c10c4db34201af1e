/// Whether a slot's initial snapshot completed, recorded in the source database, in
/// `cdcctl.snapshot_state` (one row per slot: `slot`, `state` = `pending` | `complete`, `tables`,
/// `updated_at`).
///
/// `stream` writes `pending` before it creates a slot whose snapshot it will take, and
/// `complete` once every snapshot event is durable in the sink. A later run that finds the slot
/// with `pending` takes a fresh snapshot (the slot's exported one is gone) before streaming from
/// the slot's position. A slot without a row (an earlier cdcctl's, or made by hand) streams only.
/// The table lives beside the data because the slot does: it is visible
/// (`SELECT * FROM cdcctl.snapshot_state`), resettable (`UPDATE … SET state = 'pending'` forces
/// a new snapshot, `DELETE` forgets it), and backed up with the database; Kafka-side or
/// file-side records would not follow a slot that stdout consumers share.
public enum SnapshotStateTable {
    /// The schema-qualified table.
    public static let qualifiedName = "cdcctl.snapshot_state"

    /// A slot's recorded state.
    public enum Mark: String, Sendable {
        /// The slot was (about to be) created and its initial snapshot is not known to be complete.
        case pending
        /// Every event of the initial snapshot was durable in the sink.
        case complete
    }

    /// The mark of `slot`, or nil when there is none (or no table). Throws
    /// `CaptureError.snapshotStateInaccessible` when the table exists but this role may not read it
    /// (not knowing would be a guess).
    public static func read(slot: String, connection: PGConnection) throws -> Mark? {
        let access = try access(connection)
        guard access.exists else { return nil }
        guard access.readable else {
            throw CaptureError.snapshotStateInaccessible(problem: "role \(access.role) cannot read \(qualifiedName), where cdcctl records whether replication slot \(slot)'s initial snapshot completed; fix: GRANT USAGE ON SCHEMA cdcctl TO \(SQLQuote.identifier(access.role)); GRANT SELECT, INSERT, UPDATE, DELETE ON cdcctl.snapshot_state TO \(SQLQuote.identifier(access.role))")
        }
        let result = try connection.query("SELECT state FROM cdcctl.snapshot_state WHERE slot = $1", [slot],
                                          context: "cannot read the snapshot state of slot \(slot) from \(qualifiedName)")
        guard result.rowCount == 1 else { return nil }
        return Mark(rawValue: result.string(0, 0))
    }

    /// Why this role could not record marks (nil when it can): it needs USAGE on the schema and
    /// SELECT, INSERT and UPDATE on the table, or the privilege to create them.
    public static func writeProblem(connection: PGConnection) throws -> String? {
        let access = try access(connection)
        let role = SQLQuote.identifier(access.role)
        let what = "where cdcctl records whether a slot's initial snapshot completed"
        if access.exists {
            return access.readable && access.writable ? nil
                : "role \(access.role) cannot write \(qualifiedName), \(what); fix: GRANT USAGE ON SCHEMA cdcctl TO \(role); GRANT SELECT, INSERT, UPDATE, DELETE ON cdcctl.snapshot_state TO \(role)"
        }
        if access.schemaExists {
            return access.schemaCreatable ? nil
                : "role \(access.role) cannot create \(qualifiedName), \(what); fix: GRANT USAGE, CREATE ON SCHEMA cdcctl TO \(role)"
        }
        return access.databaseCreatable ? nil
            : "role \(access.role) cannot create schema cdcctl for \(qualifiedName), \(what); fix: GRANT CREATE ON DATABASE \(SQLQuote.identifier(access.database)) TO \(role), or as its owner: CREATE SCHEMA cdcctl AUTHORIZATION \(role)"
    }

    /// What this role may do with the table and its schema, looked up by OID in the catalog (which
    /// needs no privilege, unlike a name that has to be resolved in the schema).
    private struct Access {
        var exists: Bool, readable: Bool, writable: Bool, schemaExists: Bool, schemaCreatable: Bool, databaseCreatable: Bool
        var role: String, database: String
    }

    private static func access(_ connection: PGConnection) throws -> Access {
        let result = try connection.query("""
            SELECT c.oid IS NOT NULL,
                   coalesce(has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT'), false),
                   coalesce(has_table_privilege(c.oid, 'INSERT') AND has_table_privilege(c.oid, 'UPDATE'), false),
                   n.oid IS NOT NULL,
                   coalesce(has_schema_privilege(n.oid, 'USAGE') AND has_schema_privilege(n.oid, 'CREATE'), false),
                   has_database_privilege(current_database(), 'CREATE'), current_user, current_database()
            FROM (SELECT 1) one
            LEFT JOIN pg_namespace n ON n.nspname = 'cdcctl'
            LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = 'snapshot_state'
            """, context: "cannot look up \(qualifiedName)")
        return Access(exists: result.string(0, 0) == "t", readable: result.string(0, 1) == "t", writable: result.string(0, 2) == "t",
                      schemaExists: result.string(0, 3) == "t", schemaCreatable: result.string(0, 4) == "t",
                      databaseCreatable: result.string(0, 5) == "t", role: result.string(0, 6), database: result.string(0, 7))
    }

    /// Records `mark` for `slot` (creating the schema and table when missing); `tables` names what
    /// the snapshot reads, for people looking at the row.
    public static func record(_ mark: Mark, slot: String, tables: [TableName], connection: PGConnection) throws {
        if try !access(connection).exists {
            try connection.execute("""
                CREATE SCHEMA IF NOT EXISTS cdcctl;
                CREATE TABLE IF NOT EXISTS cdcctl.snapshot_state (
                    slot name PRIMARY KEY,
                    state text NOT NULL CHECK (state IN ('pending', 'complete')),
                    tables text NOT NULL DEFAULT '',
                    updated_at timestamptz NOT NULL DEFAULT now());
                COMMENT ON TABLE cdcctl.snapshot_state IS 'cdcctl stream: whether the initial snapshot of each replication slot completed (pending: the next stream takes it again)'
                """, context: "cannot create \(qualifiedName)")
        }
        _ = try connection.query("""
            INSERT INTO cdcctl.snapshot_state (slot, state, tables, updated_at) VALUES ($1, $2, $3, now())
            ON CONFLICT (slot) DO UPDATE SET state = EXCLUDED.state, tables = EXCLUDED.tables, updated_at = now()
            """, [slot, mark.rawValue, tables.map(\.description).joined(separator: ", ")],
            context: "cannot record the snapshot state of slot \(slot) in \(qualifiedName)")
    }

    /// Forgets `slot`'s mark (its slot was dropped); nothing when there is no table.
    public static func forget(slot: String, connection: PGConnection) throws {
        guard try access(connection).exists else { return }
        _ = try connection.query("DELETE FROM cdcctl.snapshot_state WHERE slot = $1", [slot],
                             context: "cannot forget the snapshot state of slot \(slot) in \(qualifiedName)")
    }

    /// Whether `schema.table` is this table (never snapshotted or streamed as data).
    public static func isStateTable(_ name: TableName) -> Bool {
        name.schema == "cdcctl" && name.table == "snapshot_state"
    }
}
