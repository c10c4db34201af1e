/// XLogData ('w'): a chunk of WAL, here one pgoutput message.
public struct XLogData: Hashable, Sendable {
    /// Start of the WAL this message carries (0 for some logical messages, e.g. non-transactional ones).
    public let walStart: LSN
    /// The server's current end of WAL.
    public let walEnd: LSN
    /// The server's clock when it sent the message.
    public let serverTime: PostgresTimestamp
    /// The carried bytes; decode with `PgOutputDecoder`.
    public let payload: [UInt8]

    /// Creates an XLogData value; decoding normally produces these.
    public init(walStart: LSN, walEnd: LSN, serverTime: PostgresTimestamp, payload: [UInt8]) {
        self.walStart = walStart
        self.walEnd = walEnd
        self.serverTime = serverTime
        self.payload = payload
    }

    /// Reads the fields after the tag; the payload is everything that follows them.
    static func decode(from reader: inout ByteReader) throws -> Self {
        Self(
            walStart: try reader.lsn("WAL start"),
            walEnd: try reader.lsn("WAL end"),
            serverTime: try reader.timestamp("server time"),
            payload: reader.readRest()
        )
    }
}
