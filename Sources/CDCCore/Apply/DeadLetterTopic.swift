/// Where `apply --errors skip --dead-letter-topic T` puts a record that can never apply: its
/// key and value as they were read, with headers naming where it came from and why it was
/// skipped. Each one is flushed before apply goes on, so a skipped record is never just gone.
public final class DeadLetterTopic {
    private let producer: RDKafkaProducer
    public let topic: String

    /// A producer for `topic` on the cluster of `connection`.
    public init(topic: String, connection: KafkaConnectionSettings) throws {
        self.topic = topic
        producer = try RDKafkaProducer(config: try connection.makeConfig())
    }

    /// Publishes `record` with `reason`, waiting (up to 30 s) until the broker has it.
    public func publish(_ record: ApplyRecord, reason: String) throws {
        guard case .kafka(let source, let partition, let offset) = record.position else { return }
        try producer.produce(topic: topic, key: record.rawKey, value: record.rawValue, headers: [
            KafkaHeader(name: "cdcctl.error", text: reason),
            KafkaHeader(name: "cdcctl.topic", text: source),
            KafkaHeader(name: "cdcctl.partition", text: String(partition)),
            KafkaHeader(name: "cdcctl.offset", text: String(offset)),
        ])
        guard producer.flush(timeout: 30_000) else {
            throw KafkaError("the dead letter topic \(topic) did not acknowledge the skipped record of \(record.position.description)")
        }
    }
}
