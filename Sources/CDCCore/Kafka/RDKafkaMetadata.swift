import CRdKafka

/// A metadata response (`rd_kafka_metadata_t`). Owns it and destroys it on deinit; `snapshot`
/// copies it into Swift values.
final class RDKafkaMetadata {
    private let pointer: UnsafePointer<rd_kafka_metadata>

    /// Asks the cluster for the metadata of `topic`, or of all topics when nil.
    init(client: RDKafkaHandle, topic: RDKafkaTopic?, timeout: Int32) throws {
        var result: UnsafePointer<rd_kafka_metadata>? = nil
        let err = rd_kafka_metadata(client.pointer, topic == nil ? 1 : 0, topic?.pointer, &result, timeout)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let result else {
            let what = topic.map { "topic \(String(cString: rd_kafka_topic_name($0.pointer)))" } ?? "all topics"
            let hint = err == RD_KAFKA_RESP_ERR__TRANSPORT || err == RD_KAFKA_RESP_ERR__TIMED_OUT
                ? " (is the broker reachable?)" : ""
            throw KafkaError("cannot fetch metadata for \(what) from \(client.brokers)",
                             detail: KafkaError.describe(err) + hint, code: err.rawValue)
        }
        pointer = result
    }

    deinit { rd_kafka_metadata_destroy(pointer) }

    /// The response as Swift values.
    var snapshot: KafkaClusterMetadata {
        let md = pointer.pointee
        let brokers = (0..<Int(md.broker_cnt)).map { i -> KafkaBrokerMetadata in
            let b = md.brokers[i]
            return KafkaBrokerMetadata(id: b.id, host: String(cString: b.host), port: Int(b.port))
        }
        let topics = (0..<Int(md.topic_cnt)).map { i -> KafkaTopicMetadata in
            let t = md.topics[i]
            let partitions = (0..<Int(t.partition_cnt)).map { j -> KafkaPartitionMetadata in
                let p = t.partitions[j]
                return KafkaPartitionMetadata(
                    id: p.id, leader: p.leader,
                    replicas: (0..<Int(p.replica_cnt)).map { p.replicas[$0] },
                    isrs: (0..<Int(p.isr_cnt)).map { p.isrs[$0] },
                    error: KafkaMetadataError(p.err))
            }
            return KafkaTopicMetadata(name: String(cString: t.topic), partitions: partitions, error: KafkaMetadataError(t.err))
        }
        return KafkaClusterMetadata(originatingBrokerID: md.orig_broker_id,
                                    originatingBrokerName: md.orig_broker_name.map { String(cString: $0) } ?? "",
                                    brokers: brokers, topics: topics)
    }
}

/// What the cluster said about its brokers and topics.
public struct KafkaClusterMetadata: Sendable {
    /// The broker that answered (-1 while only the bootstrap connection is known).
    public var originatingBrokerID: Int32
    /// Its name, e.g. "127.0.0.1:19092/bootstrap".
    public var originatingBrokerName: String
    /// The cluster's brokers.
    public var brokers: [KafkaBrokerMetadata]
    /// The topics asked for (or all topics).
    public var topics: [KafkaTopicMetadata]

    /// The topic named `name`, if the response has it.
    public func topic(_ name: String) -> KafkaTopicMetadata? { topics.first { $0.name == name } }
}

/// One broker.
public struct KafkaBrokerMetadata: Sendable, Equatable {
    /// The broker id.
    public var id: Int32
    /// The advertised host.
    public var host: String
    /// The advertised port.
    public var port: Int
}

/// One topic and its partitions.
public struct KafkaTopicMetadata: Sendable {
    /// The topic name.
    public var name: String
    /// Its partitions, in the broker's order.
    public var partitions: [KafkaPartitionMetadata]
    /// The broker's error for this topic (e.g. unknown topic), if any.
    public var error: KafkaMetadataError?
}

/// One partition: its leader and replicas.
public struct KafkaPartitionMetadata: Sendable, Equatable {
    /// The partition number.
    public var id: Int32
    /// The leader broker's id.
    public var leader: Int32
    /// Replica broker ids.
    public var replicas: [Int32]
    /// In-sync replica broker ids.
    public var isrs: [Int32]
    /// The broker's error for this partition, if any.
    public var error: KafkaMetadataError?
}

/// An error code in a metadata response, with librdkafka's text for it.
public struct KafkaMetadataError: Sendable, Equatable, CustomStringConvertible {
    /// The `rd_kafka_resp_err_t` code.
    public var code: Int32
    /// librdkafka's text, e.g. "Broker: Unknown topic or partition".
    public var description: String

    init?(_ err: rd_kafka_resp_err_t) {
        guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        code = err.rawValue
        description = KafkaError.describe(err)
    }

    /// Whether the broker does not know the topic or partition.
    public var isUnknownTopic: Bool {
        code == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART.rawValue || code == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC.rawValue
    }
}
