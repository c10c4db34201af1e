/// Everything `KafkaEventSink.make` needs to build a Kafka sink: where the cluster and the
/// schema registry are, how events become records, and the producer's transactional id.
public struct KafkaSinkSettings: Sendable {
    /// The cluster, and the user's librdkafka properties.
    public var connection: KafkaConnectionSettings
    /// How change events become records (format, topics, exactly-once, …).
    public var options: KafkaSinkOptions
    /// The schema registry, used by the Avro format (required there).
    public var registryURL: String?
    /// The producer's `transactional.id` for exactly-once delivery, unless the connection's
    /// properties set one.
    public var transactionalID: String?

    /// Creates the settings.
    public init(connection: KafkaConnectionSettings, options: KafkaSinkOptions, registryURL: String? = nil, transactionalID: String? = nil) {
        self.connection = connection
        self.options = options
        self.registryURL = registryURL
        self.transactionalID = transactionalID
    }
}
