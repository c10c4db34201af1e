import ArgumentParser
import CDCCore

/// `cdcctl snapshot --incremental`: asks a running `cdcctl stream` (on `--slot`) to snapshot
/// tables in key chunks while it streams, or to stop, pause or resume doing so, by a
/// signal written to the WAL. Writes no events itself: the stream does, to its own sink.
struct IncrementalSnapshotOptions: ParsableArguments {
    @Flag(help: "Ask the running `cdcctl stream` on --slot to snapshot the -t tables in key chunks (the primary key, or a key-less table's --key in the stream) while it streams (events: op r, source.snapshot \"incremental\"); writes a signal, no events.")
    var incremental = false

    @Flag(help: "With --incremental: stop the incremental snapshots of the -t tables (all of them without -t).")
    var stop = false

    @Flag(help: "With --incremental: pause the stream's incremental snapshots (the chunk in flight completes).")
    var pause = false

    @Flag(help: "With --incremental: resume paused incremental snapshots.")
    var resume = false

    @Option(help: ArgumentHelp("With --incremental: the replication slot of the stream the signal is for.", valueName: "name"))
    var slot: String = "cdcctl"

    @Option(help: ArgumentHelp("With --incremental: insert the signal as a row (id, type, data) of this table, which the stream reads through its publication (stream --signal-table), instead of writing a cdcctl.signal message.", valueName: "schema.table"))
    var signalTable: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("With --incremental: rows per chunk for these tables (default: the stream's --chunk-size).", valueName: "n"))
    var chunkSize: Int?

    /// The signal to send, nil without --incremental.
    var kind: SnapshotSignal.Kind? {
        guard incremental else { return nil }
        return stop ? .stop : pause ? .pause : resume ? .resume : .execute
    }

    /// Checks the flags against each other and the snapshot command's (`tables`, `otherFlags`:
    /// the names of its flags that an incremental request does not take, when given).
    func validate(tables: [String], otherFlags: [String]) throws {
        guard incremental else {
            let given = [stop ? "--stop" : nil, pause ? "--pause" : nil, resume ? "--resume" : nil, slot != "cdcctl" ? "--slot" : nil,
                         signalTable != nil ? "--signal-table" : nil, chunkSize != nil ? "--chunk-size" : nil].compactMap { $0 }
            if let first = given.first { throw ValidationError("\(first) only applies with --incremental") }
            return
        }
        if [stop, pause, resume].filter({ $0 }).count > 1 { throw ValidationError("--stop, --pause and --resume exclude each other") }
        if let first = otherFlags.first {
            throw ValidationError("\(first) does not apply with --incremental: the running stream writes the snapshot's events to its own sink")
        }
        if kind == .execute && tables.isEmpty { throw ValidationError("--incremental needs the tables to snapshot: -t schema.table") }
        if (pause || resume) && !tables.isEmpty { throw ValidationError("--pause and --resume apply to all of the stream's incremental snapshots: drop -t") }
        if let problem = ReplicationNames.slotProblem(slot) { throw ValidationError("--slot: \(problem)") }
        if let signalTable, TableName(parsing: signalTable) == nil {
            throw ValidationError("invalid --signal-table '\(signalTable)': expected schema.table")
        }
        if let chunkSize, chunkSize < 1 { throw ValidationError("--chunk-size must be positive") }
        if chunkSize != nil && kind != .execute { throw ValidationError("--chunk-size only applies to a snapshot request") }
    }

    /// Sends the signal for `tables`, after checking what can be checked here: the tables exist
    /// and have a primary key or a unique index on NOT NULL columns (the stream, which knows
    /// its `--key`, decides whether it chunks a key-less table by it), the slot exists (a
    /// signal written before a slot exists never reaches it). Notices go to `notice`.
    func send(conninfo: String, tables: [TableName], notice: (String) -> Void) throws {
        guard let kind else { return }
        let connection = try PGConnection(conninfo: conninfo)
        var notes: [String] = []
        if kind == .execute {
            for table in tables {
                do {
                    if let note = try IncrementalSnapshot.checkRequest(table, catalog: connection) { notes.append(note) }
                } catch let error as IncrementalSnapshotError {
                    throw IncrementalSnapshotError(description: "cannot snapshot \(table) incrementally: \(error)")
                }
            }
        }
        let slots = try connection.query("SELECT active FROM pg_replication_slots WHERE slot_name = $1 AND database = current_database()", [slot],
                                          context: "cannot look up replication slot \(slot)")
        guard slots.rowCount == 1 else {
            throw IncrementalSnapshotError(description: "replication slot \(slot) does not exist in this database: the signal is read by `cdcctl stream --slot \(slot)`, so start that first (or name its slot with --slot)")
        }
        let signal = SnapshotSignal(kind: kind, tables: tables, slot: slot, chunkSize: chunkSize)
        let table = signalTable.flatMap(TableName.init(parsing:))
        let lsn = try signal.send(connection: connection, signalTable: table)
        let what = switch kind {
        case .execute: "an incremental snapshot of \(tables.map(\.description).joined(separator: ", "))"
        case .stop: tables.isEmpty ? "to stop every incremental snapshot" : "to stop the incremental snapshot of \(tables.map(\.description).joined(separator: ", "))"
        case .pause: "to pause incremental snapshots"
        case .resume: "to resume incremental snapshots"
        }
        let via = table.map { "a row of \($0)" } ?? "a \(SnapshotSignal.messagePrefix) message"
        notice("asked slot \(slot) for \(what) (signal \(signal.id), \(via) at \(lsn.map { "\($0)" } ?? "?"))")
        notes.forEach(notice)
        if slots.string(0, 0) != "t" {
            notice("no stream is reading slot \(slot) now: the next `cdcctl stream --slot \(slot)` acts on the signal")
        }
    }
}

/// `cdcctl stream`'s incremental snapshot settings.
struct IncrementalStreamOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Read inserts into this table (columns id, type, data: Debezium's signaling table) as signals, besides cdcctl.signal messages; it is added to a publication cdcctl creates, never emitted.", valueName: "schema.table"))
    var signalTable: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Rows per chunk of an incremental snapshot requested with `cdcctl snapshot --incremental`.", valueName: "n"))
    var chunkSize: Int = 1024

    func validate() throws {
        if let signalTable, TableName(parsing: signalTable) == nil {
            throw ValidationError("invalid --signal-table '\(signalTable)': expected schema.table")
        }
        if chunkSize < 1 { throw ValidationError("--chunk-size must be positive") }
    }

    var settings: IncrementalSnapshotSettings {
        IncrementalSnapshotSettings(chunkSize: chunkSize, signalTable: signalTable.flatMap(TableName.init(parsing:)))
    }
}
