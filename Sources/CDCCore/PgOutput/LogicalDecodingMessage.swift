/// Message ('M'): a payload written with `pg_logical_emit_message`.
public struct LogicalDecodingMessage: Hashable, Sendable {
    /// Transaction id when sent inside a streamed block, otherwise nil.
    public let xid: UInt32?
    /// Wire flags; bit 1 means transactional.
    public let flags: UInt8
    /// LSN of the message's WAL record.
    public let lsn: LSN
    /// The prefix the emitter chose, used to tell applications' messages apart.
    public let prefix: String
    /// The payload, uninterpreted.
    public let content: [UInt8]

    /// Whether the message belongs to the surrounding transaction rather than being emitted
    /// immediately regardless of commit.
    public var isTransactional: Bool { flags & 1 != 0 }

    static func decode(from reader: inout ByteReader, streamed: Bool) throws -> Self {
        Self(
            xid: try reader.streamXid(streamed),
            flags: try reader.uint8("flags"),
            lsn: try reader.lsn("message LSN"),
            prefix: try reader.string("prefix"),
            content: try reader.lengthPrefixedBytes("content")
        )
    }
}
