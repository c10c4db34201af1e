/// Primary keepalive ('k'): the server's heartbeat, possibly demanding a status update.
public struct PrimaryKeepalive: Hashable, Sendable {
    /// The server's current end of WAL.
    public let walEnd: LSN
    /// The server's clock when it sent the message.
    public let serverTime: PostgresTimestamp
    /// Whether the client must answer with a Standby Status Update promptly, or be
    /// disconnected at `wal_sender_timeout`.
    public let replyRequested: Bool

    /// Creates a keepalive value; decoding normally produces these.
    public init(walEnd: LSN, serverTime: PostgresTimestamp, replyRequested: Bool) {
        self.walEnd = walEnd
        self.serverTime = serverTime
        self.replyRequested = replyRequested
    }

    /// Reads the fields after the tag.
    static func decode(from reader: inout ByteReader) throws -> Self {
        Self(
            walEnd: try reader.lsn("WAL end"),
            serverTime: try reader.timestamp("server time"),
            replyRequested: try reader.uint8("reply requested") != 0
        )
    }
}
