/// Begin Prepare ('b'): the start of a transaction that will be prepared for two-phase commit.
public struct BeginPrepareMessage: Hashable, Sendable {
    /// LSN of the PREPARE record.
    public let prepareLSN: LSN
    /// LSN just past the PREPARE record.
    public let endLSN: LSN
    /// When the transaction was prepared.
    public let prepareTime: PostgresTimestamp
    /// The transaction id.
    public let xid: UInt32
    /// The user-chosen global transaction identifier.
    public let gid: String

    static func decode(from reader: inout ByteReader) throws -> Self {
        Self(
            prepareLSN: try reader.lsn("prepare LSN"),
            endLSN: try reader.lsn("end LSN"),
            prepareTime: try reader.timestamp("prepare timestamp"),
            xid: try reader.uint32("xid"),
            gid: try reader.string("gid")
        )
    }
}

/// Prepare ('P') and Stream Prepare ('p'): PREPARE TRANSACTION completed.
public struct PrepareMessage: Hashable, Sendable {
    /// Currently unused by the server.
    public let flags: UInt8
    /// LSN of the PREPARE record.
    public let prepareLSN: LSN
    /// LSN just past the PREPARE record.
    public let endLSN: LSN
    /// When the transaction was prepared.
    public let prepareTime: PostgresTimestamp
    /// The transaction id.
    public let xid: UInt32
    /// The user-chosen global transaction identifier.
    public let gid: String

    static func decode(from reader: inout ByteReader) throws -> Self {
        Self(
            flags: try reader.uint8("flags"),
            prepareLSN: try reader.lsn("prepare LSN"),
            endLSN: try reader.lsn("end LSN"),
            prepareTime: try reader.timestamp("prepare timestamp"),
            xid: try reader.uint32("xid"),
            gid: try reader.string("gid")
        )
    }
}

/// Commit Prepared ('K'): COMMIT PREPARED of an earlier prepared transaction.
public struct CommitPreparedMessage: Hashable, Sendable {
    /// Currently unused by the server.
    public let flags: UInt8
    /// LSN of the COMMIT PREPARED record.
    public let commitLSN: LSN
    /// LSN just past the commit record: the position to confirm once durable.
    public let endLSN: LSN
    /// When the commit happened.
    public let commitTime: PostgresTimestamp
    /// The transaction id.
    public let xid: UInt32
    /// The user-chosen global transaction identifier.
    public let gid: String

    static func decode(from reader: inout ByteReader) throws -> Self {
        Self(
            flags: try reader.uint8("flags"),
            commitLSN: try reader.lsn("commit LSN"),
            endLSN: try reader.lsn("end LSN"),
            commitTime: try reader.timestamp("commit timestamp"),
            xid: try reader.uint32("xid"),
            gid: try reader.string("gid")
        )
    }
}

/// Rollback Prepared ('r'): ROLLBACK PREPARED of an earlier prepared transaction.
public struct RollbackPreparedMessage: Hashable, Sendable {
    /// Currently unused by the server.
    public let flags: UInt8
    /// End LSN of the original PREPARE, so a subscriber can tell whether it ever saw it.
    public let prepareEndLSN: LSN
    /// LSN just past the ROLLBACK PREPARED record.
    public let rollbackEndLSN: LSN
    /// When the transaction was prepared.
    public let prepareTime: PostgresTimestamp
    /// When it was rolled back.
    public let rollbackTime: PostgresTimestamp
    /// The transaction id.
    public let xid: UInt32
    /// The user-chosen global transaction identifier.
    public let gid: String

    static func decode(from reader: inout ByteReader) throws -> Self {
        Self(
            flags: try reader.uint8("flags"),
            prepareEndLSN: try reader.lsn("prepare end LSN"),
            rollbackEndLSN: try reader.lsn("rollback end LSN"),
            prepareTime: try reader.timestamp("prepare timestamp"),
            rollbackTime: try reader.timestamp("rollback timestamp"),
            xid: try reader.uint32("xid"),
            gid: try reader.string("gid")
        )
    }
}
