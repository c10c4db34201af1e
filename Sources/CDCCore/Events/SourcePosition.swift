/// The per-event part of Debezium's `source` block; the constant part lives in `EventRenderer`.
public struct SourcePosition: Sendable {
    /// Commit time (snapshot: snapshot start), microseconds since the Unix epoch.
    public var commitMicros: Int64
    /// The snapshot marker, or nil for a streamed change (rendered `"false"`).
    public var snapshot: SnapshotMarker?
    /// `[last committed LSN, current LSN]` for streamed changes.
    public var sequence: (lastCommitted: LSN?, current: LSN)?
    /// The transaction id, when there is one.
    public var txId: Int64?
    /// The change's LSN (snapshot: the position the snapshot corresponds to).
    public var lsn: LSN?
    /// The replication origin the transaction was replayed from (pgoutput's Origin message):
    /// `source.origin` and `source.origin_lsn` (its commit LSN on the origin), as Debezium 3.x fills them.
    public var origin: OriginMessage?
    /// The envelope's `transaction` block, when transaction metadata is on.
    public var transaction: TransactionBlock?

    /// Creates a position.
    public init(commitMicros: Int64, snapshot: SnapshotMarker? = nil, sequence: (lastCommitted: LSN?, current: LSN)? = nil, txId: Int64? = nil, lsn: LSN? = nil) {
        self.commitMicros = commitMicros
        self.snapshot = snapshot
        self.sequence = sequence
        self.txId = txId
        self.lsn = lsn
    }
}
