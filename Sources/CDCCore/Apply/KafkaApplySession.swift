/// `apply` from Kafka: a member of a consumer group (so several `apply` processes share the
/// partitions) whose reading positions come from the target's `cdcctl_apply_offsets`, not
/// from the group: a partition seen for the first time since its assignment starts right after
/// the offset stored there (at its beginning when there is none). The group's committed offsets are only advanced after the target
/// committed, as a convenience for tools that show lag.
public struct KafkaApplySession {
    private let consumer: RDKafkaConsumer
    private let topics: [String]
    private let applier: PostgresApplier
    private let decoder: ApplyRecordDecoder
    private let payloads: PayloadDecoder
    private let batching: ApplyBatching
    private let exitAtEnd: Bool
    /// nil: no group; every partition of the topics is assigned to this process.
    private let group: String?
    private let stop: StopToken
    private let notice: (String) -> Void
    private let progress: ApplyProgress?
    /// The registry, for the column types of Avro values (`--create-tables`, `--evolve`) and
    /// the column names Avro could not spell.
    private let registry: SchemaRegistryClient?
    private let schemaTypes = SchemaTypeCache()
    private var hasRegistry: Bool { !(payloads is PassthroughPayloadDecoder) }

    public init(consumer: RDKafkaConsumer, topics: [String], applier: PostgresApplier, decoder: ApplyRecordDecoder, payloads: PayloadDecoder,
                batching: ApplyBatching, exitAtEnd: Bool, group: String?, stop: StopToken, notice: @escaping (String) -> Void, progress: ApplyProgress?,
                registry: SchemaRegistryClient? = nil) {
        self.registry = registry
        self.consumer = consumer
        self.topics = topics
        self.applier = applier
        self.decoder = decoder
        self.payloads = payloads
        self.batching = batching
        self.exitAtEnd = exitAtEnd
        self.group = group
        self.stop = stop
        self.notice = notice
        self.progress = progress
    }

    /// A session reading `topics` from the cluster of `connection` (its `-X` properties after
    /// apply's own consumer settings); with `deadLetterTopic`, the records `--errors skip` skips
    /// are published there.
    public init(connection: KafkaConnectionSettings, topics: [String], deadLetterTopic: String?, applier: PostgresApplier, decoder: ApplyRecordDecoder,
                payloads: PayloadDecoder, batching: ApplyBatching, exitAtEnd: Bool, group: String?, stop: StopToken,
                notice: @escaping (String) -> Void, progress: ApplyProgress?, registry: SchemaRegistryClient?) throws {
        let consumer = try RDKafkaConsumer(config: try connection.makeConfig(defaults: Self.configuration(group: group)))
        if let deadLetterTopic {
            let deadLetters = try DeadLetterTopic(topic: deadLetterTopic, connection: connection)
            applier.deadLetter = { record, reason in try deadLetters.publish(record, reason: reason) }
        }
        self.init(consumer: consumer, topics: topics, applier: applier, decoder: decoder, payloads: payloads, batching: batching,
                  exitAtEnd: exitAtEnd, group: group, stop: stop, notice: notice, progress: progress, registry: registry)
    }

    /// The consumer properties `apply` needs (before the user's -X). Without a group, librdkafka
    /// still wants a `group.id`; nothing joins or commits under it.
    public static func configuration(group: String?) -> [(String, String)] {
        [("group.id", group ?? KafkaConsumeOptions.assignOnlyGroup), ("enable.auto.commit", "false"), ("enable.auto.offset.store", "false"),
         ("auto.offset.reset", "earliest"), ("enable.partition.eof", "true"), ("fetch.queue.backoff.ms", "10")]
    }

    /// Without a group: every partition of the topics (names, or `^regex` patterns matched
    /// against the cluster's topics), from the target's positions.
    private func assignAll(timeout: Int32) throws {
        var partitions: [KafkaTopicPartition] = []
        var all: KafkaClusterMetadata? = nil
        for topic in topics {
            var infos: [KafkaTopicMetadata] = []
            if topic.hasPrefix("^") {
                if all == nil { all = try consumer.metadata(timeout: timeout) }
                let pattern = try Regex(topic)
                infos = all!.topics.filter { (try? pattern.wholeMatch(in: $0.name)) != nil || (try? pattern.firstMatch(in: $0.name)) != nil }
            } else {
                let metadata = try consumer.metadata(topic: topic, timeout: timeout)
                guard let info = metadata.topic(topic), info.error == nil, !info.partitions.isEmpty else {
                    throw KafkaError("topic \(topic) does not exist on \(consumer.brokers)")
                }
                infos = [info]
            }
            for info in infos {
                for p in info.partitions.map(\.id).sorted() {
                    let stored = applier.storedOffset(topic: info.name, partition: p)
                    partitions.append(KafkaTopicPartition(topic: info.name, partition: p, offset: stored.map { $0 + 1 } ?? KafkaOffset.beginning))
                }
            }
        }
        try consumer.assign(partitions)
    }

