/// The sink for Kafka: one topic per table, key = primary key, value = the envelope (Avro in
/// Confluent's wire format, or Debezium JSON), a tombstone after each delete, the LSN and
/// transaction id as headers.
///
/// Delivery is asynchronous: each transaction handed over gets its own delivery tracker, and
/// `durable` reports the end of the longest run of transactions, in commit order, whose every
/// message the broker acknowledged — the only position the stream acknowledges. A message that
/// fails for good stops the sink with an error naming its topic; nothing after the last fully
/// delivered transaction is ever reported durable.
///
/// A coordinator of three parts and the producer: `KafkaRecordEncoder` makes the records,
/// `DeliveryLedger` tracks their delivery, `ExactlyOnceCoordinator` (with exactly-once delivery)
/// wraps each transaction in a Kafka transaction.
public final class KafkaEventSink: ChangeEventSink {
    private let producer: RDKafkaProducer
    private let options: KafkaSinkOptions
    private let stop: StopToken
    private let log: (String) -> Void

    private var encoder: KafkaRecordEncoder
    private var outbox: OutboxRecordEncoder?
    private var ledger = DeliveryLedger()
    private let exactlyOnce: ExactlyOnceCoordinator?
    private var headers: [KafkaHeader] = []

    /// Creates a sink producing with `producer`; `registry` is required for the Avro format.
    /// With `options.exactlyOnce`, the producer must be transactional and `positionReader` is
    /// the configuration for reading the committed position back. `log` receives one-line
    /// notices (topics created, waiting for the broker, transactions skipped). A second request
    /// on `stop` gives up waiting for deliveries. Throws `KafkaSinkError` when a part is missing.
    public init(producer: RDKafkaProducer, registry: SchemaRegistryClient?, options: KafkaSinkOptions, positionReader: RDKafkaConfig? = nil,
                stop: StopToken, clock: @escaping () -> Int64 = Clock.realtimeNanos, log: @escaping (String) -> Void = { _ in }) throws {
        let topics = KafkaTopicCreator(producer: producer, options: options, log: log)
        encoder = try KafkaRecordEncoder(options: options, registry: registry, topics: topics, clock: clock)
        outbox = try options.outbox.map {
            try OutboxRecordEncoder(router: try OutboxRouter(settings: $0, warn: log), format: options.format, registry: registry,
                                    topics: topics, subjects: options.subjectStrategy)
        }
        self.producer = producer
        self.options = options
        self.stop = stop
        self.log = log
        ledger.isSnapshot = options.isSnapshot
        exactlyOnce = try options.exactlyOnce.map {
            try ExactlyOnceCoordinator(producer: producer, settings: $0, positionReader: positionReader, topics: topics, stop: stop, log: log)
        }
    }

    /// The producer settings the sink relies on (the user's properties may still override them):
    /// idempotence, so retries neither duplicate nor reorder; no delivery deadline, so a broker
    /// outage pauses the stream instead of failing it.
    public static let producerDefaults: [(String, String)] = [
        ("enable.idempotence", "true"),
        ("message.timeout.ms", "0"),
    ]

    /// Messages handed to the producer so far.
    public private(set) var produced = 0

    // MARK: ChangeEventSink

    public func attach(origin: ReplicationOrigin) throws {
        try exactlyOnce?.attach(origin: origin)
    }

    public func beginTransaction(id: Int64?, finalLSN: LSN, commitMicros: Int64) throws {
        try settleCommit()
        // A transaction committing before the recorded position was committed to Kafka by an
        // earlier run (the slot had not been told yet): skip it.
        if let exactlyOnce, try !exactlyOnce.beginTransaction(finalLSN: finalLSN) { return }
        try encoder.beginTransaction(id: id, finalLSN: finalLSN, commitMicros: commitMicros, emit: { try self.produceWithoutHeaders($0, $1, $2) })
    }

