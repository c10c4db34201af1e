import CRdKafka

/// One librdkafka client instance (`rd_kafka_t`), producer or consumer. Owns it and destroys it
/// on deinit. `RDKafkaProducer` and `RDKafkaConsumer` hold one; the queries every client can
/// make (metadata, watermarks, offsets for times) live here.
///
/// Calls block the calling thread (up to their timeout); callers keep them off Swift's
/// cooperative pool. librdkafka itself is thread-safe, but the wrappers keep per-call state, so
/// use one wrapper from one thread at a time.
final class RDKafkaHandle {
    let pointer: OpaquePointer
    /// The bootstrap brokers, for messages.
    let brokers: String

    /// Creates a client from a copy of `config`; `prepare` may install callbacks on that copy
    /// (librdkafka takes the copy over when it succeeds; it is destroyed here when it fails).
    init(type: rd_kafka_type_t, config: RDKafkaConfig, prepare: (OpaquePointer) -> Void = { _ in }) throws {
        brokers = config.brokersDescription
        guard let copy = rd_kafka_conf_dup(config.pointer) else {
            throw KafkaError("cannot copy the Kafka configuration", detail: "out of memory")
        }
        prepare(copy)
        var reason = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(type, copy, &reason, reason.count) else {
            rd_kafka_conf_destroy(copy)
            let kind = type == RD_KAFKA_PRODUCER ? "producer" : "consumer"
            throw KafkaError("cannot create a Kafka \(kind) for \(brokers)", detail: String(errorBuffer: reason))
        }
        pointer = handle
    }

    deinit { rd_kafka_destroy(pointer) }

    /// librdkafka's name for this instance ("rdkafka#producer-1").
    var name: String { String(cString: rd_kafka_name(pointer)) }

    /// The `bootstrap.servers` the instance actually uses: with `test.mock.num.brokers` it is
    /// the address of the in-process mock cluster this instance started, which other clients
    /// can connect to.
    var bootstrapServers: String? {
        let conf = rd_kafka_conf(pointer)
        var size = 0
        guard rd_kafka_conf_get(conf, "bootstrap.servers", nil, &size) == RD_KAFKA_CONF_OK, size > 1 else { return nil }
        var buffer = [CChar](repeating: 0, count: size)
        guard rd_kafka_conf_get(conf, "bootstrap.servers", &buffer, &size) == RD_KAFKA_CONF_OK else { return nil }
        return String(errorBuffer: buffer)
    }

    /// Serves queued callbacks (delivery reports, errors) for up to `timeout` ms.
    @discardableResult
    func poll(timeout: Int32) -> Int32 { rd_kafka_poll(pointer, timeout) }

    /// The cluster's brokers and topics: all of them, or only `topic`.
    func metadata(topic: String?, timeout: Int32) throws -> KafkaClusterMetadata {
        let fetched: RDKafkaMetadata
        if let topic {
            let handle = try RDKafkaTopic(client: self, name: topic)
            fetched = try RDKafkaMetadata(client: self, topic: handle, timeout: timeout)
        } else {
            fetched = try RDKafkaMetadata(client: self, topic: nil, timeout: timeout)
        }
        return fetched.snapshot
    }

    /// Waits until a broker answers a metadata request (brokers only, no topics) or `timeout` ms
    /// pass; connection failures within that time are retried. Throws the last failure, worded
    /// as "cannot reach".
    func waitForBroker(timeout: Int32) throws {
        let deadline = Clock.monotonicSeconds() + Double(timeout) / 1000
        var lastError = RD_KAFKA_RESP_ERR__TIMED_OUT
        while true {
            let left = Int32(max(0, (deadline - Clock.monotonicSeconds()) * 1000))
            if left <= 0 { break }
            var result: UnsafePointer<rd_kafka_metadata>? = nil
            let err = rd_kafka_metadata(pointer, 0, nil, &result, left)
            if let result { rd_kafka_metadata_destroy(result) }
            if err == RD_KAFKA_RESP_ERR_NO_ERROR { return }
            // A time-out says less than the connection failure before it: keep that one.
            if err != RD_KAFKA_RESP_ERR__TIMED_OUT || lastError == RD_KAFKA_RESP_ERR__TIMED_OUT { lastError = err }
            let retried = [RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__RESOLVE]
            guard retried.contains(err) else { break }
            Clock.sleep(min(0.2, max(0, deadline - Clock.monotonicSeconds())))
        }
        let seconds = Double(timeout) / 1000
        let shown = seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
        throw KafkaError("cannot reach the Kafka broker \(brokers) within \(shown) s (-m sets how long to wait)", code: lastError)
    }

    /// The low (first) and high (next) offsets of one partition, asked of its leader.
    func watermarks(topic: String, partition: Int32, timeout: Int32) throws -> KafkaWatermarks {
        var low: Int64 = -1
        var high: Int64 = -1
        let err = rd_kafka_query_watermark_offsets(pointer, topic, partition, &low, &high, timeout)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError("cannot query the offsets of topic \(topic) [\(partition)] on \(brokers)", code: err)
        }
        return KafkaWatermarks(low: low, high: high)
    }

    /// For each partition, the first offset whose timestamp is at or after `timestamp` (ms since
    /// the epoch), or -1 (`RD_KAFKA_OFFSET_END`) when no message is that recent.
    func offsetsForTimes(topic: String, partitions: [Int32], timestamp: Int64, timeout: Int32) throws -> [Int32: Int64] {
        let list = RDKafkaTopicPartitionList(capacity: partitions.count)
        for partition in partitions { list.add(topic: topic, partition: partition, offset: timestamp) }
        let err = rd_kafka_offsets_for_times(pointer, list.pointer, timeout)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError("cannot look up offsets for timestamp \(timestamp) in topic \(topic) on \(brokers)", code: err)
        }
        var result: [Int32: Int64] = [:]
        for element in list.elements {
            if let code = element.error {
                throw KafkaError("cannot look up offsets for timestamp \(timestamp) in topic \(topic) [\(element.partition)]",
                                 code: rd_kafka_resp_err_t(rawValue: code))
            }
            result[element.partition] = element.offset
        }
        return result
    }

    /// The controller broker's id, or -1 when unknown within `timeout` ms.
    func controllerID(timeout: Int32) -> Int32 { rd_kafka_controllerid(pointer, timeout) }
}

/// The first offset still stored and the offset the next message will get.
public struct KafkaWatermarks: Equatable, Sendable {
    /// The oldest offset still in the partition.
    public var low: Int64
    /// The offset after the last message (the partition's end).
    public var high: Int64

    /// Creates a pair of watermarks.
    public init(low: Int64, high: Int64) {
        self.low = low
        self.high = high
    }
}