    private struct Partition: Hashable {
        let topic: String
        let partition: Int32
    }

    /// Consumes and applies until a stop (or, with `exitAtEnd`, until every assigned partition
    /// is read to its end and applied).
    public func run() throws {
        if group == nil { try assignAll(timeout: 10_000) } else { try consumer.subscribe(topics) }
        let worker = ApplyWorker(applier: applier)
        var pending: [ApplyRecord] = []
        var firstPendingAt = 0.0
        var checked = Set<Partition>()          // positions read from the target since assignment
        // The target's offset of each checked partition when it was checked: a record at or
        // below it is applied already. (The applier's own positions move on the worker's thread.)
        var appliedThrough: [Partition: Int64] = [:]
        var atEnd = Set<Partition>()
        var assigned = Set<Partition>()
        var lastAssignmentCheck = 0.0
        // The group offsets to commit once the running batch is in the target.
        var runningCommits: [Partition: Int64] = [:]

        func refreshAssignment() throws {
            assigned = Set(try consumer.assignment().map { Partition(topic: $0.topic, partition: $0.partition) })
            checked.formIntersection(assigned)
            atEnd.formIntersection(assigned)
            lastAssignmentCheck = Clock.monotonicSeconds()
        }

        // Waits for the running batch; then its group offsets may be committed.
        func settle() throws {
            guard worker.isRunning else { return }
            do {
                try worker.wait()
            } catch let conflict as ApplyPositionConflict {
                notice("cdcctl: \(conflict.description); reading it again from the target's position")
                // Every partition is checked again against the target (and sought) at its next
                // record; what was read ahead of the target's position is read again.
                try applier.reloadPositions()
                pending.removeAll()
                checked.removeAll()
                appliedThrough.removeAll()
                runningCommits.removeAll()
                return
            }
            if group != nil, !runningCommits.isEmpty {
                consumer.commit(runningCommits.map { KafkaTopicPartition(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value) })
            }
            runningCommits.removeAll()
            progress?.update(applied: applier.appliedRecords, skipped: applier.skippedRecords)
        }

        // Hands the pending records to the worker once the batch before them is in the target.
        func flush() throws {
            try settle()
            guard !pending.isEmpty else { return }
            try refreshAssignment()
            // Records of partitions no longer ours go to their new owner, which reads the target's position.
            pending.removeAll { record in
                guard case .kafka(let t, let p, _) = record.position else { return true }
                return !assigned.contains(Partition(topic: t, partition: p))
            }
            guard !pending.isEmpty else { return }
            for record in pending {
                if case .kafka(let t, let p, let o) = record.position {
                    runningCommits[Partition(topic: t, partition: p)] = max(runningCommits[Partition(topic: t, partition: p)] ?? -1, o + 1)
                }
            }
            worker.start(taking: &pending)
        }

        // Everything read so far is in the target (or the run stops with why it is not).
        func drain() throws {
            try flush()
            try settle()
        }

        // (An error that ends the run leaves a running batch to the process's exit: its
        // transaction, positions included, commits whole or not at all.)
        while !stop.isRaised {
            let wait = pending.isEmpty ? 100 : Int32(max(0, min(100, (firstPendingAt + batching.lingerSeconds - Clock.monotonicSeconds()) * 1000)))
            let event = try consumer.poll(timeout: wait)
            if !pending.isEmpty, pending.count >= batching.size || Clock.monotonicSeconds() >= firstPendingAt + batching.lingerSeconds {
                try flush()
            } else if pending.isEmpty, worker.isRunning, event == nil {
                try settle()   // idle: commit the group offsets of the last batch now
            }
            guard let event else {
                if exitAtEnd, pending.isEmpty, !worker.isRunning {
                    if Clock.monotonicSeconds() - lastAssignmentCheck > 1 { try refreshAssignment() }
                    if !assigned.isEmpty, assigned.isSubset(of: atEnd) { return }
                }
                continue
            }
            switch event {
            case .partitionEOF(let tp):
                atEnd.insert(Partition(topic: tp.topic, partition: tp.partition))
                if exitAtEnd {
                    try drain()
                    try refreshAssignment()
                    if !assigned.isEmpty, assigned.isSubset(of: atEnd) { return }
                }
            case .error(let error):
                notice("cdcctl: \(error.description) (retrying)")
            case .message(let message):
                let id = Partition(topic: message.topic, partition: message.partition)
                atEnd.remove(id)
                if !checked.contains(id) {
                    try settle()
                    try applier.reloadPositions()
                    checked.insert(id)
                    // The target's position rules, not the group's: a partition the target has
                    // no position for is read from its beginning.
                    let stored = applier.storedOffset(topic: id.topic, partition: id.partition)
                    appliedThrough[id] = stored ?? -1
                    if message.offset > (stored ?? -1) + 1 {
                        let start = stored.map { $0 + 1 } ?? KafkaOffset.beginning
                        try consumer.seek([KafkaTopicPartition(topic: id.topic, partition: id.partition, offset: start)], timeout: 10_000)
                        continue
                    }
                }
                let position = ApplyPosition.kafka(topic: message.topic, partition: message.partition, offset: message.offset)
                let decoded: DecodedRecord?
                do {
                    let key = try message.key.flatMap { try json($0, field: .key, topic: message.topic) }
                    let value = try message.value.flatMap { $0.isEmpty ? nil : try json($0, field: .value, topic: message.topic) }
                    decoded = try decoder.decode(value: value, key: key, topic: message.topic)
                } catch {
                    try drain()
                    guard !applier.isApplied(ApplyRecord(change: ApplyChange(kind: .upsert, sourceTable: nil, topic: nil, row: []), position: position)) else { continue }
                    try applier.reject(position: position, message: "\(error)", rawKey: message.key, rawValue: message.value)
                    continue
                }
                guard var decoded else { continue }
                if let registry, let value = message.value, ConfluentWireFormat.looksFramed(value),
                   let id = try? ConfluentWireFormat.parse(value).schemaID {
                    if let described = schemaTypes.describe(id: id, registry: registry) {
                        decoded.change.columnTypes = described.types
                        if !described.renames.isEmpty {
                            decoded.change.row = decoded.change.row.map { (described.renames[$0.0] ?? $0.0, $0.1) }
                        }
                    }
                }
                let record = ApplyRecord(change: decoded.change, position: position, rawKey: message.key, rawValue: message.value)
                if message.offset <= appliedThrough[id] ?? -1 { continue }
                if pending.isEmpty { firstPendingAt = Clock.monotonicSeconds() }
                pending.append(record)
                if pending.count >= batching.size { try flush() }
            }
        }
        try drain()
    }

