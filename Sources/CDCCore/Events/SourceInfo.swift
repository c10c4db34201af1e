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

/// The envelope's `transaction` block (Debezium's `event.block`): which transaction an event
/// belongs to and its place in it.
public struct TransactionBlock: Sendable, Equatable {
    /// `<txId>:<commit LSN>`, as in the BEGIN/END records.
    public var id: String
    /// The event's position among all events of the transaction (1-based).
    public var totalOrder: Int64
    /// … among the transaction's events of the same table.
    public var dataCollectionOrder: Int64

    /// Creates a block.
    public init(id: String, totalOrder: Int64, dataCollectionOrder: Int64) {
        self.id = id
        self.totalOrder = totalOrder
        self.dataCollectionOrder = dataCollectionOrder
    }
}

/// Debezium's `source.snapshot` values for snapshot reads.
public enum SnapshotMarker: String, Sendable {
    case first, firstInDataCollection = "first_in_data_collection", inner = "true"
    case lastInDataCollection = "last_in_data_collection", last, incremental
}

/// Debezium's `op` codes.
public enum Operation: String, Sendable {
    case create = "c", update = "u", delete = "d", read = "r", truncate = "t", message = "m"

    /// The one ASCII byte of the code.
    var byte: UInt8 { rawValue.utf8.first! }
}

/// cdcctl's own version, reported in `source.version` and `--version`.
public enum CDCCtlVersion {
    /// The release version.
    public static let current = "0.1.0"
}