    public func change(_ op: Operation, table: EventTable, before: RowSource?, after: RowSource?, position: SourcePosition) throws {
        if let exactlyOnce {
            try settleCommit()
            if exactlyOnce.isSkipping { return }
            // A snapshot is committed in chunks.
            if !encoder.isInTransaction && ledger.current.produced >= options.snapshotTransactionSize {
                try endTransaction(at: nil)
                try settleCommit()
            }
            try exactlyOnce.open()
        }
        if outbox != nil, outbox!.isOutbox(table) {
            // In the same Kafka transaction as the PostgreSQL transaction's other events.
            try outbox!.change(op, table: table, after: after) { topic, key, value, headers in
                self.headers = headers
                try self.produce(topic, key, value)
            }
            if outbox!.only { return }
        }
        setHeaders(position)
        try encoder.change(op, table: table, before: before, after: after, position: position, emit: { try self.produce($0, $1, $2) })
    }

    public func message(prefix: String, content: [UInt8], origin: EventTable, position: SourcePosition) throws {
        if let exactlyOnce {
            try settleCommit()
            if exactlyOnce.isSkipping { return }
            // A message outside any transaction is a transaction of its own.
            if !exactlyOnce.isOpen, try !exactlyOnce.beginStandaloneMessage(lsn: position.lsn) { return }
        }
        setHeaders(position)
        try encoder.message(prefix: prefix, content: content, origin: origin, position: position, emit: { try self.produce($0, $1, $2) })
    }

    public func endTransaction(at lsn: LSN?) throws {
        if let exactlyOnce, exactlyOnce.isSkipping {
            encoder.forgetTransaction()
            exactlyOnce.endSkipped()
            ledger.closeEmpty(at: lsn)
            return
        }
        try settleCommit()
        try encoder.endTransaction(emit: { try self.produceWithoutHeaders($0, $1, $2) })
        guard let exactlyOnce else {
            ledger.close(at: lsn)
            return
        }
        // The committed-position record goes with the headers in place: those of the last event,
        // none after an END record.
        let wasOpen = exactlyOnce.isOpen
        let committed = try exactlyOnce.endTransaction(at: lsn, durable: ledger.durable) { topic, key, value in
            try key.withUnsafeBytes { k in try value.withUnsafeBytes { v in try produce(topic, k, v) } }
        }
        // Not durable before its Kafka transaction is committed: a commit that waits for the
        // broker keeps it back (and the sink backed up) until `durable` sees it committed.
        ledger.close(at: lsn, awaitingCommit: wasOpen && !committed)
    }

    public func abandonTransaction() throws {
        // A transaction handed over completely is committed, not abandoned.
        try settleCommit()
        encoder.forgetTransaction()
        if exactlyOnce?.isOpen == true {
            ledger.discardCurrent()
        } else if ledger.current.produced > 0 {
            // At-least-once: what was produced stays; the resent transaction may duplicate it.
            ledger.close(at: nil)
        }
        try exactlyOnce?.abandon()
    }

    public func durable(wait: Double) throws -> LSN? {
        if let exactlyOnce, exactlyOnce.commitPending {
            // The commit's attempt is the wait (it serves the delivery reports as it flushes).
            let pendingDescription = exactlyOnce.pendingDescription
            let committed: Bool
            do {
                committed = try exactlyOnce.retryCommit(timeout: wait)
            } catch {
                ledger.dropAwaitingCommit()
                throw error
            }
            if committed { ledger.commitConfirmed() }
            producer.poll(timeout: 0)
            try advanceLedger(notice: committed ? nil : pendingDescription)
        } else {
            producer.poll(timeout: ledger.hasOutstanding && wait > 0 ? Int32(wait * 1000) : 0)
            try advanceLedger(notice: nil)
        }
        if let fatal = producer.fatalError { throw fatal }
        return ledger.durable
    }

    /// Moves the durable position on, and says every 10 s what waits for the broker (the
    /// messages, and `uncommitted`, a Kafka transaction whose commit is pending).
    private func advanceLedger(notice uncommitted: String?) throws {
        try ledger.advance()
        if ledger.hasOutstanding, let notice = ledger.stallNotice(now: Clock.monotonicSeconds()) {
            let commit = uncommitted.map { ", \($0) not yet committed" } ?? ""
            log("waiting for \(producer.brokers): \(notice.waiting) messages not yet acknowledged\(commit) for \(Int(notice.seconds)) s")
        }
    }

