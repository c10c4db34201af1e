import CRdKafka

/// One consumed message, copied out of librdkafka's `rd_kafka_message_t`.
public struct KafkaMessage: Sendable, Equatable {
    /// The topic.
    public var topic: String
    /// The partition.
    public var partition: Int32
    /// The message's offset in its partition.
    public var offset: Int64
    /// The key; nil for a NULL key (distinct from an empty one).
    public var key: [UInt8]?
    /// The value; nil for a NULL value (a tombstone).
    public var value: [UInt8]?
    /// The headers, in order; a header's value may be NULL.
    public var headers: [KafkaHeader]
    /// The timestamp in milliseconds since the epoch, when the broker sent one.
    public var timestamp: Int64?
    /// What the timestamp means.
    public var timestampType: KafkaTimestampType
    /// The id of the broker the message was fetched from (-1 when unknown).
    public var brokerID: Int32

    /// Creates a message (for tests and decoders).
    public init(topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8]?,
                headers: [KafkaHeader] = [], timestamp: Int64? = nil,
                timestampType: KafkaTimestampType = .notAvailable, brokerID: Int32 = -1) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
        self.timestampType = timestampType
        self.brokerID = brokerID
    }

    /// Copies everything out of `message`, which the caller still owns.
    init(copying message: UnsafeMutablePointer<rd_kafka_message_t>) {
        let m = message.pointee
        topic = m.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
        partition = m.partition
        offset = m.offset
        key = m.key.map { Array(UnsafeRawBufferPointer(start: $0, count: m.key_len)) }
        value = m.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: m.len)) }
        var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let ts = rd_kafka_message_timestamp(message, &type)
        switch type {
        case RD_KAFKA_TIMESTAMP_CREATE_TIME: timestampType = .createTime
        case RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME: timestampType = .logAppendTime
        default: timestampType = .notAvailable
        }
        timestamp = timestampType == .notAvailable ? nil : ts
        brokerID = rd_kafka_message_broker_id(message)
        headers = []
        var list: OpaquePointer? = nil
        if rd_kafka_message_headers(message, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list {
            var index = 0
            var name: UnsafePointer<CChar>? = nil
            var value: UnsafeRawPointer? = nil
            var size = 0
            while rd_kafka_header_get_all(list, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                headers.append(KafkaHeader(name: name.map { String(cString: $0) } ?? "",
                                           value: value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }))
                index += 1
            }
        }
    }
}

/// One message header: a name and a value that may be NULL.
public struct KafkaHeader: Sendable, Equatable {
    /// The header name.
    public var name: String
    /// The header value; nil for a NULL value.
    public var value: [UInt8]?

    /// Creates a header.
    public init(name: String, value: [UInt8]?) {
        self.name = name
        self.value = value
    }

    /// Creates a header with a text value.
    public init(name: String, text: String?) {
        self.init(name: name, value: text.map { Array($0.utf8) })
    }

    /// Parses kcat's `-H` syntax: `name=value`, or `name` for a NULL value.
    public init?(argument: String) {
        guard let first = argument.first, first != "=" else { return nil }
        if let eq = argument.firstIndex(of: "=") {
            self.init(name: String(argument[..<eq]), text: String(argument[argument.index(after: eq)...]))
        } else {
            self.init(name: argument, value: nil)
        }
    }
}

/// What a message timestamp records.
public enum KafkaTimestampType: Sendable, Equatable {
    /// No timestamp.
    case notAvailable
    /// Set by the producer.
    case createTime
    /// Set by the broker when it appended the message.
    case logAppendTime

    /// kcat's name for it in `-J` output ("create", "logappend"; nil when there is none).
    public var kcatName: String? {
        switch self {
        case .notAvailable: return nil
        case .createTime: return "create"
        case .logAppendTime: return "logappend"
        }
    }
}
