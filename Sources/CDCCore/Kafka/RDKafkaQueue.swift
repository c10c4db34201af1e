import CRdKafka

/// An event queue (`rd_kafka_queue_t`) that Admin API results arrive on. Owns it and destroys it
/// on deinit; it holds its client alive.
final class RDKafkaQueue {
    let pointer: OpaquePointer
    private let client: RDKafkaHandle

    init(client: RDKafkaHandle) {
        self.client = client
        pointer = rd_kafka_queue_new(client.pointer)
    }

    deinit { rd_kafka_queue_destroy(pointer) }

    /// The next event, waiting up to `timeout` ms.
    func poll(timeout: Int32) -> RDKafkaEvent? {
        rd_kafka_queue_poll(pointer, timeout).map(RDKafkaEvent.init(owning:))
    }
}

/// One event from a queue (`rd_kafka_event_t`), e.g. an Admin API result. Owns it and destroys
/// it on deinit.
final class RDKafkaEvent {
    let pointer: OpaquePointer

    init(owning pointer: OpaquePointer) { self.pointer = pointer }

    deinit { rd_kafka_event_destroy(pointer) }

    /// The event type (`RD_KAFKA_EVENT_…`).
    var type: rd_kafka_event_type_t { rd_kafka_event_type(pointer) }

    /// The request-level error, if the whole request failed.
    var error: KafkaError? {
        let err = rd_kafka_event_error(pointer)
        guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        let text = rd_kafka_event_error_string(pointer).map { String(cString: $0) } ?? KafkaError.describe(err)
        return KafkaError(text, code: err.rawValue)
    }
}
