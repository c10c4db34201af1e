import AvroCodec

/// `--exactly-once`'s record of progress: with every Kafka transaction, one record in a
/// compacted topic, key = the slot, value = `{"slot":…,"lsn":"X/X"}` where the LSN is where the
/// stream resumes (everything before it is committed to Kafka). Written inside the same Kafka
/// transaction as the events, so it is visible to a `read_committed` reader exactly when they are.
enum KafkaCommittedPosition {
    /// Topic configuration: only the newest record per slot matters.
    static let topicConfigs = [("cleanup.policy", "compact")]

    static func record(slot: String, resumeAt lsn: LSN) -> (key: [UInt8], value: [UInt8]) {
        var value = ByteWriter(capacity: 64)
        value.write(#"{"slot":"#)
        JSONText.writeString(slot, into: &value)
        value.write(#","lsn":""#)
        value.write(string: "\(lsn)")
        value.write(#""}"#)
        return (Array(slot.utf8), value.bytes)
    }

    /// The newest committed position of `slot` in `topic`, read with isolation `read_committed`
    /// to the end of every partition; nil when the slot has none.
    static func read(config: RDKafkaConfig, topic: String, slot: String, timeout: Int32) throws -> LSN? {
        try config.set("group.id", "cdcctl-committed-position")
        try config.set("enable.auto.commit", "false")
        try config.set("isolation.level", "read_committed")
        try config.set("enable.partition.eof", "true")
        let consumer = try RDKafkaConsumer(config: config)
        defer { try? consumer.close() }
        let metadata = try consumer.metadata(topic: topic, timeout: timeout)
        let partitions = metadata.topics.first { $0.name == topic }?.partitions.map(\.id) ?? []
        guard !partitions.isEmpty else { return nil }
        try consumer.assign(partitions.map { KafkaTopicPartition(topic: topic, partition: $0, offset: KafkaOffset.beginning) })
        var open = Set(partitions)
        var newest: LSN?
        let deadline = Clock.monotonicSeconds() + Double(timeout) / 1000
        let key = Array(slot.utf8)
        while !open.isEmpty {
            guard Clock.monotonicSeconds() < deadline else {
                throw KafkaError("cannot read the committed position of slot \(slot) from topic \(topic)",
                                 detail: "the end of the topic was not reached within \(timeout / 1000) s")
            }
            switch try consumer.poll(timeout: 200) {
            case .message(let message)?:
                guard message.key == key, let value = message.value else { continue }
                if let lsn = parse(value) { newest = lsn }
            case .partitionEOF(let at)?:
                open.remove(at.partition)
            case .error, nil:
                continue
            }
        }
        return newest
    }

    /// The `lsn` member of a record's value.
    static func parse(_ value: [UInt8]) -> LSN? {
        guard case .object(let members)? = try? AvroJSONValue(parsing: String(decoding: value, as: UTF8.self)),
              let text = members["lsn"]?.stringValue else { return nil }
        return LSN(text)
    }
}
