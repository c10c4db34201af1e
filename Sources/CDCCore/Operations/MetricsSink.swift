/// A sink that counts what passes through it into `StreamMetrics` and hands everything on to
/// `base`: events by table and operation, transactions, snapshot rows, the Kafka queue, and the
/// commit-to-acknowledge latency of each streamed transaction (from its commit time on the
/// server to the `durable` call that first reports its end). Nothing is allocated per event.
struct MetricsSink<Base: ChangeEventSink>: ChangeEventSink {
    /// The sink that renders and delivers.
    var base: Base
    private let metrics: StreamMetrics
    /// The counters of the table of the previous event: consecutive events of a table (the
    /// common case) skip the lookup.
    private var last: StreamMetrics.TableCounters?
    /// The commit time of the transaction being handed over.
    private var commitMicros: Int64?
    /// Transactions handed over and not yet reported durable: (end LSN, commit time µs), oldest
    /// first from `head`.
    private var pending: [(end: UInt64, commitMicros: Int64)] = []
    private var head = 0
    private var snapshotTablesSeen = 0

    /// Wraps `base`, counting into `metrics`.
    init(base: Base, metrics: StreamMetrics) {
        self.base = base
        self.metrics = metrics
        pending.reserveCapacity(1024)
    }

    mutating func attach(origin: ReplicationOrigin) throws { try base.attach(origin: origin) }

    mutating func beginTransaction(id: Int64?, finalLSN: LSN, commitMicros: Int64) throws {
        try base.beginTransaction(id: id, finalLSN: finalLSN, commitMicros: commitMicros)
        self.commitMicros = commitMicros
    }

    mutating func change(_ op: Operation, table: EventTable, before: RowSource?, after: RowSource?, position: SourcePosition) throws {
        try base.change(op, table: table, before: before, after: after, position: position)
        let counters: StreamMetrics.TableCounters
        if let last, last.name == table.name {
            counters = last
        } else {
            counters = metrics.counters(for: table.name)
            last = counters
            if op == .read {
                // A snapshot reads its tables one after the other: a new table ends the previous one.
                if snapshotTablesSeen > 0 { metrics.snapshotTablesDone.set(Int64(snapshotTablesSeen)) }
                snapshotTablesSeen += 1
            }
        }
        counters.count(op)
        metrics.countEvent()
        if op == .read { metrics.snapshotRows.increment() }
    }

    mutating func message(prefix: String, content: [UInt8], origin: EventTable, position: SourcePosition) throws {
        try base.message(prefix: prefix, content: content, origin: origin, position: position)
        metrics.messages.increment()
    }

    mutating func endTransaction(at lsn: LSN?) throws {
        try base.endTransaction(at: lsn)
        guard let commitMicros else { return }
        self.commitMicros = nil
        metrics.transactions.increment()
        if let lsn {
            if head > 0 && head == pending.count { pending.removeAll(keepingCapacity: true); head = 0 }
            pending.append((lsn.value, commitMicros))
        }
    }

    mutating func abandonTransaction() throws {
        try base.abandonTransaction()
        commitMicros = nil
    }

    mutating func durable(wait: Double) throws -> LSN? {
        let lsn = try base.durable(wait: wait)
        metrics.queuedMessages.set(Int64(base.queuedMessages))
        if let lsn, head < pending.count, pending[head].end <= lsn.value {
            let now = Clock.realtimeNanos() / 1000
            while head < pending.count, pending[head].end <= lsn.value {
                metrics.commitToAcknowledge.record(Double(max(0, now - pending[head].commitMicros)) / 1_000_000)
                head += 1
            }
            // Keep the live part at the front once the acknowledged part dominates.
            if head == pending.count {
                pending.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 4096 && head * 2 >= pending.count {
                pending.removeSubrange(0..<head)
                head = 0
            }
        }
        return lsn
    }

    var isBackedUp: Bool { base.isBackedUp }

    var queuedMessages: Int { base.queuedMessages }

    @discardableResult
    mutating func drain(timeout: Double?) throws -> Bool { try base.drain(timeout: timeout) }
}
