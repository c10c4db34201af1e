import CRdKafka

/// A Kafka producer (`rd_kafka_t` of type producer) with per-message delivery reports and,
/// when `transactional.id` is set, transactions.
///
/// Every call may block (produce waits while librdkafka's queue is full; flush and the
/// transaction calls wait for the broker): keep them off Swift's cooperative pool. Delivery
/// reports are served by `poll`, `flush` and `produce` on the calling thread; use one producer
/// from one thread at a time.
public final class RDKafkaProducer {
    let handle: RDKafkaHandle
    /// The tracker used when `produce` is given none.
    public let deliveries = KafkaDeliveryTracker()
    /// Whether `transactional.id` was set.
    public let isTransactional: Bool
    private let transactionalID: String?

    /// Creates a producer from `config` (which it copies; `bootstrap.servers` at least).
    public init(config: RDKafkaConfig) throws {
        transactionalID = config.get("transactional.id")
        isTransactional = transactionalID != nil
        handle = try RDKafkaHandle(type: RD_KAFKA_PRODUCER, config: config) { conf in
            rd_kafka_conf_set_dr_msg_cb(conf, rdKafkaDeliveryReport)
        }
    }

    deinit {
        // Messages never flushed get a (purged) report now, which releases their trackers.
        rd_kafka_purge(handle.pointer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)
        rd_kafka_poll(handle.pointer, 0)
    }

    /// The bootstrap brokers, for messages.
    public var brokers: String { handle.brokers }

    /// The `bootstrap.servers` in use; with `test.mock.num.brokers` the address of the mock
    /// cluster this producer started (for consumers of the same cluster).
    public var bootstrapServers: String? { handle.bootstrapServers }

    /// Queues one message. `partition` -1 lets the partitioner choose (by key hash). A nil key
    /// or value is sent as NULL; empty arrays as empty. librdkafka copies the bytes. Waits (serving
    /// delivery reports) while the local queue is full; throws when librdkafka refuses it.
    public func produce(topic: String, partition: Int32 = -1, key: [UInt8]?, value: [UInt8]?,
                        headers: [KafkaHeader] = [], timestamp: Int64? = nil, tracker: KafkaDeliveryTracker? = nil) throws {
        try withOptionalBytes(key) { k in
            try withOptionalBytes(value) { v in
                try produce(topic: topic, partition: partition, keyBuffer: k, valueBuffer: v, headers: headers,
                            timestamp: timestamp, tracker: tracker)
            }
        }
    }

