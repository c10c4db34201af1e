import CRdKafka

/// What `consume` reads and when it stops.
public struct KafkaConsumeOptions: Sendable {
    /// The topics read.
    public var topics: [String]
    /// Only this partition of each topic (nil: all partitions).
    public var partition: Int32?
    /// Where to start and stop (`-o`).
    public var offsets = KafkaOffsetSpec()
    /// kcat's `-e`: stop once every partition reached its end.
    public var exitAtEnd = false
    /// kcat's `-c`: stop after this many messages.
    public var limit: Int?
    /// How long (ms) to wait for metadata and offset lookups.
    public var metadataTimeout: Int32 = 5_000
    /// kcat's `-G`: join this consumer group and subscribe, instead of assigning partitions.
    public var group: String?

    /// The placeholder `group.id` of a consumer that only assigns partitions.
    public static let assignOnlyGroup = "cdcctl-assign-only"

    /// Options for `topics`, everything else at kcat's defaults.
    public init(topics: [String]) { self.topics = topics }

    /// The consumer properties these options need (set before the user's own `-X`): partition
    /// end events, and for a group the `auto.offset.reset` that `-o beginning|end` stands for.
    public func configuration() throws -> [(String, String)] {
        // librdkafka stops fetching for fetch.queue.backoff.ms (1 s by default) whenever
        // queued.min.messages wait locally; all partitions share cdcctl's one queue, so they all
        // stall together. A short backoff keeps the same memory bound without the stalls
        // (bench/kafka: 1M messages 4.7 s → 1.1 s).
        var properties = [("enable.partition.eof", "true"), ("fetch.queue.backoff.ms", "10")]
        if let group {
            // Offsets are stored once their messages are on stdout (KafkaConsumeSession), so
            // that a commit never passes a message that failed to decode or was not written.
            properties += [("group.id", group), ("enable.auto.offset.store", "false")]
            if offsets.stopTimestamp != nil { throw KafkaUsageError("-o e@TIMESTAMP cannot be used with a group (-G)") }
            if partition != nil { throw KafkaUsageError("-p cannot be used with a group (-G): the group assigns the partitions") }
            switch offsets.start {
            case nil, .stored?: break
            case .beginning?: properties.append(("auto.offset.reset", "earliest"))
            case .end?: properties.append(("auto.offset.reset", "latest"))
            case .absolute?, .fromEnd?, .timestamp?:
                throw KafkaUsageError("with a group (-G) reading starts at the committed offsets: -o accepts only beginning, end (for partitions without one) or stored")
            }
        } else {
            // librdkafka's consumer needs a group.id even to assign partitions; this one never
            // joins, commits or stores anything (-X group.id=… replaces it, e.g. for -o stored).
            properties.append(("group.id", KafkaConsumeOptions.assignOnlyGroup))
            properties.append(("enable.auto.commit", "false"))
            properties.append(("enable.auto.offset.store", "false"))
        }
        return properties
    }
}

/// Reads topics like `kcat -C` (explicit partitions and offsets) or `kcat -G` (a consumer group,
/// when the consumer has a `group.id`), rendering each message to an output.
public struct KafkaConsumeSession {
    private let consumer: RDKafkaConsumer
    private let options: KafkaConsumeOptions
    private let renderer: KafkaMessageRenderer
    private let notice: (String) -> Void

    /// Creates a session. `notice` gets kcat's informational lines ("% Reached end of topic …").
    public init(consumer: RDKafkaConsumer, options: KafkaConsumeOptions, renderer: KafkaMessageRenderer,
                notice: @escaping (String) -> Void) {
        self.consumer = consumer
        self.options = options
        self.renderer = renderer
        self.notice = notice
    }

