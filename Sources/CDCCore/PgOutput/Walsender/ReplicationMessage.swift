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
        case .xLogData: message = .xLogData(try .decode(from: &reader))
        case .primaryKeepalive: message = .primaryKeepalive(try .decode(from: &reader))
        case nil: throw reader.error("message tag", .unknownTag, at: 0)
        }
        try reader.expectEnd()
        return message
    }
}
