/// Creates the sink's topics through the Admin API the first time each is used (unless the
/// options say topics are not created), with the options' partitions and replication factor.
final class KafkaTopicCreator {
    private let producer: RDKafkaProducer
    private let options: KafkaSinkOptions
    private let log: (String) -> Void
    private var known = Set<String>()

    /// Creates topics through `producer`; `log` hears of each topic created.
    init(producer: RDKafkaProducer, options: KafkaSinkOptions, log: @escaping (String) -> Void) {
        self.producer = producer
        self.options = options
        self.log = log
    }

    /// Makes sure `topic` exists (created with `configs` when missing); a no-op after the first call.
    func ensure(_ topic: String, configs: [(String, String)] = []) throws {
        guard options.createTopics, !known.contains(topic) else { return }
        if try producer.createTopic(topic, partitions: options.partitions, replicationFactor: options.replicationFactor, configs: configs) {
            log("created topic \(topic)")
        }
        known.insert(topic)
    }
}
