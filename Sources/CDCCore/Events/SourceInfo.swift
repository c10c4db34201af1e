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

    /// Creates a position.
    public init(commitMicros: Int64, snapshot: SnapshotMarker? = nil, sequence: (lastCommitted: LSN?, current: LSN)? = nil, txId: Int64? = nil, lsn: LSN? = nil) {
        self.commitMicros = commitMicros
        self.snapshot = snapshot
        self.sequence = sequence
        self.txId = txId
        self.lsn = lsn
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
