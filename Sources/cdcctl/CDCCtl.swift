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
                Debezium's PostgreSQL connector. Defaults come from the environment: CDCCTL_PG_URL \
                (PostgreSQL), CDCCTL_KAFKA_BROKERS (Kafka) and CDCCTL_REGISTRY_URL (schema registry).
                """,
            version: VersionReport.text,
            subcommands: [SnapshotCommand.self, StreamCommand.self, RegistryCommand.self,
                          ConsumeCommand.self, ProduceCommand.self, TopicsCommand.self,
                          SlotsCommand.self, CheckCommand.self, ApplyCommand.self]
        )
    }
}
