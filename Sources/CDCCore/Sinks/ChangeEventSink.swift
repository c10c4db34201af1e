/// Where change events go: stdout as NDJSON, or Kafka topics. The snapshot reader and the
/// replication loop hand over rows and transaction boundaries; the sink renders and delivers,
/// and reports how far delivery is durable, which is the only position ever acknowledged to
/// the server.
public protocol ChangeEventSink {
    /// The stream comes from `origin` (called once, before anything is handed over). A sink that
    /// keeps its own record of progress throws when that record belongs to another origin.
    mutating func attach(origin: ReplicationOrigin) throws

    /// A transaction starts (it commits at `finalLSN`, at `commitMicros`); its events follow,
    /// then `endTransaction`.
    mutating func beginTransaction(id: Int64?, finalLSN: LSN, commitMicros: Int64) throws

    /// One change of a row. `before`/`after` are borrowed for the duration of the call.
    mutating func change(_ op: Operation, table: EventTable, before: RowSource?, after: RowSource?, position: SourcePosition) throws

    /// A logical decoding message (`pg_logical_emit_message`); `origin` names no table.
    mutating func message(prefix: String, content: [UInt8], origin: EventTable, position: SourcePosition) throws

    /// Everything up to `lsn` (a transaction's end, a non-transactional message, a snapshot's
    /// position) has been handed over. It becomes acknowledgeable once `durable` reports it.
    mutating func endTransaction(at lsn: LSN?) throws

    /// The transaction being handed over will be handed over again from its start (the
    /// replication connection was lost): forget what can be forgotten of it.
    mutating func abandonTransaction() throws

    /// Serves deliveries for up to `wait` seconds when some are outstanding, and returns the
    /// highest position whose events (and all before it) are durable. Throws when a delivery
    /// failed for good.
    mutating func durable(wait: Double) throws -> LSN?

    /// Whether the reader should stop handing over events until `durable` has made room (or has
    /// seen a pending commit through); it keeps the replication connection alive meanwhile.
    var isBackedUp: Bool { get }

    /// Messages handed to a producer and not yet acknowledged (Kafka's queue), for metrics.
    var queuedMessages: Int { get }

    /// Waits until everything handed over is durable (end of a snapshot, a clean stop), or at
    /// most `timeout` seconds; returns whether everything is.
    @discardableResult
    mutating func drain(timeout: Double?) throws -> Bool
}

extension ChangeEventSink {
    /// A sink without a record of its own progress streams from any origin.
    public mutating func attach(origin: ReplicationOrigin) throws {}

    /// A sink that delivers as it writes (stdout) has no queue.
    public var queuedMessages: Int { 0 }
}
