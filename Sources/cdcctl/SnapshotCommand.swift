import ArgumentParser
import CDCCore
import Glibc

/// `cdcctl snapshot`: a consistent snapshot of tables as `op: "r"` events.
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Write a consistent snapshot of tables as Debezium read events (NDJSON on stdout, or to Kafka).",
        discussion: """
            All tables are read in one REPEATABLE READ transaction with COPY, so the events \
            describe one consistent state. Rows stream through; memory does not grow with the table.

            With --incremental, nothing is read here: a signal asks the running `cdcctl stream` \
            on --slot to snapshot the tables in key chunks while it streams (DBLog \
            watermarks; progress in cdcctl.incremental_snapshot), or to --stop, --pause or \
            --resume doing so.
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: [.short, .long], help: ArgumentHelp("A table to snapshot, as schema.table, or a pattern: a regular expression on schema.table such as 'shop\\..*' (repeatable; --outbox adds its table).", valueName: "schema.table"))
    var table: [String] = []

    @Option(name: .long, help: "The logical server name (Debezium's topic.prefix), reported as source.name.")
    var topicPrefix: String = "cdcctl"

    @Option(parsing: .unconditional, help: ArgumentHelp("Read each table in N ranges on N connections sharing one exported snapshot (events stay in range order).", valueName: "n"))
    var parallel: Int = 1

    @Flag(name: [.short, .long], help: "No progress line on stderr.")
    var quiet = false

    @OptionGroup(title: "Shaping") var shaping: ShapingOptions

    @OptionGroup(title: "Types") var types: TypeModeOptions

    @OptionGroup(title: "Outbox") var outbox: OutboxOptions

    @OptionGroup(title: "Kafka") var sink: EventSinkOptions

    @OptionGroup(title: "Incremental snapshot") var incremental: IncrementalSnapshotOptions

    func validate() throws {
        _ = try shaping.settings(tables: table, toKafka: sink.toKafka)
        try shaping.validate(toKafka: sink.toKafka, noTombstones: sink.noTombstones)
        if parallel < 1 || parallel > 64 { throw ValidationError("--parallel must be between 1 and 64") }
        try incremental.validate(tables: table, otherFlags: [parallel != 1 ? "--parallel" : nil, sink.toKafka ? "--kafka" : nil].compactMap { $0 })
        if table.isEmpty && !incremental.incremental && outbox.outbox == nil { throw ValidationError("Missing expected argument '--table <schema.table> ...'") }
    }

    func run() throws {
        let conninfo = try database.conninfo()
        if incremental.incremental {
            let quiet = quiet
            return try incremental.send(conninfo: conninfo, tables: table.compactMap(TableName.init(parsing:))) { if !quiet { StandardError.notice($0) } }
        }
        let connection = try PGConnection(conninfo: conninfo)
        let outbox = try outbox.settings()
        if let outbox { try outbox.check(connection: connection) }
        // -t's names and patterns, and the outbox table besides.
        var options = SnapshotOptions(tables: outbox.map { [$0.table] } ?? [], prefix: topicPrefix, parallel: parallel)
        options.shaping = try shaping.settings(tables: table, toKafka: sink.toKafka)
        options.typeModes = types.modes
        var reader = SnapshotReader(connection: connection, options: options,
                                    progress: ProgressReporter(enabled: !quiet && ProgressReporter.stderrIsTerminal), conninfo: conninfo)
        let quiet = quiet
        if let kafka = try sink.makeKafkaSink(snapshot: true, envelope: options.shaping.envelope, outbox: outbox, stop: SignalTrap.stopToken(),
                                              log: { notice in if !quiet { StandardError.notice(notice) } }) {
            _ = try reader.run(kafka: kafka)
        } else {
            _ = try reader.runToStandardOutput(outbox: outbox)
        }
    }
}
