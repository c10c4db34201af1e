/// Slot and publication management over an ordinary SQL connection, with errors that say what
/// to change.
struct ReplicationSetup {
    let catalog: PGConnection
    let options: StreamOptions
    /// Receives one-line notices (tables a new publication makes refuse UPDATE/DELETE, tables
    /// published but not selected).
    var log: (String) -> Void = { _ in }

    /// An existing slot's state.
    struct SlotState {
        let confirmedFlush: LSN?
        /// Whether its initial snapshot completed, as `SnapshotStateTable` records it (nil: no record).
        var snapshotMark: SnapshotStateTable.Mark? = nil
    }

    func checkWalLevel() throws {
        let level = try catalog.query("SHOW wal_level", context: "cannot read wal_level").string(0, 0)
        guard level == "logical" else {
            throw CaptureError.walLevelNotLogical(level: level, server: catalog.displayName)
        }
    }

    /// The checks that would otherwise fail only later, run before anything is created: the
    /// role may open a replication connection, a walsender is free, and, when the slot is to be
    /// created, a slot is free (`cdcctl check` runs the same ones) and the role can record
    /// whether its initial snapshot completes (`SnapshotStateTable`).
    func checkReplicationReadiness(snapshot: SnapshotMode) throws {
        var checks = [try ServerRequirements.replicationPrivilege(catalog), try ServerRequirements.walSenderHeadroom(catalog)]
        let slotExists = try catalog.query("SELECT 1 FROM pg_replication_slots WHERE slot_name = $1", [options.slot],
                                           context: "cannot look up replication slot \(options.slot)").rowCount == 1
        if !slotExists && options.createSlot { checks.append(try ServerRequirements.slotHeadroom(catalog)) }
        if let problem = checks.first(where: { $0.status == .problem }) { throw PreflightProblem(check: problem) }
        if !slotExists && options.createSlot && snapshot != .never, let problem = try SnapshotStateTable.writeProblem(connection: catalog) {
            throw CaptureError.snapshotStateInaccessible(problem: problem)
        }
    }

    /// The slot and publication names, by PostgreSQL's rules, before anything is created.
    func checkNames() throws {
        if let problem = ReplicationNames.slotProblem(options.slot) ?? ReplicationNames.publicationProblem(options.publication) {
            throw CaptureError.invalidName(problem: problem)
        }
    }

    /// The tables the publication covers, for the initial snapshot when none were named.
    func publishedTables() throws -> [TableName] {
        let result = try catalog.query("SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = $1 ORDER BY 1, 2",
                                       [options.publication], context: "cannot list the tables of publication \(options.publication)")
        return (0..<result.rowCount).map { TableName(schema: result.string($0, 0), table: result.string($0, 1)) }
            .filter { !SnapshotStateTable.isStateTable($0) && !IncrementalSnapshotStateTable.isStateTable($0) && $0 != options.incremental.signalTable }
    }

    /// The existing slot to stream from, or nil when one is to be created; fails when the slot
    /// is missing but may not be created, or exists but `snapshot` needs a new one (an existing
    /// slot whose initial snapshot is `pending` takes it again, so initial-only may use it).
    func usableSlot(snapshot: SnapshotMode) throws -> SlotState? {
        guard var existing = try slotState() else {
            if !options.createSlot { throw CaptureError.slotMissing(slot: options.slot) }
            return nil
        }
        existing.snapshotMark = try SnapshotStateTable.read(slot: options.slot, connection: catalog)
        if snapshot == .initialOnly && existing.snapshotMark != .pending { throw CaptureError.slotExistsForInitialOnly(slot: options.slot) }
        return existing
    }

    /// The slot's state, nil when it does not exist; fails when it is in use or not pgoutput.
    func slotState() throws -> SlotState? {
        let result = try catalog.query("""
            SELECT confirmed_flush_lsn::text, active_pid, plugin, database FROM pg_replication_slots WHERE slot_name = $1
            """, [options.slot], context: "cannot look up replication slot \(options.slot)")
        guard result.rowCount == 1 else { return nil }
        if let pid = result.value(0, 1) {
            throw CaptureError.slotInUse(slot: options.slot, pid: pid)
        }
        guard result.string(0, 2) == "pgoutput" else {
            throw CaptureError.slotPluginNotPgOutput(slot: options.slot, plugin: result.string(0, 2))
        }
        guard result.string(0, 3) == catalog.database else {
            throw CaptureError.slotInOtherDatabase(slot: options.slot, database: result.string(0, 3), connected: catalog.database)
        }
        return SlotState(confirmedFlush: result.value(0, 0).flatMap { LSN($0) })
    }

    /// The pgoutput protocol version to ask for: the highest this server speaks.
    var protocolVersion: Int {
        switch catalog.serverVersion {
        case 160000...: return 4
        case 150000...: return 3
        case 140000...: return 2
        default: return 1
        }
    }
}