    /// Consumes until the options say stop (or `shouldStop`); returns how many messages were written.
    public func run<Output: EventOutput>(into output: inout Output, shouldStop: () -> Bool) throws -> Int {
        let grouped = options.group != nil
        let partitions = try startingPartitions()
        if grouped {
            try consumer.subscribe(options.topics)
            notice("% Waiting for group rebalance")
        } else {
            try consumer.assign(partitions)
        }
        var written = 0
        var stopped = Set<PartitionID>()   // -C: partitions at their end (-e) or stop timestamp
        var atEnd = Set<PartitionID>()     // -G: assigned partitions at their end
        var batch = ByteWriter(capacity: 1 << 16)
        var batchEnds: [PartitionID: Int64] = [:]   // -G: per partition, the offset after the batch
        func flush() throws {
            if batch.count > 0 {
                try output.write(lines: batch)
                try output.flush()
                batch.reset()
            }
            if !batchEnds.isEmpty {
                consumer.storeOffsets(batchEnds.map { KafkaTopicPartition(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value) })
                batchEnds.removeAll(keepingCapacity: true)
            }
        }
        var running = options.limit.map { $0 > 0 } ?? true
        while running && !shouldStop() {
            guard let event = try consumer.poll(timeout: 100) else { try flush(); continue }
            switch event {
            case .message(let message):
                let id = PartitionID(message.topic, message.partition)
                if grouped {
                    atEnd.remove(id)
                } else if stopped.contains(id) {
                    continue
                }
                if let stop = options.offsets.stopTimestamp, let ts = message.timestamp, ts >= stop {
                    stopped.insert(id)
                    running = stopped.count < partitions.count
                    notice("% Reached stop timestamp for topic \(message.topic) [\(message.partition)] at offset \(message.offset)\(running ? "" : ": exiting")")
                    continue
                }
                do {
                    try renderer.render(message, into: &batch)
                } catch {
                    // What was rendered before is complete and correct; nothing after it is
                    // written, and with -G the group's offset stays at the failed message.
                    try flush()
                    throw error
                }
                if grouped { batchEnds[id] = message.offset + 1 }
                written += 1
                if let limit = options.limit, written >= limit { running = false }
                if batch.count >= 1 << 16 { try flush() }
            case .partitionEOF(let position):
                let id = PartitionID(position.topic, position.partition)
                if options.exitAtEnd {
                    if grouped {
                        atEnd.insert(id)
                        let assigned = try consumer.assignment().map { PartitionID($0.topic, $0.partition) }
                        running = assigned.isEmpty || !assigned.allSatisfy(atEnd.contains)
                    } else {
                        stopped.insert(id)
                        running = stopped.count < partitions.count
                    }
                }
                try flush()
                notice("% Reached end of topic \(position.topic) [\(position.partition)] at offset \(position.offset)\(running ? "" : ": exiting")")
            case .error(let error):
                // As kcat: a client that lost every broker gives up; other errors are retried.
                if error.code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN.rawValue { throw error }
                notice("% ERROR: \(error.message)")
            }
        }
        try flush()
        try consumer.close()
        return written
    }

    /// The partitions of every topic with their start offsets (checking that each topic exists,
    /// so a wrong name or an unreachable broker fails within the metadata timeout).
    private func startingPartitions() throws -> [KafkaTopicPartition] {
        var result: [KafkaTopicPartition] = []
        for topic in options.topics {
            let metadata = try consumer.metadata(topic: topic, timeout: options.metadataTimeout)
            guard let info = metadata.topic(topic) else {
                throw KafkaError("topic \(topic) does not exist on \(consumer.brokers)")
            }
            if let error = info.error {
                if error.isUnknownTopic { throw KafkaError("topic \(topic) does not exist on \(consumer.brokers)", detail: error.description) }
                throw KafkaError("topic \(topic) on \(consumer.brokers)", detail: error.description)
            }
            var ids = info.partitions.map(\.id).sorted()
            guard !ids.isEmpty else { throw KafkaError("topic \(topic) has no partitions") }
            if let wanted = options.partition {
                guard ids.contains(wanted) else {
                    throw KafkaError("topic \(topic) has partitions 0..\(ids.count - 1): partition \(wanted) does not exist")
                }
                ids = [wanted]
            }
            if options.group != nil { continue }
            let offsets = try startOffsets(topic: topic, partitions: ids)
            result += ids.map { KafkaTopicPartition(topic: topic, partition: $0, offset: offsets[$0] ?? KafkaOffset.beginning) }
        }
        return result
    }

    private func startOffsets(topic: String, partitions: [Int32]) throws -> [Int32: Int64] {
        switch options.offsets.start ?? .beginning {
        case .beginning: return Dictionary(uniqueKeysWithValues: partitions.map { ($0, KafkaOffset.beginning) })
        case .end: return Dictionary(uniqueKeysWithValues: partitions.map { ($0, KafkaOffset.end) })
        case .stored:
            guard let group = consumer.groupID, group != KafkaConsumeOptions.assignOnlyGroup else {
                throw KafkaUsageError("-o stored reads from a group's committed offsets: give the group with -G (or -X group.id=…)")
            }
            return Dictionary(uniqueKeysWithValues: partitions.map { ($0, KafkaOffset.stored) })
        case .absolute(let offset):
            // Past the end, Kafka answers OFFSET_OUT_OF_RANGE and librdkafka resets to the end
            // (auto.offset.reset=latest); some brokers (Tansu) just return nothing, so that the
            // end is never reached. Start such partitions at their end directly.
            var result: [Int32: Int64] = [:]
            for p in partitions {
                let marks = try consumer.watermarks(topic: topic, partition: p, timeout: options.metadataTimeout)
                result[p] = offset > marks.high ? marks.high : offset
            }
            return result
        case .fromEnd(let count):
            var result: [Int32: Int64] = [:]
            for p in partitions {
                let marks = try consumer.watermarks(topic: topic, partition: p, timeout: options.metadataTimeout)
                result[p] = max(marks.low, marks.high - count)
            }
            return result
        case .timestamp(let ts):
            return try consumer.offsetsForTimes(topic: topic, partitions: partitions, timestamp: ts, timeout: options.metadataTimeout)
        }
    }
}

/// A topic and partition, as a set member.
private struct PartitionID: Hashable {
    let topic: String
    let partition: Int32
    init(_ topic: String, _ partition: Int32) {
        self.topic = topic
        self.partition = partition
    }
}
