/// The sink for stdout (or any `EventOutput`): one Debezium JSON event per line. A transaction's
/// events are durable once written to the output, so `endTransaction` is also its acknowledgement.
public struct NDJSONSink<Output: EventOutput>: ChangeEventSink {
    /// Where the lines go.
    public private(set) var output: Output
    private var events: JSONEventRenderer
    private var lines = ByteWriter(capacity: 1 << 18)
    private var written: LSN?
    /// Large transactions leave in chunks of this size, so memory does not grow with them.
    private let chunk = 1 << 18
    /// `--outbox`: the outbox table's rows as routed records (`OutboxLineRenderer`).
    var outbox: OutboxLineRenderer?

    /// Creates a sink writing to `output`; `clock` (nanoseconds since the epoch) sets `ts_ms`;
    /// `envelope` is the record each change becomes (a flat record's tombstone, which stdout
    /// cannot carry, writes nothing).
    public init(output: Output, clock: @escaping () -> Int64 = Clock.realtimeNanos, envelope: EventEnvelope = .debezium) {
        self.output = output
        events = JSONEventRenderer(clock: clock, envelope: envelope)
    }

    public mutating func beginTransaction(id: Int64?, finalLSN: LSN, commitMicros: Int64) throws {}

    public mutating func change(_ op: Operation, table: EventTable, before: RowSource?, after: RowSource?, position: SourcePosition) throws {
        if outbox != nil, outbox!.isOutbox(table) {
            try outbox!.write(op, table: table, after: after, into: &lines)
            if outbox!.only {
                if lines.count >= chunk { try handOver() }
                return
            }
        }
        try events.writeEvent(op, table: table, before: before, after: after, position: position, into: &lines)
        if lines.count >= chunk { try handOver() }
    }

    public mutating func message(prefix: String, content: [UInt8], origin: EventTable, position: SourcePosition) throws {
        events.writeMessage(prefix: prefix, content: content, origin: origin, position: position, into: &lines)
    }

    public mutating func endTransaction(at lsn: LSN?) throws {
        try drain(timeout: nil)
        if let lsn { written = lsn }
    }

    public mutating func abandonTransaction() throws {
        // Lines already written stay written (at-least-once); the buffered rest is resent.
        lines.reset()
    }

    public mutating func durable(wait: Double) throws -> LSN? { written }

    public var isBackedUp: Bool { false }

    @discardableResult
    public mutating func drain(timeout: Double?) throws -> Bool {
        try handOver()
        try output.flush()
        return true
    }

    private mutating func handOver() throws {
        guard lines.count > 0 else { return }
        try output.write(lines: lines)
        lines.reset()
    }
}
