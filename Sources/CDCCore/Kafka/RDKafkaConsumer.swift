import CRdKafka

/// A Kafka consumer (`rd_kafka_t` of type consumer, the high-level KafkaConsumer API): either
/// assigned explicit partitions and offsets, or subscribed to topics as a member of `group.id`
/// with librdkafka's default rebalance handling. Closed (leaving the group, committing the
/// offsets of what `poll` returned when auto-commit is on) by `close()` or on deinit.
///
/// `poll` and `close` block: keep them off Swift's cooperative pool, one thread at a time.
public final class RDKafkaConsumer {
    let handle: RDKafkaHandle
    /// `group.id`, when set.
    public let groupID: String?
    private var closed = false

    /// Creates a consumer from `config` (which it copies).
    public init(config: RDKafkaConfig) throws {
        groupID = config.get("group.id")
        handle = try RDKafkaHandle(type: RD_KAFKA_CONSUMER, config: config)
        // Errors and other events from the main queue come out of consumer_poll too.
        rd_kafka_poll_set_consumer(handle.pointer)
    }

    deinit {
        if !closed { rd_kafka_consumer_close(handle.pointer) }
    }

    /// The bootstrap brokers, for messages.
    public var brokers: String { handle.brokers }

    /// Reads exactly these partitions from these offsets (no group rebalancing).
    public func assign(_ partitions: [KafkaTopicPartition]) throws {
        let list = RDKafkaTopicPartitionList(partitions)
        let err = rd_kafka_assign(handle.pointer, list.pointer)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError("cannot assign \(partitions.count) partitions on \(brokers)", code: err)
        }
    }

    /// Joins `group.id` and subscribes to `topics`; partitions come with the group's rebalances.
    public func subscribe(_ topics: [String]) throws {
        let list = RDKafkaTopicPartitionList(capacity: topics.count)
        for topic in topics { list.add(topic: topic, partition: -1, offset: KafkaOffset.invalid) }
        let err = rd_kafka_subscribe(handle.pointer, list.pointer)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError("cannot subscribe group \(groupID ?? "(none)") to \(topics.joined(separator: ", "))", code: err)
        }
    }

    /// The partitions currently assigned (by `assign` or the group).
    public func assignment() throws -> [KafkaTopicPartition] {
        var raw: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>? = nil
        let err = rd_kafka_assignment(handle.pointer, &raw)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let raw else {
            throw KafkaError("cannot read the consumer's assignment", code: err)
        }
        return RDKafkaTopicPartitionList(owning: raw).elements.map {
            KafkaTopicPartition(topic: $0.topic, partition: $0.partition, offset: $0.offset)
        }
    }

    /// The next message or event, waiting up to `timeout` ms; nil when nothing came. Throws for
    /// errors that end consumption (unknown topic or partition, authorization, fatal errors);
    /// other errors (a broker connection lost, …) come back as `.error` while librdkafka retries.
    public func poll(timeout: Int32) throws -> KafkaConsumerEvent? {
        guard let message = rd_kafka_consumer_poll(handle.pointer, timeout) else { return nil }
        defer { rd_kafka_message_destroy(message) }
        let m = message.pointee
        switch m.err {
        case RD_KAFKA_RESP_ERR_NO_ERROR:
            return .message(KafkaMessage(copying: message))
        case RD_KAFKA_RESP_ERR__PARTITION_EOF:
            let topic = m.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
            return .partitionEOF(KafkaTopicPartition(topic: topic, partition: m.partition, offset: m.offset))
        default:
            let topic = m.rkt.map { String(cString: rd_kafka_topic_name($0)) }
            let context = topic.map { "topic \($0) [\(m.partition)]" } ?? "consumer on \(brokers)"
            var text = m.payload.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: m.len), as: UTF8.self) }
                ?? KafkaError.describe(m.err)
            if let nul = text.firstIndex(of: "\0") { text = String(text[..<nul]) }
            if m.err == RD_KAFKA_RESP_ERR__FATAL {
                var reason = [CChar](repeating: 0, count: 512)
                let code = rd_kafka_fatal_error(handle.pointer, &reason, reason.count)
                throw KafkaError("fatal consumer error on \(brokers)", detail: String(errorBuffer: reason), code: code.rawValue)
            }
            let error = KafkaError(context, detail: text, code: m.err.rawValue)
            if RDKafkaConsumer.endsConsumption(m.err) { throw error }
            return .error(error)
        }
    }

    private static func endsConsumption(_ err: rd_kafka_resp_err_t) -> Bool {
        switch err {
        case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC, RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION,
             RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED,
             RD_KAFKA_RESP_ERR__INVALID_ARG, RD_KAFKA_RESP_ERR__AUTHENTICATION:
            return true
        default:
            return false
        }
    }

    /// Commits the offsets of the messages `poll` returned, synchronously.
    public func commit() throws {
        let err = rd_kafka_commit(handle.pointer, nil, 0)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET else {
            throw KafkaError("cannot commit offsets for group \(groupID ?? "(none)") on \(brokers)", code: err)
        }
    }

    /// Moves the fetch positions of assigned partitions to these offsets (messages fetched
    /// before the seek are not delivered after it).
    public func seek(_ positions: [KafkaTopicPartition], timeout: Int32) throws {
        guard !positions.isEmpty else { return }
        let list = RDKafkaTopicPartitionList(positions)
        if let error = rd_kafka_seek_partitions(handle.pointer, list.pointer, timeout) {
            defer { rd_kafka_error_destroy(error) }
            throw KafkaError("cannot seek \(positions.map(\.description).joined(separator: ", "))",
                             detail: String(cString: rd_kafka_error_string(error)), code: rd_kafka_error_code(error).rawValue)
        }
    }

    /// Commits these positions (per partition, the offset of the next message to read) to
    /// the group, without waiting for the answer.
    public func commit(_ positions: [KafkaTopicPartition]) {
        guard !positions.isEmpty else { return }
        let list = RDKafkaTopicPartitionList(positions)
        _ = rd_kafka_commit(handle.pointer, list.pointer, 1)
    }

    /// Marks these positions (per partition, the offset of the next message to read) as
    /// processed, for the next commit; with `enable.auto.offset.store=false` nothing else does.
    /// Best effort: partitions no longer assigned are skipped.
    public func storeOffsets(_ positions: [KafkaTopicPartition]) {
        guard !positions.isEmpty else { return }
        let list = RDKafkaTopicPartitionList(positions)
        _ = rd_kafka_offsets_store(handle.pointer, list.pointer)
    }

    /// Leaves the group (committing offsets when auto-commit is on) and stops fetching.
    public func close() throws {
        guard !closed else { return }
        closed = true
        let err = rd_kafka_consumer_close(handle.pointer)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError("cannot close the consumer of group \(groupID ?? "(none)") on \(brokers)", code: err)
        }
    }

    // MARK: cluster queries

    /// The cluster's brokers and topics (all, or only `topic`). A consumer never creates topics
    /// by asking.
    public func metadata(topic: String? = nil, timeout: Int32) throws -> KafkaClusterMetadata {
        try handle.metadata(topic: topic, timeout: timeout)
    }

    /// The low and high offsets of one partition.
    public func watermarks(topic: String, partition: Int32, timeout: Int32) throws -> KafkaWatermarks {
        try handle.watermarks(topic: topic, partition: partition, timeout: timeout)
    }

    /// For each partition, the first offset at or after `timestamp` (ms), or `KafkaOffset.end`.
    public func offsetsForTimes(topic: String, partitions: [Int32], timestamp: Int64, timeout: Int32) throws -> [Int32: Int64] {
        try handle.offsetsForTimes(topic: topic, partitions: partitions, timestamp: timestamp, timeout: timeout)
    }

    /// The controller broker's id, or -1 when unknown within `timeout` ms.
    public func controllerID(timeout: Int32) -> Int32 { handle.controllerID(timeout: timeout) }
}

/// What `RDKafkaConsumer.poll` returns.
public enum KafkaConsumerEvent: Sendable {
    /// A message.
    case message(KafkaMessage)
    /// The consumer reached the end of a partition (`enable.partition.eof=true`); `offset` is
    /// the partition's end.
    case partitionEOF(KafkaTopicPartition)
    /// An error librdkafka reports but recovers from by itself (e.g. a lost connection).
    case error(KafkaError)
}
