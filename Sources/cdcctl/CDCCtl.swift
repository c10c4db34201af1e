import ArgumentParser
import CDCCore

/// The root command: a change-data-capture toolkit for PostgreSQL and Kafka.
struct CDCCtl: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "cdcctl",
            abstract: "Change data capture from PostgreSQL: snapshots and streams as Debezium-shaped events.",
            discussion: """
                Events are written as NDJSON on stdout (one event per line), in the shape of \
                Debezium's PostgreSQL connector. Defaults come from CDCCTL_PG_URL and the other \
                CDCCTL_* variables that `scripts/stack env` prints.
                """,
            version: VersionReport.text,
            subcommands: [SnapshotCommand.self, StreamCommand.self, RegistryCommand.self,
                          ConsumeCommand.self, ProduceCommand.self, TopicsCommand.self]
        )
    }
}
