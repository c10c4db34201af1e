/// A message the walsender sends inside CopyBoth (CopyData) during START_REPLICATION.
public enum ReplicationMessage: Hashable, Sendable {
    /// WAL data ('w'); for logical replication the payload is one pgoutput message.
    case xLogData(XLogData)
    /// Primary keepalive ('k').
    case primaryKeepalive(PrimaryKeepalive)

    /// The ASCII tag byte that starts each message.
    public enum ID: UInt8, Hashable, Sendable {
        case xLogData = 0x77 // w
        case primaryKeepalive = 0x6B // k
    }

    /// Decodes one CopyData payload; throws `PgOutputDecodingError` on malformed input.
    ///
    /// The error type is shared with the pgoutput decoder so callers handle one kind of
    /// corrupt-stream failure whichever layer found it.
    public static func decode(_ bytes: [UInt8]) throws -> ReplicationMessage {
        var reader = ByteReader(bytes)
        guard let tag = reader.readUInt8() else { throw reader.error("message tag", .emptyMessage) }
        reader.tag = tag
        let message: ReplicationMessage
        switch ID(rawValue: tag) {
        case .xLogData:
            message = .xLogData(XLogData(
                walStart: try reader.lsn("WAL start"),
                walEnd: try reader.lsn("WAL end"),
                serverTime: try reader.timestamp("server time"),
                payload: reader.readRest()
            ))
        case .primaryKeepalive:
            message = .primaryKeepalive(PrimaryKeepalive(
                walEnd: try reader.lsn("WAL end"),
                serverTime: try reader.timestamp("server time"),
                replyRequested: try reader.uint8("reply requested") != 0
            ))
        case nil:
            throw reader.error("message tag", .unknownTag, at: 0)
        }
        try reader.expectEnd()
        return message
    }
}

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
}

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
}

/// Standby Status Update ('r'): the client's report of how far it has durably processed WAL.
///
/// The flush position is what the server uses to advance the slot's `confirmed_flush_lsn` and
/// recycle WAL, so it must never run ahead of what has been delivered downstream.
public struct StandbyStatusUpdate: Hashable, Sendable {
    /// The ASCII tag byte 'r'.
    public static let tag: UInt8 = 0x72
    /// Size of the encoded message: tag, three LSNs, timestamp, flag.
    public static let encodedSize = 34

    /// Last WAL position received and written.
    public let writeLSN: LSN
    /// Last WAL position durably processed.
    public let flushLSN: LSN
    /// Last WAL position applied.
    public let applyLSN: LSN
    /// The client's clock when sending.
    public let clientTime: PostgresTimestamp
    /// Asks the server to answer with a keepalive at once; useful to probe liveness.
    public let replyRequested: Bool

    /// Creates a status update.
    public init(writeLSN: LSN, flushLSN: LSN, applyLSN: LSN, clientTime: PostgresTimestamp, replyRequested: Bool = false) {
        self.writeLSN = writeLSN
        self.flushLSN = flushLSN
        self.applyLSN = applyLSN
        self.clientTime = clientTime
        self.replyRequested = replyRequested
    }

    /// The CopyData payload to send to the server.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.encodedSize)
        bytes.append(Self.tag)
        for value in [writeLSN.value, flushLSN.value, applyLSN.value, UInt64(bitPattern: clientTime.microsecondsSince2000)] {
            for shift in stride(from: 56, through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
            }
        }
        bytes.append(replyRequested ? 1 : 0)
        return bytes
    }
}
