/// Stream Start ('S'): the following messages, up to Stream Stop, belong to an in-progress
/// transaction and carry its xid.
public struct StreamStartMessage: Hashable, Sendable {
    /// The streamed (top-level) transaction.
    public let xid: UInt32
    /// Whether this is the first block streamed for the transaction.
    public let isFirstSegment: Bool

    static func decode(from reader: inout ByteReader) throws -> Self {
        Self(xid: try reader.uint32("xid"), isFirstSegment: try reader.uint8("first segment") != 0)
    }
}

/// Stream Commit ('c'): a streamed transaction committed; its blocks can be applied.
public struct StreamCommitMessage: Hashable, Sendable {
    /// The committed transaction.
    public let xid: UInt32
    /// Currently unused by the server.
    public let flags: UInt8
    /// LSN of the commit record.
    public let commitLSN: LSN
    /// LSN just past the commit record: the position to confirm once durable.
    public let endLSN: LSN
    /// When the transaction committed.
    public let commitTime: PostgresTimestamp

    static func decode(from reader: inout ByteReader) throws -> Self {
        Self(
            xid: try reader.uint32("xid"),
            flags: try reader.uint8("flags"),
            commitLSN: try reader.lsn("commit LSN"),
            endLSN: try reader.lsn("end LSN"),
            commitTime: try reader.timestamp("commit timestamp")
        )
    }
}

/// Stream Abort ('A'): a streamed transaction, or one of its subtransactions, rolled back.
public struct StreamAbortMessage: Hashable, Sendable {
    /// The top-level transaction.
    public let xid: UInt32
    /// The aborted subtransaction; equal to `xid` when the whole transaction aborted.
    public let subtransactionXid: UInt32
    /// LSN of the abort record; only with protocol 4 and `streaming = parallel`.
    public let abortLSN: LSN?
    /// When the abort happened; only with protocol 4 and `streaming = parallel`.
    public let abortTime: PostgresTimestamp?

    /// Whether the whole transaction, not just a subtransaction, was aborted.
    public var abortsTopLevelTransaction: Bool { xid == subtransactionXid }

    static func decode(from reader: inout ByteReader, protocolVersion: Int) throws -> Self {
        let xid = try reader.uint32("xid")
        let subtransactionXid = try reader.uint32("subtransaction xid")
        // Protocol 4 adds the abort fields only for parallel streaming, and the message does
        // not say which mode is in use, so their presence is judged from the bytes.
        guard protocolVersion >= 4, reader.remaining > 0 else {
            return Self(xid: xid, subtransactionXid: subtransactionXid, abortLSN: nil, abortTime: nil)
        }
        return Self(
            xid: xid,
            subtransactionXid: subtransactionXid,
            abortLSN: try reader.lsn("abort LSN"),
            abortTime: try reader.timestamp("abort timestamp")
        )
    }
}
