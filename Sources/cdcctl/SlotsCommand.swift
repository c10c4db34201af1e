import ArgumentParser
import CDCCore

extension ByteSize: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}

/// `cdcctl slots`: the server's logical replication slots and the WAL each one holds.
struct SlotsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slots",
        abstract: "List logical replication slots and the WAL they retain, or drop one.",
        discussion: """
            A slot keeps every WAL segment from its restart_lsn on until its consumer confirms \
            it: the slot of a stopped stream grows until the disk fills. Drop a slot no stream \
            will resume with `cdcctl slots drop NAME`.
            """,
        subcommands: [SlotsListCommand.self, SlotsDropCommand.self],
        defaultSubcommand: SlotsListCommand.self
    )
}

/// `cdcctl slots [list]`: one line (or JSON object) per logical slot.
struct SlotsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List every logical replication slot (the default).",
        discussion: """
            Columns: the slot, its plugin and database, whether a walsender streams from it (its \
            process and client address), confirmed_flush_lsn, the WAL it retains \
            (pg_current_wal_lsn() - restart_lsn, in bytes and readable), the consumer's lag in bytes \
            (pg_current_wal_lsn() - confirmed_flush_lsn), wal_status and safe_wal_size, and the \
            publication its walsender asked for (unknown while the slot is inactive: PostgreSQL \
            does not keep it with the slot). Sizes take kB, MB, GB, TB (powers of 1024, as in \
            postgresql.conf). With --warn-retained, exits 2 when a slot retains more.
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Flag(name: [.customShort("J"), .customLong("json")], help: "One JSON object per slot, one per line.")
    var json = false

    @Option(help: ArgumentHelp("Flag slots retaining more WAL than this (e.g. 1GB, 512MB, 1048576), warn on stderr and exit 2.", valueName: "size"))
    var warnRetained: ByteSize?

    func run() throws {
        let connection = try PGConnection(conninfo: try database.conninfo())
        let report = try SlotReport.fetch(connection: connection, warnRetained: warnRetained)
        var out = ByteWriter(capacity: 4096)
        if json { out.write(report.jsonLines()) } else { out.write(string: report.text()) }
        var output = FileDescriptorOutput()
        try output.write(lines: out)
        try output.flush()
        for slot in report.pendingSnapshots {
            StandardError.write("cdcctl: replication slot \(slot): initial snapshot not complete (being taken, or interrupted: the next cdcctl stream takes a fresh one; see \(SnapshotStateTable.qualifiedName))\n")
        }
        let over = report.slotsOverThreshold
        guard let warnRetained, !over.isEmpty else { return }
        for slot in over {
            StandardError.write("cdcctl: warning: replication slot \(slot.name) retains \(ByteSize.pretty(slot.retainedBytes ?? 0)) of WAL, more than --warn-retained \(warnRetained)\n")
        }
        throw ExitCode(2)
    }
}

/// `cdcctl slots drop NAME [--force]`.
struct SlotsDropCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drop",
        abstract: "Drop a replication slot so the server can recycle the WAL it holds.",
        discussion: """
            Refuses a slot that a walsender streams from, unless --force: that terminates the \
            walsender (pg_terminate_backend) and drops the slot as soon as it is released. A \
            dropped slot's position is gone: a stream restarted with it takes a new snapshot.
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The slot to drop.")
    var name: String

    @Flag(help: "Terminate the walsender of an active slot first.")
    var force = false

    func run() throws {
        let connection = try PGConnection(conninfo: try database.conninfo())
        let outcome = try SlotDrop.drop(slot: name, force: force, connection: connection)
        var out = ByteWriter(capacity: 256)
        out.write(string: outcome.description + "\n")
        var output = FileDescriptorOutput()
        try output.write(lines: out)
        try output.flush()
    }
}
