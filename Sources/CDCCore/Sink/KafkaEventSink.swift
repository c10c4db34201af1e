import Glibc

/// The sink for Kafka: one topic per table, key = primary key, value = the envelope (Avro in
/// Confluent's wire format, or Debezium JSON), a tombstone after each delete, the LSN and
/// transaction id as headers.
///
/// Delivery is asynchronous: each transaction handed over gets its own delivery tracker, and
/// `durable` reports the end of the longest run of transactions, in commit order, whose every
/// message the broker acknowledged — the only position the stream acknowledges. A message that
/// fails for good stops the sink with an error naming its topic; nothing after the last fully
/// delivered transaction is ever reported durable.
public final class KafkaEventSink: ChangeEventSink {
    private struct TopicState {
        let topic: String
        var avro: AvroTableEncoder?
    }

    private struct PendingTransaction {
        let end: LSN?
        let tracker: KafkaDeliveryTracker
    }

    private let producer: RDKafkaProducer
    private let registry: SchemaRegistryClient?
    private let options: KafkaSinkOptions
    private let log: (String) -> Void
    private let clock: () -> Int64

    private var tables = TableStateCache<TopicState>()
    private var json = JSONEventRenderer()
    private var value = ByteWriter(capacity: 1024)
    private var existingTopics = Set<String>()
    private var messageSchemaIDs: (key: Int32, value: Int32)?
    private var messageEncoder: AvroEventEncoder?

    private var current = KafkaDeliveryTracker()
    private var pending: [PendingTransaction] = []
    private var pendingHead = 0
    private var lastDurable: LSN?
    private var headers: [KafkaHeader] = []
    private var transactionID: Int64?
    private var waitingSince: Double?
    private var lastWaitNotice = 0.0

    // --exactly-once
    private var committed: LSN?
    private var inKafkaTransaction = false
    private var skipping = false
    private var standaloneMessage = false
    private var skippedAny = false

    // --transaction-topic
    private var metadata = TransactionMetadata()
    private var metadataSchemaIDs: (key: Int32, value: Int32)?

    /// Creates a sink producing with `producer`; `registry` is required for the Avro format.
    /// With `options.exactlyOnce`, the producer must be transactional and `positionReader` is
    /// the configuration for reading the committed position back. `log` receives one-line
    /// notices (topics created, waiting for the broker, transactions skipped).
    public init(producer: RDKafkaProducer, registry: SchemaRegistryClient?, options: KafkaSinkOptions, positionReader: RDKafkaConfig? = nil,
                clock: @escaping () -> Int64 = Clock.realtimeNanos, log: @escaping (String) -> Void = { _ in }) throws {
        if options.format == .avro && registry == nil {
            throw KafkaError("--format avro needs a schema registry: pass --registry URL or set CDCCTL_REGISTRY_URL")
        }
        self.producer = producer
        self.registry = registry
        self.options = options
        self.clock = clock
        self.log = log
        json = JSONEventRenderer(clock: clock)
        if let exactlyOnce = options.exactlyOnce {
            guard producer.isTransactional, let positionReader else {
                throw KafkaError("--exactly-once needs a transactional producer (transactional.id)")
            }
            try ensureTopic(exactlyOnce.offsetsTopic, configs: KafkaCommittedPosition.topicConfigs)
            try producer.initTransactions(timeout: 60_000)
            committed = try KafkaCommittedPosition.read(config: positionReader, topic: exactlyOnce.offsetsTopic, slot: exactlyOnce.slot, timeout: 60_000)
            if let committed { log("committed to Kafka up to \(committed) (from \(exactlyOnce.offsetsTopic))") }
        }
    }

    /// The producer settings the sink relies on (`-X` may still override them): idempotence, so
    /// retries neither duplicate nor reorder; no delivery deadline, so a broker outage pauses the
    /// stream instead of failing it.
    public static let producerDefaults: [(String, String)] = [
        ("enable.idempotence", "true"),
        ("message.timeout.ms", "0"),
    ]

    /// Messages handed to the producer so far.
    public private(set) var produced = 0

    // MARK: ChangeEventSink

    public func beginTransaction(id: Int64?, finalLSN: LSN, commitMicros: Int64) throws {
        transactionID = id
        if options.exactlyOnce != nil {
            // A transaction committing before the recorded position was committed to Kafka by an
            // earlier run (the slot had not been told yet): skip it.
            if let committed, finalLSN < committed {
                skip()
                return
            }
            try openKafkaTransaction()
        }
        if let topic = options.transactionTopic {
            metadata.begin(txId: id, finalLSN: finalLSN, commitMicros: commitMicros)
            try produceMetadata(topic: topic, end: false)
        }
    }

