/// Slot and publication management over an ordinary SQL connection, with errors that say what
/// to change.
struct ReplicationSetup {
    let catalog: PGConnection
    let options: StreamOptions

    /// An existing slot's state.
    struct SlotState { let confirmedFlush: LSN? }

    func checkWalLevel() throws {
        let level = try catalog.query("SHOW wal_level", context: "cannot read wal_level").string(0, 0)
        guard level == "logical" else {
            throw StreamError("wal_level is '\(level)' on \(catalog.displayName): logical replication needs wal_level = logical in postgresql.conf (and a server restart)")
        }
    }

    func ensurePublication() throws {
        let exists = try catalog.query("SELECT 1 FROM pg_publication WHERE pubname = $1", [options.publication],
                                       context: "cannot look up publication \(options.publication)").rowCount == 1
        guard !exists else { return }
        let target: String
        if options.allTables {
            target = "ALL TABLES"
        } else if !options.tables.isEmpty {
            target = "TABLE " + options.tables.map(\.sqlIdentifier).joined(separator: ", ")
        } else {
            throw StreamError("publication \(options.publication) does not exist: pass --table schema.table or --all-tables to create it")
        }
        try catalog.execute("CREATE PUBLICATION \(TableName.quote(options.publication)) FOR \(target)",
                            context: "cannot create publication \(options.publication)")
    }

    /// The tables the publication covers, for the initial snapshot when none were named.
    func publishedTables() throws -> [TableName] {
        let result = try catalog.query("SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = $1 ORDER BY 1, 2",
                                       [options.publication], context: "cannot list the tables of publication \(options.publication)")
        return (0..<result.rowCount).map { TableName(schema: result.string($0, 0), table: result.string($0, 1)) }
    }

    /// The slot's state, nil when it does not exist; fails when it is in use or not pgoutput.
    func slotState() throws -> SlotState? {
        let result = try catalog.query("""
            SELECT confirmed_flush_lsn::text, active_pid, plugin, database FROM pg_replication_slots WHERE slot_name = $1
            """, [options.slot], context: "cannot look up replication slot \(options.slot)")
        guard result.rowCount == 1 else { return nil }
        if let pid = result.value(0, 1) {
            throw StreamError("replication slot \(options.slot) is in use by process \(pid): stop the other consumer or choose another --slot")
        }
        guard result.string(0, 2) == "pgoutput" else {
            throw StreamError("replication slot \(options.slot) uses plugin \(result.string(0, 2)), not pgoutput: choose another --slot")
        }
        guard result.string(0, 3) == catalog.database else {
            throw StreamError("replication slot \(options.slot) belongs to database \(result.string(0, 3)), not \(catalog.database)")
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
