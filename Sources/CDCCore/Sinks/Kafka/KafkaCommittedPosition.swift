import AvroCodec

/// `--exactly-once`'s record of progress: with every Kafka transaction, one record in a
/// compacted topic, key = the slot, value =
/// `{"slot":…,"lsn":"X/X","system":"<system identifier>","timeline":N}` where the LSN is where the
/// stream resumes (everything before it is committed to Kafka). Written inside the same Kafka
/// transaction as the events, so it is visible to a `read_committed` reader exactly when they are.
///
/// A WAL position means something only within one cluster's WAL history, so the record also
/// names the cluster (`IDENTIFY_SYSTEM`'s system identifier) and timeline it was taken on; records
/// of earlier versions have neither. `mismatch(with:)` decides whether a record may be skipped by.
enum KafkaCommittedPosition {
    /// Topic configuration: only the newest record per slot matters.
    static let topicConfigs = [("cleanup.policy", "compact")]

    /// One recorded position, with the cluster it was recorded on when known.
    struct Recorded: Equatable {
        /// Where the stream resumes.
        var lsn: LSN
        /// The cluster's system identifier; nil in records of earlier versions.
        var systemID: String?
        /// The timeline; nil in records of earlier versions.
        var timeline: UInt32?

        /// Why this position may not be skipped by on a stream from `origin`, or nil when it may.
        ///
        /// - Another system identifier: always refused (another cluster's offsets topic).
        /// - Beyond the server's flushed WAL: refused (no position of this WAL history is there;
        ///   a restored backup or snapshot, or a rebuilt cluster).
        /// - Not ahead of where the stream starts (the slot's position, or the server's WAL end
        ///   for a slot about to be created): nothing would be skipped, so it matches whatever
        ///   recorded it (the stream's first commit overwrites it). A slot dropped and created
        ///   again on the same cluster lands here: it starts past every position an earlier slot
        ///   of the name decoded.
        /// - Ahead of the start (Kafka got further than the slot was told, e.g. after `kill -9`):
        ///   trusted only when recorded on the same cluster and timeline; a record without
        ///   identity (an earlier version) or from another timeline is refused.
        func mismatch(with origin: ReplicationOrigin) -> CommittedPositionMismatch.Reason? {
            let server = origin.server
            if let systemID, systemID != server.systemID { return .otherCluster(recorded: systemID, current: server.systemID) }
            if lsn > server.walFlush { return .aheadOfServer(walFlush: server.walFlush) }
            let start = origin.earliestStart
            guard lsn > start else { return nil }
            guard systemID != nil, let timeline else { return .unidentified(start: start) }
            if timeline != server.timeline { return .otherTimeline(recorded: timeline, current: server.timeline, start: start) }
            return nil
        }
    }

    /// The record of `slot` resuming at `lsn`, naming `server`'s cluster and timeline when known.
    static func record(slot: String, resumeAt lsn: LSN, server: ServerIdentity? = nil) -> (key: [UInt8], value: [UInt8]) {
        var value = ByteWriter(capacity: 96)
        value.write(#"{"slot":"#)
        JSONText.writeString(slot, into: &value)
        value.write(#","lsn":""#)
        value.write(string: "\(lsn)")
        value.write(#"""#)
        if let server {
            value.write(#","system":"#)
            JSONText.writeString(server.systemID, into: &value)
            value.write(#","timeline":"#)
            value.write(string: String(server.timeline))
        }
        value.write(#"}"#)
        return (Array(slot.utf8), value.bytes)
    }

    /// The newest committed position of `slot` in `topic`, read with isolation `read_committed`
    /// to the end of every partition; nil when the slot has none.
    static func read(config: RDKafkaConfig, topic: String, slot: String, timeout: Int32) throws -> Recorded? {
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
        var newest: Recorded?
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
                if let recorded = parseRecord(value) { newest = recorded }
            case .partitionEOF(let at)?:
                open.remove(at.partition)
            case .error, nil:
                continue
            }
        }
        return newest
    }

    /// The `lsn` member of a record's value.
    static func parse(_ value: [UInt8]) -> LSN? { parseRecord(value)?.lsn }

    /// A record's value: the position, and the cluster and timeline when the record names them.
    static func parseRecord(_ value: [UInt8]) -> Recorded? {
        guard case .object(let members)? = try? AvroJSONValue(parsing: String(decoding: value, as: UTF8.self)),
              let text = members["lsn"]?.stringValue, let lsn = LSN(text) else { return nil }
        let timeline: UInt32?
        if case .integer(let number)? = members["timeline"] { timeline = UInt32(exactly: number) } else { timeline = nil }
        return Recorded(lsn: lsn, systemID: members["system"]?.stringValue, timeline: timeline)
    }
}