    /// Waits until a pending commit is confirmed (before anything else is handed over), saying
    /// every 10 s what waits. A second stop request makes the commit fail (aborted, thrown).
    private func settleCommit() throws {
        while exactlyOnce?.commitPending == true {
            _ = try durable(wait: 0.2)
        }
    }

    /// Backed up while the producer's queue is full, or while a Kafka transaction's commit waits
    /// for the broker: the reader then only serves `durable` and keeps the connection alive.
    public var isBackedUp: Bool { producer.queueLength >= options.maxQueuedMessages || exactlyOnce?.commitPending == true }

    /// The producer's queue: messages not yet acknowledged by the broker.
    public var queuedMessages: Int { producer.queueLength }

    @discardableResult
    public func drain(timeout: Double?) throws -> Bool {
        // (A pending commit's transaction is closed already: `durable` below retries it.)
        if ledger.current.produced > 0 || exactlyOnce?.isOpen == true { try endTransaction(at: nil) }
        let deadline = timeout.map { Clock.monotonicSeconds() + $0 }
        while true {
            _ = try durable(wait: 0.2)
            if !ledger.hasOutstanding { return true }
            if let deadline, Clock.monotonicSeconds() >= deadline { return false }
            if stop.count >= 2 {
                throw KafkaError("stopped with \(ledger.waitingMessages) messages not yet acknowledged by \(producer.brokers); \(ledger.consequence(stream: "the slot stays at"))")
            }
        }
    }

    // MARK: producing

    /// Produces one record with the current headers, counted in the open transaction's tracker.
    private func produce(_ topic: String, _ key: UnsafeRawBufferPointer?, _ value: UnsafeRawBufferPointer?) throws {
        do {
            try producer.produce(topic: topic, keyBuffer: key, valueBuffer: value, headers: headers, tracker: ledger.current)
        } catch let error as KafkaError {
            throw KafkaError("\(error.message); \(ledger.consequence(stream: "the slot stays at"))", code: error.code)
        }
        produced += 1
    }

    /// Produces a transaction metadata record, which carries no headers.
    private func produceWithoutHeaders(_ topic: String, _ key: UnsafeRawBufferPointer?, _ value: UnsafeRawBufferPointer?) throws {
        headers.removeAll(keepingCapacity: true)
        try produce(topic, key, value)
    }

    private func setHeaders(_ position: SourcePosition) {
        headers.removeAll(keepingCapacity: true)
        if let lsn = position.lsn { headers.append(KafkaHeader(name: "cdcctl.lsn", value: Array("\(lsn)".utf8))) }
        if let txId = position.txId { headers.append(KafkaHeader(name: "cdcctl.txId", value: Array(String(txId).utf8))) }
    }
}

extension KafkaEventSink {
    /// Builds the sink `settings` describe: a producer with `producerDefaults` (and the
    /// transactional id for exactly-once delivery) under the user's properties, a registry client
    /// for the Avro format, and for exactly-once a configuration that reads the committed
    /// position back. Throws `KafkaSinkError` when a part is missing.
    public static func make(settings: KafkaSinkSettings, stop: StopToken, log: @escaping (String) -> Void) throws -> KafkaEventSink {
        let options = settings.options
        var defaults = producerDefaults
        if options.exactlyOnce != nil, let id = settings.transactionalID { defaults.append(("transactional.id", id)) }
        let config = try settings.connection.makeConfig(defaults: defaults)
        let registry = options.format == .avro ? try settings.registryURL.map { try SchemaRegistryClient(url: $0) } : nil
        return try KafkaEventSink(producer: try RDKafkaProducer(config: config), registry: registry, options: options,
                                  positionReader: options.exactlyOnce != nil ? try settings.connection.makeConfig() : nil, stop: stop, log: log)
    }
}
