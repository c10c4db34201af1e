import CRdKafka

/// A topic to create (`rd_kafka_NewTopic_t`). Owns it and destroys it on deinit.
final class RDKafkaNewTopic {
    let pointer: OpaquePointer

    init(name: String, partitions: Int32, replicationFactor: Int32, configs: [(String, String)] = []) throws {
        var reason = [CChar](repeating: 0, count: 512)
        guard let topic = rd_kafka_NewTopic_new(name, partitions, replicationFactor, &reason, reason.count) else {
            throw KafkaError("cannot describe topic \(name) to create", detail: String(errorBuffer: reason))
        }
        pointer = topic
        for (key, value) in configs {
            let err = rd_kafka_NewTopic_set_config(topic, key, value)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError("cannot set \(key)=\(value) for topic \(name)", code: err) }
        }
    }

    deinit { rd_kafka_NewTopic_destroy(pointer) }
}

/// Options for one Admin API request (`rd_kafka_AdminOptions_t`). Owns them and destroys them on
/// deinit.
final class RDKafkaAdminOptions {
    let pointer: OpaquePointer

    init(client: RDKafkaHandle, operation: rd_kafka_admin_op_t, timeout: Int32) {
        pointer = rd_kafka_AdminOptions_new(client.pointer, operation)
        var reason = [CChar](repeating: 0, count: 256)
        // Both only fail for out-of-range values; the defaults are kept then.
        _ = rd_kafka_AdminOptions_set_request_timeout(pointer, timeout, &reason, reason.count)
        _ = rd_kafka_AdminOptions_set_operation_timeout(pointer, timeout, &reason, reason.count)
    }

    deinit { rd_kafka_AdminOptions_destroy(pointer) }
}

extension RDKafkaHandle {
    /// Creates `name` through the Admin API (CreateTopics) and waits for the answer; returns
    /// false when the topic already existed.
    func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32, configs: [(String, String)] = [], timeout: Int32) throws -> Bool {
        let context = "cannot create topic \(name) on \(brokers)"
        let topic = try RDKafkaNewTopic(name: name, partitions: partitions, replicationFactor: replicationFactor, configs: configs)
        let options = RDKafkaAdminOptions(client: self, operation: RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout: timeout)
        let queue = RDKafkaQueue(client: self)
        var topics: [OpaquePointer?] = [topic.pointer]
        rd_kafka_CreateTopics(pointer, &topics, 1, options.pointer, queue.pointer)
        // The request times out by itself; the margin only guards against a lost event.
        guard let event = queue.poll(timeout: timeout + 5_000) else {
            throw KafkaError(context, detail: "no answer within \(timeout) ms")
        }
        if let error = event.error { throw KafkaError(context, detail: error.message, code: error.code) }
        guard let result = rd_kafka_event_CreateTopics_result(event.pointer) else {
            throw KafkaError(context, detail: "unexpected event type \(event.type)")
        }
        var count = 0
        guard let results = rd_kafka_CreateTopics_result_topics(result, &count), count > 0, let first = results[0] else {
            throw KafkaError(context, detail: "the broker returned no result for the topic")
        }
        let err = rd_kafka_topic_result_error(first)
        switch err {
        case RD_KAFKA_RESP_ERR_NO_ERROR: return true
        case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS: return false
        default:
            let text = rd_kafka_topic_result_error_string(first).map { String(cString: $0) } ?? KafkaError.describe(err)
            throw KafkaError(context, detail: text, code: err.rawValue)
        }
    }
}
