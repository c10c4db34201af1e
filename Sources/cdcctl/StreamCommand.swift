import ArgumentParser
import CDCCore
import Glibc

extension SnapshotMode: ExpressibleByArgument {}

/// `cdcctl stream`: pgoutput logical replication as Debezium change events.
struct StreamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Stream row changes from a logical replication slot as Debezium change events (NDJSON on stdout, or to Kafka).",
        discussion: """
            Creates the publication and the slot when they are missing. With a new slot, the tables \
            are first snapshotted inside the slot's exported snapshot, so no change is missed and none \
            is emitted twice. The slot's confirmed position only advances past transactions whose \
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

    @Option(name: [.short, .long], help: ArgumentHelp("A table to publish and snapshot, as schema.table (repeatable).", valueName: "schema.table"))
    var table: [String] = []

    @Flag(help: "Create a missing publication FOR ALL TABLES.")
    var allTables = false

    @Flag(inversion: .prefixedNo, help: "Whether to create the slot when it does not exist (default: create).")
    var createSlot = true

    @Flag(help: "Drop the slot when the stream stops.")
    var dropSlotOnExit = false

    @Option(help: ArgumentHelp("Initial snapshot: initial (only for a new slot), never, initial-only.", valueName: "mode"))
    var snapshot: SnapshotMode?

    @Option(help: ArgumentHelp("Stop once the stream reaches this WAL position (X/X), after delivering every transaction committed before it.", valueName: "lsn"))
    var endpos: String?

    @Option(help: ArgumentHelp("While the published tables are idle, ask the server for its WAL position every N seconds so the slot keeps advancing.", valueName: "seconds"))
    var heartbeatInterval: Double?

    @Option(help: ArgumentHelp("Report the acknowledged position to the server at least every N seconds.", valueName: "seconds"))
    var statusInterval: Double = 5

    @Option(help: "The logical server name (Debezium's topic.prefix), reported as source.name.")
    var topicPrefix: String = "cdcctl"

    @Flag(name: [.short, .long], help: "No notices on stderr.")
    var quiet = false

    @OptionGroup(title: "Kafka") var sink: EventSinkOptions

    @Flag(help: "Kafka: write each PostgreSQL transaction in one Kafka transaction with the slot's position in --offsets-topic; on restart skip what is committed there (read_committed consumers see every change once).")
    var exactlyOnce = false

    @Option(help: ArgumentHelp("Kafka: send BEGIN/END records of each transaction (with event counts per table) to this topic, and fill the events' transaction block, as Debezium's transaction metadata (it names the topic <topic-prefix>.transaction).", valueName: "topic"))
    var transactionTopic: String?

    @Option(help: ArgumentHelp("Kafka: the compacted topic of --exactly-once positions (default: <topic-prefix>.cdcctl-offsets).", valueName: "topic"))
    var offsetsTopic: String?

    func validate() throws {
        if allTables && !table.isEmpty { throw ValidationError("--table and --all-tables exclude each other") }
        for name in table where TableName(parsing: name) == nil {
            throw ValidationError("invalid table name '\(name)': expected schema.table")
        }
        if let endpos, LSN(endpos) == nil { throw ValidationError("invalid --endpos '\(endpos)': expected an LSN like 0/16B3748") }
        if let heartbeatInterval, heartbeatInterval <= 0 { throw ValidationError("--heartbeat-interval must be positive") }
        if statusInterval <= 0 { throw ValidationError("--status-interval must be positive") }
        if offsetsTopic != nil && !exactlyOnce { throw ValidationError("--offsets-topic only applies with --exactly-once") }
        if transactionTopic != nil && !sink.toKafka { throw ValidationError("--transaction-topic needs Kafka: pass -b host:port or --kafka") }
        if exactlyOnce && !sink.toKafka { throw ValidationError("--exactly-once needs Kafka: pass -b host:port or --kafka") }
    }

    func run() throws {
        let options = StreamOptions(
            slot: slot, publication: publication, tables: table.compactMap(TableName.init(parsing:)), allTables: allTables,
            createSlot: createSlot, dropSlotOnExit: dropSlotOnExit, snapshot: snapshot, endpos: endpos.flatMap { LSN($0) },
            heartbeatInterval: heartbeatInterval, statusInterval: statusInterval, prefix: topicPrefix)
        StopSignal.install()
        let quiet = quiet
        let streamer = ChangeStreamer(conninfo: try database.conninfo(), options: options) { notice in
            if !quiet { fputs("cdcctl: \(notice)\n", stderr) }
        }
        let exactly = exactlyOnce ? KafkaSinkOptions.ExactlyOnce(slot: slot, offsetsTopic: offsetsTopic ?? "\(topicPrefix).cdcctl-offsets") : nil
        if let kafka = try sink.makeKafkaSink(exactlyOnce: exactly, transactionTopic: transactionTopic, transactionalID: "cdcctl.\(topicPrefix).\(slot)",
                                              log: { notice in if !quiet { fputs("cdcctl: \(notice)\n", stderr) } }) {
            try streamer.run(kafka: kafka)
        } else {
            try streamer.runToStandardOutput()
        }
    }
}