    /// `produce` for bytes the caller holds only for the duration of the call (nil: NULL).
    public func produce(topic: String, partition: Int32 = -1, keyBuffer key: UnsafeRawBufferPointer?, valueBuffer value: UnsafeRawBufferPointer?,
                        headers: [KafkaHeader] = [], timestamp: Int64? = nil, tracker: KafkaDeliveryTracker? = nil) throws {
        let tracker = tracker ?? deliveries
        // Header names (NUL-terminated) and values in one buffer; its first byte doubles as the
        // non-NULL pointer an empty (not NULL) key or value needs.
        var storage: [UInt8] = [0]
        var spans: [(name: Int, value: Int?, count: Int)] = []
        for header in headers {
            let name = storage.count
            storage.append(contentsOf: header.name.utf8)
            storage.append(0)
            if let v = header.value {
                spans.append((name, storage.count, v.count))
                storage.append(contentsOf: v)
            } else {
                spans.append((name, nil, 0))
            }
        }
        try storage.withUnsafeBytes { buffer in
            let base = buffer.baseAddress!
            try topic.withCString { topicName in
                var args: [rd_kafka_vu_t] = []
                args.reserveCapacity(8 + spans.count)
                var arg = rd_kafka_vu_t()
                arg.vtype = RD_KAFKA_VTYPE_TOPIC; arg.u.cstr = topicName; args.append(arg)
                arg = rd_kafka_vu_t(); arg.vtype = RD_KAFKA_VTYPE_PARTITION; arg.u.i32 = partition; args.append(arg)
                arg = rd_kafka_vu_t(); arg.vtype = RD_KAFKA_VTYPE_MSGFLAGS; arg.u.i = RD_KAFKA_MSG_F_COPY; args.append(arg)
                if let key {
                    arg = rd_kafka_vu_t(); arg.vtype = RD_KAFKA_VTYPE_KEY
                    arg.u.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress ?? base); arg.u.mem.size = key.count
                    args.append(arg)
                }
                if let value {
                    arg = rd_kafka_vu_t(); arg.vtype = RD_KAFKA_VTYPE_VALUE
                    arg.u.mem.ptr = UnsafeMutableRawPointer(mutating: value.baseAddress ?? base); arg.u.mem.size = value.count
                    args.append(arg)
                }
                for span in spans {
                    arg = rd_kafka_vu_t(); arg.vtype = RD_KAFKA_VTYPE_HEADER
                    arg.u.header.name = (base + span.name).assumingMemoryBound(to: CChar.self)
                    arg.u.header.val = span.value.map { base + $0 }
                    arg.u.header.size = span.count
                    args.append(arg)
                }
                if let timestamp {
                    arg = rd_kafka_vu_t(); arg.vtype = RD_KAFKA_VTYPE_TIMESTAMP; arg.u.i64 = timestamp; args.append(arg)
                }
                let token = Unmanaged.passRetained(tracker).toOpaque()
                arg = rd_kafka_vu_t(); arg.vtype = RD_KAFKA_VTYPE_OPAQUE; arg.u.ptr = token; args.append(arg)
                while true {
                    guard let error = rd_kafka_produceva(handle.pointer, args, args.count) else {
                        tracker.recordProduced()
                        break
                    }
                    if rd_kafka_error_code(error) == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                        // Back-pressure: serve delivery reports until there is room again.
                        rd_kafka_error_destroy(error)
                        handle.poll(timeout: 100)
                        continue
                    }
                    Unmanaged<KafkaDeliveryTracker>.fromOpaque(token).release()
                    let size = value?.count ?? 0
                    throw KafkaError.consuming(error, context: "cannot produce a message of \(size) bytes to topic \(topic)")
                }
            }
        }
        handle.poll(timeout: 0)
    }

    /// Serves delivery reports and errors for up to `timeout` ms; returns how many were served.
    @discardableResult
    public func poll(timeout: Int32 = 0) -> Int { Int(handle.poll(timeout: timeout)) }

    /// Waits up to `timeout` ms (-1: no limit) until every queued message has its delivery
    /// report; true when none is left.
    @discardableResult
    public func flush(timeout: Int32) -> Bool {
        rd_kafka_flush(handle.pointer, timeout) == RD_KAFKA_RESP_ERR_NO_ERROR
    }

    /// Messages and requests still queued or in flight.
    public var queueLength: Int { Int(rd_kafka_outq_len(handle.pointer)) }

    /// The producer's fatal error (idempotence or transaction state lost), if one was raised.
    public var fatalError: KafkaError? {
        var reason = [CChar](repeating: 0, count: 512)
        let err = rd_kafka_fatal_error(handle.pointer, &reason, reason.count)
        guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return KafkaError("fatal producer error", detail: String(errorBuffer: reason), code: err.rawValue)
    }

    // MARK: transactions

    /// Registers `transactional.id` with the cluster (fencing older producers with the same id).
    public func initTransactions(timeout: Int32) throws {
        if let error = rd_kafka_init_transactions(handle.pointer, timeout) {
            throw KafkaError.consuming(error, context: "cannot initialise transactions for \(transactionDescription) on \(brokers)")
        }
    }

    /// Starts a transaction; the messages produced until commit or abort belong to it.
    public func beginTransaction() throws {
        if let error = rd_kafka_begin_transaction(handle.pointer) {
            throw KafkaError.consuming(error, context: "cannot begin a transaction for \(transactionDescription)")
        }
    }

    /// Flushes and commits the current transaction. When it fails, call `abortTransaction`.
    public func commitTransaction(timeout: Int32) throws {
        if let error = rd_kafka_commit_transaction(handle.pointer, timeout) {
            throw KafkaError.consuming(error, context: "cannot commit the transaction of \(transactionDescription)")
        }
    }

    /// Aborts the current transaction: its messages are never visible to read_committed readers.
    public func abortTransaction(timeout: Int32) throws {
        if let error = rd_kafka_abort_transaction(handle.pointer, timeout) {
            throw KafkaError.consuming(error, context: "cannot abort the transaction of \(transactionDescription)")
        }
    }

    private var transactionDescription: String { "transactional.id \(transactionalID ?? "(none)")" }

    // MARK: cluster queries

    /// Waits until a broker answers or `timeout` ms pass (then throws "cannot reach …"). A
    /// producer otherwise queues messages for `message.timeout.ms` (5 minutes) before failing them.
    public func waitForBroker(timeout: Int32) throws {
        try handle.waitForBroker(timeout: timeout)
    }

    /// The cluster's brokers and topics (all, or only `topic`).
    public func metadata(topic: String? = nil, timeout: Int32) throws -> KafkaClusterMetadata {
        try handle.metadata(topic: topic, timeout: timeout)
    }

    /// The low and high offsets of one partition.
    public func watermarks(topic: String, partition: Int32, timeout: Int32) throws -> KafkaWatermarks {
        try handle.watermarks(topic: topic, partition: partition, timeout: timeout)
    }

    /// Creates a topic through the Admin API; returns false when it already existed.
    @discardableResult
    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32, configs: [(String, String)] = [], timeout: Int32 = 30_000) throws -> Bool {
        try handle.createTopic(name, partitions: partitions, replicationFactor: replicationFactor, configs: configs, timeout: timeout)
    }
}

/// Calls `body` with the bytes of `bytes`, or nil.
func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) throws -> R) rethrows -> R {
    guard let bytes else { return try body(nil) }
    return try bytes.withUnsafeBytes { try body($0) }
}
