import CRdKafka

/// A list of topic partitions with offsets (`rd_kafka_topic_partition_list_t`), as assign,
/// offsets-for-times and assignment queries take and return it. Owns it and destroys it on deinit.
final class RDKafkaTopicPartitionList {
    let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    /// An empty list with room for `capacity` entries (it grows as needed).
    init(capacity: Int = 1) {
        pointer = rd_kafka_topic_partition_list_new(Int32(max(capacity, 1)))
    }

    /// Takes over a list librdkafka handed out (e.g. from `rd_kafka_assignment`).
    init(owning pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        self.pointer = pointer
    }

    /// A list holding `partitions`.
    convenience init(_ partitions: [KafkaTopicPartition]) {
        self.init(capacity: partitions.count)
        for p in partitions { add(topic: p.topic, partition: p.partition, offset: p.offset) }
    }

    deinit { rd_kafka_topic_partition_list_destroy(pointer) }

    /// Appends one entry.
    func add(topic: String, partition: Int32, offset: Int64) {
        let element = rd_kafka_topic_partition_list_add(pointer, topic, partition)
        element?.pointee.offset = offset
    }

    /// The entries, copied out.
    var elements: [Element] {
        let list = pointer.pointee
        guard let elems = list.elems else { return [] }
        return (0..<Int(list.cnt)).map { i in
            let e = elems[i]
            return Element(topic: String(cString: e.topic), partition: e.partition, offset: e.offset,
                           error: e.err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : e.err.rawValue)
        }
    }

    /// One entry of the list.
    struct Element {
        var topic: String
        var partition: Int32
        var offset: Int64
        /// The entry's error code, when librdkafka set one.
        var error: Int32?
    }
}

/// A topic partition and an offset: where to start reading it, or where a group stands.
public struct KafkaTopicPartition: Hashable, Sendable, CustomStringConvertible {
    /// The topic.
    public var topic: String
    /// The partition number.
    public var partition: Int32
    /// An offset, or one of the logical offsets in `KafkaOffset`.
    public var offset: Int64

    /// Creates an entry.
    public init(topic: String, partition: Int32, offset: Int64 = KafkaOffset.invalid) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }

    /// "topic [partition]", as kcat writes it.
    public var description: String { "\(topic) [\(partition)]" }
}

/// librdkafka's logical offsets.
public enum KafkaOffset {
    /// The partition's first message (`RD_KAFKA_OFFSET_BEGINNING`).
    public static let beginning: Int64 = -2
    /// The partition's end: only messages produced from now on (`RD_KAFKA_OFFSET_END`).
    public static let end: Int64 = -1
    /// The group's committed offset (`RD_KAFKA_OFFSET_STORED`).
    public static let stored: Int64 = -1000
    /// No offset (`RD_KAFKA_OFFSET_INVALID`).
    public static let invalid: Int64 = -1001
}