    /// A key or value as JSON: Avro through the registry (its natural JSON form), or JSON text.
    private func json(_ bytes: [UInt8], field: KafkaMessageField, topic: String) throws -> ApplyJSON? {
        let text: [UInt8]
        switch try payloads.decode(bytes, field: field, topic: topic) {
        case .json(let j): text = j
        case .bytes(let b):
            if ConfluentWireFormat.looksFramed(b), (try? b.withUnsafeBytes { try ApplyJSON.parse($0) }) == nil {
                throw ApplyInputError(hasRegistry
                    ? "the \(field == .key ? "key" : "value") is framed as Confluent Avro but is not Avro of a schema the registry knows"
                    : "the \(field == .key ? "key" : "value") is framed as Confluent Avro: pass --registry URL")
            }
            text = b
        }
        do {
            return try text.withUnsafeBytes { try ApplyJSON.parse($0) }
        } catch {
            // A key that is not JSON (a plain string key) carries no fields.
            if field == .key { return nil }
            throw error
        }
    }
}

/// Column types and field renames per Avro schema id, fetched once.
final class SchemaTypeCache {
    private var known: [Int32: (types: [String: String], renames: [String: String])] = [:]

    func describe(id: Int32, registry: SchemaRegistryClient) -> (types: [String: String], renames: [String: String])? {
        if let described = known[id] { return described }
        guard let text = try? registry.schema(id: id) else { return nil }
        let described = AvroColumnTypes.describe(schemaText: text)
        known[id] = described
        return described
    }
}
