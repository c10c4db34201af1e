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
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: [.short, .long], help: ArgumentHelp("A table to snapshot, as schema.table (repeatable).", valueName: "schema.table"))
    var table: [String]

    @Option(name: .long, help: "The logical server name (Debezium's topic.prefix), reported as source.name.")
    var topicPrefix: String = "cdcctl"

    @Flag(name: [.short, .long], help: "No progress line on stderr.")
    var quiet = false

    @OptionGroup(title: "Kafka") var sink: EventSinkOptions

    func validate() throws {
        for name in table where TableName(parsing: name) == nil {
            throw ValidationError("invalid table name '\(name)': expected schema.table")
        }
    }

    func run() throws {
        let connection = try PGConnection(conninfo: try database.conninfo())
        let options = SnapshotOptions(tables: table.compactMap(TableName.init(parsing:)), prefix: topicPrefix)
        var reader = SnapshotReader(connection: connection, options: options,
                                    progress: ProgressReporter(enabled: !quiet && ProgressReporter.stderrIsTerminal))
        let quiet = quiet
        if let kafka = try sink.makeKafkaSink(log: { notice in if !quiet { fputs("cdcctl: \(notice)\n", stderr) } }) {
            _ = try reader.run(kafka: kafka)
        } else {
            _ = try reader.runToStandardOutput()
        }
    }
}
