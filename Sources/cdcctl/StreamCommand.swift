import ArgumentParser
import CDCCore
import Glibc
import MetricsServer

extension SnapshotMode: ExpressibleByArgument {}

/// `--create-slot` / `--no-create-slot`, each with its own help line.
enum SlotCreation: String, EnumerableFlag {
    case createSlot, noCreateSlot

    static func help(for value: SlotCreation) -> ArgumentHelp? {
        switch value {
        case .createSlot: return "Create the slot when it does not exist (the default)."
        case .noCreateSlot: return "Fail when the slot does not exist instead of creating it."
        }
    }
}

/// `cdcctl stream`: pgoutput logical replication as Debezium change events.
struct StreamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Stream row changes from a logical replication slot as Debezium change events (NDJSON on stdout, or to Kafka).",
        discussion: """
            Creates the publication and the slot when they are missing. With a new slot, the tables \
            are first snapshotted inside the slot's exported snapshot, so no change is missed and none \
            is emitted twice; a slot whose initial snapshot never completed (a failed first run, \
            recorded in cdcctl.snapshot_state) gets a fresh snapshot first. The slot's confirmed position only advances past transactions whose \
            events were written to stdout, or, with -b/--kafka, whose every message the broker \
            acknowledged. SIGINT/SIGTERM finish the current transaction and exit 0 (with Kafka, after \
            the outstanding messages are delivered; a second signal gives up waiting).
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: "The logical replication slot (created when absent).")
    var slot: String = "cdcctl"

    @Option(help: "The publication (created when absent, for --table or --all-tables).")
    var publication: String = "cdcctl"

    @Option(name: [.short, .long], help: ArgumentHelp("A table to publish and snapshot, as schema.table, or a pattern: a regular expression on schema.table such as 'shop\\..*' (repeatable; with an existing publication, only the changes of the tables selected are streamed).", valueName: "schema.table"))
    var table: [String] = []

    @Flag(help: "Create a missing publication FOR ALL TABLES.")
    var allTables = false

    @Flag var slotCreation: SlotCreation = .createSlot

    @Flag(help: "Drop the slot when the stream stops.")
    var dropSlotOnExit = false

    @Option(help: ArgumentHelp("Initial snapshot: initial (only for a new slot), never, initial-only.", valueName: "mode"))
    var snapshot: SnapshotMode?

    @Option(parsing: .unconditional, help: ArgumentHelp("Read each table of the initial snapshot in N ranges on N connections sharing the snapshot (events stay in range order).", valueName: "n"))
    var parallel: Int = 1

    @Option(help: ArgumentHelp("Stop once the stream reaches this WAL position (X/X), after delivering every transaction committed before it.", valueName: "lsn"))
    var endpos: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("While the published tables are idle, ask the server for its WAL position every N seconds so the slot keeps advancing.", valueName: "seconds"))
    var heartbeatInterval: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp("Report the acknowledged position to the server at least every N seconds.", valueName: "seconds"))
    var statusInterval: Double = 5

    @Option(help: "The logical server name (Debezium's topic.prefix), reported as source.name.")
    var topicPrefix: String = "cdcctl"

    @Flag(name: [.short, .long], help: "No notices on stderr.")
    var quiet = false

    @Option(help: ArgumentHelp("Serve Prometheus metrics at http://HOST:PORT/metrics (and /healthz). PORT alone listens on 127.0.0.1; a host other than loopback (0.0.0.0) must be written out.", valueName: "host:port"))
    var metricsListen: String?

    @Option(help: ArgumentHelp("Warn on stderr when the slot retains more WAL than SIZE (512MB, 1GB; checked every few seconds).", valueName: "size"))
    var maxRetainedWal: String?

    @Option(help: ArgumentHelp("The operations to stream, of c (create), u (update), d (delete), t (truncate), m (logical decoding message); default all (Debezium's skipped.operations, inverted).", valueName: "c,u,d,t,m"))
    var ops: String?

    @OptionGroup(title: "Shaping") var shaping: ShapingOptions

    @OptionGroup(title: "Types") var types: TypeModeOptions

    @OptionGroup(title: "Outbox") var outbox: OutboxOptions

    @OptionGroup(title: "Kafka") var sink: EventSinkOptions

    @OptionGroup(title: "Incremental snapshots") var incremental: IncrementalStreamOptions

    @Flag(help: "Kafka: write each PostgreSQL transaction in one Kafka transaction with the slot's position in --offsets-topic; on restart skip what is committed there (read_committed consumers see every change once).")
    var exactlyOnce = false

    @Option(help: ArgumentHelp("Kafka: send BEGIN/END records of each transaction (with event counts per table) to this topic, and fill the events' transaction block, as Debezium's transaction metadata (it names the topic <topic-prefix>.transaction).", valueName: "topic"))
    var transactionTopic: String?

    @Option(help: ArgumentHelp("Kafka: the compacted topic of --exactly-once positions (default: <topic-prefix>.cdcctl-offsets).", valueName: "topic"))
    var offsetsTopic: String?

    @Flag(help: "Kafka: ignore the --exactly-once position recorded for this slot in --offsets-topic (skip nothing; the first commit overwrites it), e.g. one recorded on another cluster.")
    var resetOffsets = false

    func validate() throws {
        if allTables && !table.isEmpty { throw ValidationError("--table and --all-tables exclude each other") }
        if let problem = ReplicationNames.slotProblem(slot) { throw ValidationError("--slot: \(problem)") }
        if let problem = ReplicationNames.publicationProblem(publication) { throw ValidationError("--publication: \(problem)") }
        if parallel < 1 || parallel > 64 { throw ValidationError("--parallel must be between 1 and 64") }
        _ = try shaping.settings(tables: table, toKafka: sink.toKafka)
        try shaping.validate(toKafka: sink.toKafka, noTombstones: sink.noTombstones)
        if let ops, case .failure(let problem) = ShapingSettings.parseOperations(ops) { throw ValidationError("invalid --ops '\(ops)': \(problem)") }
        if let endpos, LSN(endpos) == nil { throw ValidationError("invalid --endpos '\(endpos)': expected an LSN like 0/16B3748") }
        if let heartbeatInterval, heartbeatInterval <= 0 { throw ValidationError("--heartbeat-interval must be positive") }
        if statusInterval <= 0 { throw ValidationError("--status-interval must be positive") }
        if offsetsTopic != nil && !exactlyOnce { throw ValidationError("--offsets-topic only applies with --exactly-once") }
        if resetOffsets && !exactlyOnce { throw ValidationError("--reset-offsets only applies with --exactly-once") }
        if transactionTopic != nil && !sink.toKafka { throw ValidationError("--transaction-topic needs Kafka: pass -b host:port or --kafka") }
        if let metricsListen {
            do { _ = try MetricsListenAddress(parsing: metricsListen) } catch { throw ValidationError("\(error)") }
        }
        if let maxRetainedWal, ByteSize(parsing: maxRetainedWal) == nil {
            throw ValidationError("invalid --max-retained-wal '\(maxRetainedWal)': expected a size like 512MB, 1GB or a number of bytes")
        }
        if exactlyOnce && !sink.toKafka { throw ValidationError("--exactly-once needs Kafka: pass -b host:port or --kafka") }
    }

    func run() throws {
        let conninfo = try database.conninfo()
        // -t's names and patterns are shaping settings; the outbox table is captured besides them
        // (alone without -t), and with --all-tables among all.
        var tables: [TableName] = []
        let outbox = try outbox.settings()
        if let outbox {
            // Before anything is created: the outbox table has the columns the router reads.
            try outbox.check(connection: try PGConnection(conninfo: conninfo))
            if !allTables { tables.append(outbox.table) }
        }
        var options = StreamOptions(
            slot: slot, publication: publication, tables: tables, allTables: allTables,
            createSlot: slotCreation == .createSlot, dropSlotOnExit: dropSlotOnExit, snapshot: snapshot, endpos: endpos.flatMap { LSN($0) },
            heartbeatInterval: heartbeatInterval, statusInterval: statusInterval, prefix: topicPrefix, parallel: parallel)
        options.incremental = incremental.settings
        options.shaping = try shaping.settings(tables: table, toKafka: sink.toKafka)
        if let ops { options.shaping.operations = try ShapingSettings.parseOperations(ops).get() }
        options.typeModes = types.modes
        let metricsServer = try monitoring(&options)
        defer { withExtendedLifetime(metricsServer) {} }
        let stop = SignalTrap.stopToken()
        let quiet = quiet
        let streamer = ChangeStreamer(conninfo: conninfo, options: options, stop: stop) { notice in
            if !quiet { StandardError.notice(notice) }
        }
        let exactly = exactlyOnce ? KafkaSinkOptions.ExactlyOnce(slot: slot, offsetsTopic: offsetsTopic ?? "\(topicPrefix).cdcctl-offsets",
                                                               resetPosition: resetOffsets) : nil
        if let kafka = try sink.makeKafkaSink(exactlyOnce: exactly, transactionTopic: transactionTopic, transactionalID: "cdcctl.\(topicPrefix).\(slot)",
                                              envelope: options.shaping.envelope, outbox: outbox,
                                              stop: stop, log: { notice in if !quiet { StandardError.notice(notice) } }) {
            try streamer.run(kafka: kafka)
        } else {
            try streamer.runToStandardOutput(outbox: outbox)
        }
    }

    /// `--metrics-listen`, `--max-retained-wal` and the status line: counting is on when metrics
    /// are served or a status line is drawn (stderr a terminal, not -q). Returns the metrics
    /// server, which serves from the concurrency pool until the process exits.
    private func monitoring(_ options: inout StreamOptions) throws -> MetricsHTTPServer? {
        options.maxRetainedWAL = maxRetainedWal.flatMap(ByteSize.init(parsing:))
        options.statusLine = !quiet && StandardError.isTerminal
        if options.statusLine { options.metrics = StreamMetrics() }
        guard let metricsListen else { return nil }
        let metrics = options.metrics ?? StreamMetrics()
        options.metrics = metrics
        let address = try MetricsListenAddress(parsing: metricsListen)
        let server = try MetricsHTTPServer(metrics: metrics, listen: address)
        let host = address.description.dropLast("\(address.port)".count)
        let exposure = address.isLoopback ? "" : " (not loopback: reachable from other hosts)"
        if !quiet { StandardError.notice("metrics at http://\(host)\(server.port)/metrics\(exposure)") }
        return server
    }
}
