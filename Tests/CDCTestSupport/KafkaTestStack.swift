import CDCCore
import Foundation

/// The Kafka side of the local stack for library tests: Tansu's address, unique topic names,
/// librdkafka's in-process mock cluster, and a helper that reads partitions to their end.
public enum KafkaTestStack {
    /// `CDCCTL_KAFKA_BROKERS`, or the one `scripts/stack up` exports (started once per process).
    public static func brokers() throws -> String { try LocalStack.kafkaBrokers() }

    /// A topic name no other test (or earlier run: Tansu keeps topics in memory) uses.
    public static func uniqueTopic(_ prefix: String) -> String {
        "\(prefix)-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// A configuration for Tansu, quiet.
    public static func tansuConfig(_ properties: [String: String] = [:]) throws -> RDKafkaConfig {
        let config = RDKafkaConfig()
        try config.set("bootstrap.servers", try brokers())
        try config.set("log_level", "0")
        for (key, value) in properties { try config.set(key, value) }
        return config
    }

    /// A configuration that starts librdkafka's in-process mock cluster (one broker).
    public static func mockConfig(_ properties: [String: String] = [:]) throws -> RDKafkaConfig {
        let config = RDKafkaConfig()
        try config.set("test.mock.num.brokers", "1")
        try config.set("log_level", "0")
        for (key, value) in properties { try config.set(key, value) }
        return config
    }

    /// A consumer config for the cluster at `bootstrap` that reports partition ends.
    public static func consumerConfig(bootstrap: String, _ properties: [String: String] = [:]) throws -> RDKafkaConfig {
        let config = RDKafkaConfig()
        try config.set("bootstrap.servers", bootstrap)
        try config.set("log_level", "0")
        try config.set("group.id", "cdcctl-tests")
        try config.set("enable.auto.commit", "false")
        try config.set("enable.partition.eof", "true")
        for (key, value) in properties { try config.set(key, value) }
        return config
    }

    /// Assigns `partitions` from the beginning and polls until each reported its end.
    public static func readToEnd(_ consumer: RDKafkaConsumer, topic: String, partitions: [Int32], timeout: TimeInterval = 15) throws -> [KafkaMessage] {
        try consumer.assign(partitions.map { KafkaTopicPartition(topic: topic, partition: $0, offset: KafkaOffset.beginning) })
        var messages: [KafkaMessage] = []
        var ended = Set<Int32>()
        let deadline = Date().addingTimeInterval(timeout)
        while ended.count < partitions.count {
            guard Date() < deadline else { throw HarnessError("partitions \(partitions) of \(topic) did not reach their end in \(timeout)s") }
            switch try consumer.poll(timeout: 100) {
            case .message(let m)?: messages.append(m)
            case .partitionEOF(let p)?: ended.insert(p.partition)
            case .error?, nil: continue
            }
        }
        return messages
    }
}
