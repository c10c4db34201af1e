/// Begin ('B'): the start of a committed transaction's changes.
public struct BeginMessage: Hashable, Sendable {
    /// LSN of the transaction's commit record.
    public let finalLSN: LSN
    /// When the transaction committed.
    public let commitTime: PostgresTimestamp
    /// The transaction id.
    public let xid: UInt32

    static func decode(from reader: inout ByteReader) throws -> Self {
        Self(
            finalLSN: try reader.lsn("final LSN"),
            commitTime: try reader.timestamp("commit timestamp"),
            xid: try reader.uint32("xid")
        )
    }
}

/// Commit ('C'): the end of a transaction's changes.
public struct CommitMessage: Hashable, Sendable {
    /// Currently unused by the server; kept so nothing on the wire is silently dropped.
    public let flags: UInt8
    /// LSN of the commit record.
    public let commitLSN: LSN
    /// LSN just past the commit record: the position to confirm once the transaction is durable.
    public let endLSN: LSN
    /// When the transaction committed.
    public let commitTime: PostgresTimestamp

    static func decode(from reader: inout ByteReader) throws -> Self {
        Self(
            flags: try reader.uint8("flags"),
            commitLSN: try reader.lsn("commit LSN"),
            endLSN: try reader.lsn("end LSN"),
            commitTime: try reader.timestamp("commit timestamp")
        )
    }
}

/// Origin ('O'): the replication origin a transaction was replayed from.
public struct OriginMessage: Hashable, Sendable {
    /// LSN of the commit on the origin server.
    public let commitLSN: LSN
    /// The origin's name.
    public let name: String

    static func decode(from reader: inout ByteReader) throws -> Self {
        Self(commitLSN: try reader.lsn("origin commit LSN"), name: try reader.string("origin name"))
    }
}
