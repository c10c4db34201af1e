import CRdKafka

/// A librdkafka configuration (`rd_kafka_conf_t`). Owns it and destroys it on deinit; clients
/// are created from a copy, so one configuration can make several clients.
public final class RDKafkaConfig {
    let pointer: OpaquePointer

    /// An empty configuration: librdkafka's defaults.
    public init() {
        pointer = rd_kafka_conf_new()
    }

    deinit { rd_kafka_conf_destroy(pointer) }

    /// Sets a property (`bootstrap.servers`, `acks`, …). A `topic.` prefix names a topic-level
    /// property, as in kcat. Throws librdkafka's reason, which names the property.
    public func set(_ key: String, _ value: String) throws {
        var reason = [CChar](repeating: 0, count: 512)
        var result = rd_kafka_conf_set(pointer, key, value, &reason, reason.count)
        if result == RD_KAFKA_CONF_UNKNOWN, key.hasPrefix("topic."), key.count > 6 {
            // Topic-level properties set on the global configuration apply to every topic.
            result = rd_kafka_conf_set(pointer, String(key.dropFirst(6)), value, &reason, reason.count)
        }
        guard result == RD_KAFKA_CONF_OK else {
            let text = String(decoding: reason.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw KafkaError("invalid Kafka property \(key)", detail: text.isEmpty ? "rejected by librdkafka" : text)
        }
    }

    /// The current value of a property, or nil when it is unknown or unset.
    public func get(_ key: String) -> String? {
        var size = 0
        guard rd_kafka_conf_get(pointer, key, nil, &size) == RD_KAFKA_CONF_OK, size > 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: size)
        guard rd_kafka_conf_get(pointer, key, &buffer, &size) == RD_KAFKA_CONF_OK else { return nil }
        let value = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return value.isEmpty ? nil : value
    }

    /// The bootstrap brokers, for messages ("127.0.0.1:19092"), or "the mock cluster".
    var brokersDescription: String {
        if let mock = get("test.mock.num.brokers"), mock != "0" { return "librdkafka's mock cluster" }
        return get("bootstrap.servers") ?? "(no bootstrap.servers)"
    }
}
