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

    @Option(help: ArgumentHelp("Partitions of topics cdcctl creates.", valueName: "n"))
    var partitions: Int32 = 1

    @Option(help: ArgumentHelp("Replication factor of topics cdcctl creates (-1: the broker's default).", valueName: "n"))
    var replicationFactor: Int32 = 1

    /// Whether events go to Kafka.
    var toKafka: Bool { kafka || connection.brokers != nil || format == .avro }

    func validate() throws {
        if let problem = KafkaSinkOptions.problem(topicTemplate: topicTemplate) { throw ValidationError(problem) }
        if partitions < 1 && partitions != -1 { throw ValidationError("--partitions must be positive (or -1 for the broker's default)") }
        if replicationFactor < 1 && replicationFactor != -1 { throw ValidationError("--replication-factor must be positive (or -1 for the broker's default)") }
    }

    /// The Kafka sink, or nil for stdout. `exactlyOnce` makes the producer transactional with
    /// `transactionalID` (unless -X sets one).
    func makeKafkaSink(exactlyOnce: KafkaSinkOptions.ExactlyOnce? = nil, transactionTopic: String? = nil, transactionalID: String? = nil,
                       log: @escaping (String) -> Void) throws -> KafkaEventSink? {
        guard toKafka else {
            if exactlyOnce != nil { throw ValidationError("--exactly-once needs Kafka: pass -b host:port or --kafka") }
            return nil
        }
        let registryURL = registry ?? Environment.registryURL
        var options = KafkaSinkOptions(format: format ?? (registryURL != nil ? .avro : .json), topicTemplate: topicTemplate)
        options.tombstones = !noTombstones
        options.subjectStrategy = subjectStrategy
        options.partitions = partitions
        options.replicationFactor = replicationFactor
        options.exactlyOnce = exactlyOnce
        options.transactionTopic = transactionTopic
        var defaults = KafkaEventSink.producerDefaults
        if exactlyOnce != nil, let transactionalID { defaults.append(("transactional.id", transactionalID)) }
        let config = try connection.makeConfig(defaults: defaults)
        let client = options.format == .avro ? try registryURL.map { try SchemaRegistryClient(url: $0) } : nil
        return try KafkaEventSink(producer: try RDKafkaProducer(config: config), registry: client, options: options,
                                  positionReader: exactlyOnce != nil ? try connection.makeConfig() : nil, log: log)
    }
}
