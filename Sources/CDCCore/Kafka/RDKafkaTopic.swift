import CRdKafka

/// A topic handle (`rd_kafka_topic_t`), needed to ask for one topic's metadata. Owns it and
/// destroys it on deinit; it holds its client alive.
final class RDKafkaTopic {
    let pointer: OpaquePointer
    private let client: RDKafkaHandle

    init(client: RDKafkaHandle, name: String) throws {
        guard let handle = rd_kafka_topic_new(client.pointer, name, nil) else {
            throw KafkaError("cannot open topic \(name)", code: rd_kafka_last_error())
        }
        self.client = client
        pointer = handle
    }

    deinit { rd_kafka_topic_destroy(pointer) }
}