    public func change(_ op: Operation, table: EventTable, before: RowSource?, after: RowSource?, position: SourcePosition) throws {
        if skipping { return }
        if options.exactlyOnce != nil {
            if transactionID == nil && current.produced >= options.snapshotTransactionSize { try endTransaction(at: nil) }
            try openKafkaTransaction()
        }
        let i = try stateIndex(table)
        let topic = tables.states[i].topic
        let keyRow = op == .delete ? before : after
        setHeaders(position)
        var position = position
        if options.transactionTopic != nil && transactionID != nil { position.transaction = metadata.next(table.name) }
        let now = clock()
        if tables.states[i].avro != nil {
            let record = try tables.states[i].avro!.record(op: op, key: op == .truncate ? nil : keyRow, before: before, after: after, position: position, nowNanos: now)
            try produce(topic: topic, key: record.key, value: record.value)
            if op == .delete && options.tombstones, let key = record.key { try produce(topic: topic, key: key, value: nil) }
        } else {
            value.reset()
            try json.writeEvent(op, table: table, before: before, after: after, position: position, into: &value)
            let key = op == .truncate ? nil : try keyRow.flatMap { try json.key(table: table, row: $0) }
            try withOptionalBytes(key) { key in
                try value.bytes.withUnsafeBytes { event in
                    // The line's newline is NDJSON framing, not part of the record.
                    let body = UnsafeRawBufferPointer(rebasing: event.dropLast())
                    try produce(topic: topic, key: key, value: body)
                    if op == .delete && options.tombstones, let key { try produce(topic: topic, key: key, value: nil) }
                }
            }
        }
    }

    public func message(prefix: String, content: [UInt8], origin: EventTable, position: SourcePosition) throws {
        if skipping { return }
        if options.exactlyOnce != nil && !inKafkaTransaction {
            // A message outside any transaction is a transaction of its own.
            if let committed, let lsn = position.lsn, lsn < committed {
                skip()
                return
            }
            standaloneMessage = true
            try openKafkaTransaction()
        }
        let topic = options.messageTopic(prefix: origin.prefix)
        try ensureTopic(topic)
        setHeaders(position)
        switch options.format {
        case .avro:
            let ids = try messageSchemas(topic: topic)
            if messageEncoder?.prefix != origin.prefix || messageEncoder?.database != origin.database {
                messageEncoder = AvroEventEncoder(prefix: origin.prefix, database: origin.database, table: origin.name, columns: [])
            }
            let encoder = messageEncoder!
            var key = ByteWriter(capacity: 64)
            ConfluentWireFormat.writeHeader(schemaID: ids.key, into: &key)
            key.write(encoder.encodeMessageKey(prefix: prefix))
            var record = ByteWriter(capacity: 256 + content.count)
            ConfluentWireFormat.writeHeader(schemaID: ids.value, into: &record)
            record.write(encoder.encodeMessageValue(prefix: prefix, content: content, position: position, nowNanos: clock()))
            try produce(topic: topic, key: key.bytes, value: record.bytes)
        case .json:
            value.reset()
            json.writeMessage(prefix: prefix, content: content, origin: origin, position: position, into: &value)
            var key = ByteWriter(capacity: 64)
            key.write(#"{"prefix":"#)
            JSONText.writeString(prefix, into: &key)
            key.write(UInt8(ascii: "}"))
            try key.bytes.withUnsafeBytes { k in
                try value.bytes.withUnsafeBytes { v in try produce(topic: topic, key: k, value: UnsafeRawBufferPointer(rebasing: v.dropLast())) }
            }
        }
    }

    public func endTransaction(at lsn: LSN?) throws {
        if skipping {
            transactionID = nil
            skipping = false
            pending.append(PendingTransaction(end: lsn, tracker: KafkaDeliveryTracker()))
            return
        }
        if let topic = options.transactionTopic, transactionID != nil {
            transactionID = nil
            try produceMetadata(topic: topic, end: true)
        }
        if let exactlyOnce = options.exactlyOnce, inKafkaTransaction {
            if let lsn {
                // A standalone message's LSN is its start: resume after it.
                let resume = standaloneMessage ? LSN(lsn.value + 1) : lsn
                let record = KafkaCommittedPosition.record(slot: exactlyOnce.slot, resumeAt: resume)
                try produce(topic: exactlyOnce.offsetsTopic, key: record.key, value: record.value)
            }
            try commitKafkaTransaction(lsn)
        }
        transactionID = nil
        standaloneMessage = false
        pending.append(PendingTransaction(end: lsn, tracker: current))
        current = KafkaDeliveryTracker()
    }

    public func abandonTransaction() throws {
        transactionID = nil
        skipping = false
        standaloneMessage = false
        if inKafkaTransaction {
            inKafkaTransaction = false
            current = KafkaDeliveryTracker()
            try producer.abortTransaction(timeout: -1)
        } else if current.produced > 0 {
            // At-least-once: what was produced stays; the resent transaction may duplicate it.
            pending.append(PendingTransaction(end: nil, tracker: current))
            current = KafkaDeliveryTracker()
        }
    }

    public func durable(wait: Double) throws -> LSN? {
        let outstanding = pendingHead < pending.count
        producer.poll(timeout: outstanding && wait > 0 ? Int32(wait * 1000) : 0)
        let headBefore = pendingHead
        while pendingHead < pending.count {
            let head = pending[pendingHead]
            if head.tracker.failed > 0 { throw deliveryFailure(head.tracker) }
            guard head.tracker.pending == 0 else { break }
            if let end = head.end, end > lastDurable ?? .zero { lastDurable = end }
            pendingHead += 1
        }
        // Only a stall is worth a notice: any delivered transaction restarts the clock.
        if pendingHead != headBefore { waitingSince = nil }
        if pendingHead == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingHead = 0
            waitingSince = nil
        } else {
            // A stream that is never idle never empties the list: drop the delivered front.
            if pendingHead >= 4096 {
                pending.removeFirst(pendingHead)
                pendingHead = 0
            }
            noteWaiting()
        }
        if let fatal = producer.fatalError { throw fatal }
        return lastDurable
    }

