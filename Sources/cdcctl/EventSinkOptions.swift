import ArgumentParser
import CDCCore
import Glibc

extension KafkaSinkOptions.Format: ExpressibleByArgument {}
extension SubjectNameStrategy: ExpressibleByArgument {}

/// Where `snapshot` and `stream` send events: NDJSON on stdout unless a broker is named
/// (`-b`, or `--kafka` with $CDCCTL_KAFKA_BROKERS).
struct EventSinkOptions: ParsableArguments {
    @Flag(help: "Produce to Kafka at $CDCCTL_KAFKA_BROKERS (implied by -b) instead of writing NDJSON to stdout.")
    var kafka = false

    @OptionGroup var connection: KafkaOptions

    @Option(help: ArgumentHelp("Kafka record format: avro (Confluent wire format through the registry) or json (default: avro when a registry is known, else json).", valueName: "format"))
    var format: KafkaSinkOptions.Format?

    @Option(help: ArgumentHelp("Schema registry for --format avro (default: $CDCCTL_REGISTRY_URL).", valueName: "url"))
    var registry: String?

    @Option(help: ArgumentHelp("Registry subject names: topic (<topic>-key/-value), record (the record's full name), topic-record (<topic>-<record name>).", valueName: "strategy"))
    var subjectStrategy: SubjectNameStrategy = .topic

    @Option(help: ArgumentHelp("Topic of a table's events; {prefix}, {schema}, {table} are replaced.", valueName: "template"))
    var topicTemplate: String = KafkaSinkOptions.defaultTopicTemplate

    @Flag(help: "No tombstone (null value) after each delete.")
    var noTombstones = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Partitions of topics cdcctl creates.", valueName: "n"))
    var partitions: Int32 = 1

    @Option(parsing: .unconditional, help: ArgumentHelp("Replication factor of topics cdcctl creates (-1: the broker's default).", valueName: "n"))
    var replicationFactor: Int32 = 1

    /// Whether events go to Kafka.
    var toKafka: Bool { kafka || connection.brokers != nil || format == .avro }

    func validate() throws {
        switch KafkaSinkOptions.problem(topicTemplate: topicTemplate) {
        case .empty?: throw ValidationError("--topic-template is empty")
        case .unknownPlaceholder?: throw ValidationError("--topic-template '\(topicTemplate)' has a placeholder other than {prefix}, {schema}, {table}")
        case nil: break
        }
        if partitions < 1 && partitions != -1 { throw ValidationError("--partitions must be positive (or -1 for the broker's default)") }
        if replicationFactor < 1 && replicationFactor != -1 { throw ValidationError("--replication-factor must be positive (or -1 for the broker's default)") }
    }

    /// The Kafka sink, or nil for stdout. `exactlyOnce` makes the producer transactional with
    /// `transactionalID` (unless -X sets one). Fails when the broker (or, for Avro, the registry)
    /// does not answer within -m seconds (default 10).
    func makeKafkaSink(snapshot: Bool = false, exactlyOnce: KafkaSinkOptions.ExactlyOnce? = nil, transactionTopic: String? = nil, transactionalID: String? = nil,
                       envelope: EventEnvelope = .debezium, outbox: OutboxSettings? = nil,
                       stop: StopToken, log: @escaping (String) -> Void) throws -> KafkaEventSink? {
        guard toKafka else {
            if exactlyOnce != nil { throw ValidationError("--exactly-once needs Kafka: pass -b host:port or --kafka") }
            return nil
        }
        let registryURL = registry ?? Environment.registryURL
        var options = KafkaSinkOptions(format: format ?? (registryURL != nil ? .avro : .json), topicTemplate: topicTemplate)
        options.tombstones = !noTombstones
        options.envelope = envelope
        options.subjectStrategy = subjectStrategy
        options.partitions = partitions
        options.replicationFactor = replicationFactor
        options.exactlyOnce = exactlyOnce
        options.transactionTopic = transactionTopic
        options.isSnapshot = snapshot
        options.outbox = outbox
        let settings = KafkaSinkSettings(connection: try connection.settings(), options: options, registryURL: registryURL, transactionalID: transactionalID)
        let sink: KafkaEventSink
        do {
            sink = try KafkaEventSink.make(settings: settings, stop: stop, log: log)
        } catch let error as KafkaSinkError {
            throw SinkSetupError(error)
        }
        // Before anything is read or created: an unreachable broker or registry fails now.
        try SinkReachability.check(settings, timeout: connection.metadataTimeout ?? 10)
        return sink
    }
}

/// A `KafkaSinkError` worded with the flags that fix it.
struct SinkSetupError: Error, CustomStringConvertible {
    let description: String

    init(_ error: KafkaSinkError) {
        switch error {
        case .avroNeedsRegistry:
            description = "--format avro needs a schema registry: pass --registry URL or set CDCCTL_REGISTRY_URL"
        case .exactlyOnceNeedsTransactionalProducer:
            description = "--exactly-once needs a transactional producer (transactional.id)"
        }
    }
}