    public var isBackedUp: Bool { producer.queueLength >= options.maxQueuedMessages }

    @discardableResult
    public func drain(timeout: Double?) throws -> Bool {
        if current.produced > 0 || inKafkaTransaction { try endTransaction(at: nil) }
        let deadline = timeout.map { Clock.monotonicSeconds() + $0 }
        while true {
            _ = try durable(wait: 0.2)
            if pendingHead >= pending.count { return true }
            if let deadline, Clock.monotonicSeconds() >= deadline { return false }
            if StopSignal.count >= 2 {
                let waiting = pending[pendingHead...].reduce(0) { $0 + $1.tracker.pending }
                throw KafkaError("stopped with \(waiting) messages not yet acknowledged by \(producer.brokers); the slot stays at \(lastDurable.map { "\($0)" } ?? "its last position")")
            }
        }
    }

    // MARK: transaction metadata

    private func produceMetadata(topic: String, end: Bool) throws {
        try ensureTopic(topic)
        headers.removeAll(keepingCapacity: true)
        switch options.format {
        case .json:
            try produce(topic: topic, key: metadata.jsonKey(), value: metadata.jsonValue(end: end))
        case .avro:
            if metadataSchemaIDs == nil {
                metadataSchemaIDs = try registerPair(topic: topic, key: TransactionMetadata.keySchema, value: TransactionMetadata.valueSchema)
            }
            let ids = metadataSchemaIDs!
            var key = ByteWriter(capacity: 64)
            ConfluentWireFormat.writeHeader(schemaID: ids.key, into: &key)
            key.write(metadata.avroKey())
            var value = ByteWriter(capacity: 256)
            ConfluentWireFormat.writeHeader(schemaID: ids.value, into: &value)
            value.write(metadata.avroValue(end: end))
            try produce(topic: topic, key: key.bytes, value: value.bytes)
        }
    }

    // MARK: transactions (--exactly-once)

    private func openKafkaTransaction() throws {
        guard !inKafkaTransaction else { return }
        try producer.beginTransaction()
        inKafkaTransaction = true
    }

    /// Commits, retrying while librdkafka says a retry may succeed (a broker outage).
    private func commitKafkaTransaction(_ lsn: LSN?) throws {
        var attempt = 0
        while true {
            do {
                try producer.commitTransaction(timeout: -1)
                inKafkaTransaction = false
                return
            } catch let error as KafkaError where error.isRetriable && StopSignal.count < 2 {
                attempt += 1
                if attempt == 1 || attempt % 10 == 0 { log("\(error.message); retrying") }
                usleep(UInt32(min(Double(attempt) * 0.5, 5) * 1_000_000))
            } catch let error as KafkaError {
                try? producer.abortTransaction(timeout: -1)
                inKafkaTransaction = false
                throw KafkaError("the Kafka transaction ending at \(lsn.map { "\($0)" } ?? "the snapshot's end") was aborted: \(error.message); a restart resumes from \(committedDescription)")
            }
        }
    }

    private var committedDescription: String {
        (lastDurable ?? committed).map { "\($0)" } ?? "the slot's position"
    }

    private func skip() {
        skipping = true
        if !skippedAny, let committed {
            skippedAny = true
            log("skipping transactions before \(committed): already committed to Kafka")
        }
    }

    // MARK: producing

    private func produce(topic: String, key: [UInt8]?, value: [UInt8]?) throws {
        try withOptionalBytes(key) { k in try withOptionalBytes(value) { v in try produce(topic: topic, key: k, value: v) } }
    }

    private func produce(topic: String, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?) throws {
        do {
            try producer.produce(topic: topic, keyBuffer: key, valueBuffer: value, headers: headers, tracker: current)
        } catch let error as KafkaError {
            throw KafkaError("\(error.message); the slot stays at \(lastDurable.map { "\($0)" } ?? "its last acknowledged position")", code: error.code)
        }
        produced += 1
    }

    private func setHeaders(_ position: SourcePosition) {
        headers.removeAll(keepingCapacity: true)
        if let lsn = position.lsn { headers.append(KafkaHeader(name: "cdcctl.lsn", value: Array("\(lsn)".utf8))) }
        if let txId = position.txId { headers.append(KafkaHeader(name: "cdcctl.txId", value: Array(String(txId).utf8))) }
    }

    private func deliveryFailure(_ tracker: KafkaDeliveryTracker) -> KafkaError {
        let topic = tracker.firstFailedTopic ?? "?"
        let reason = tracker.firstError?.message ?? "no reason given"
        return KafkaError("a message to topic \(topic) was not delivered: \(reason); the stream stops with the slot at \(lastDurable.map { "\($0)" } ?? "its last acknowledged position")",
                          code: tracker.firstError?.code)
    }

    private func noteWaiting() {
        let now = Clock.monotonicSeconds()
        guard let since = waitingSince else { waitingSince = now; return }
        if now - since >= 10 && now - lastWaitNotice >= 10 {
            lastWaitNotice = now
            let waiting = pending[pendingHead...].reduce(0) { $0 + $1.tracker.pending }
            log("waiting for \(producer.brokers): \(waiting) messages not yet acknowledged for \(Int(now - since)) s")
        }
    }

    // MARK: topics and schemas

    private func stateIndex(_ table: EventTable) throws -> Int {
        // A new shape (ALTER TABLE) gets its schemas registered here, before its first event.
        try tables.index(of: table, make: makeState)
    }

    private func makeState(_ table: EventTable) throws -> TopicState {
        let topic = options.topic(prefix: table.prefix, table: table.name)
        try ensureTopic(topic)
        var avro: AvroTableEncoder?
        if options.format == .avro, let registry {
            avro = try AvroTableEncoder(prefix: table.prefix, database: table.database, table: table.name, columns: table.columns,
                                        registry: registry, topic: topic, subjects: options.subjectStrategy)
        }
        return TopicState(topic: topic, avro: avro)
    }

    private func ensureTopic(_ topic: String, configs: [(String, String)] = []) throws {
        guard options.createTopics, !existingTopics.contains(topic) else { return }
        if try producer.createTopic(topic, partitions: options.partitions, replicationFactor: options.replicationFactor, configs: configs) {
            log("created topic \(topic)")
        }
        existingTopics.insert(topic)
    }

    private func messageSchemas(topic: String) throws -> (key: Int32, value: Int32) {
        if let ids = messageSchemaIDs { return ids }
        let ids = try registerPair(topic: topic, key: DebeziumAvroSchema.messageKey, value: DebeziumAvroSchema.messageValue)
        messageSchemaIDs = ids
        return ids
    }

    private func registerPair(topic: String, key: OrderedJSON, value: OrderedJSON) throws -> (key: Int32, value: Int32) {
        let strategy = options.subjectStrategy
        return (try registry!.register(subject: strategy.subject(topic: topic, isKey: true, schema: key), schema: key.text),
                try registry!.register(subject: strategy.subject(topic: topic, isKey: false, schema: value), schema: value.text))
    }
}
