/// Decodes pgoutput messages (protocol versions 1–4) one at a time.
///
/// A struct with state rather than a free function because the layout of row, relation, type,
/// truncate and logical messages depends on whether they arrive between Stream Start and
/// Stream Stop: only there does the server put the transaction id after the tag.
///
/// Tolerance, on purpose:
/// - Messages newer than `protocolVersion` (e.g. 'S' under protocol 1) are still decoded; the
///   server only sends them when asked, so rejecting them would add a failure mode, not safety.
/// - Stream Abort's abort LSN and timestamp are read when `protocolVersion >= 4` and the bytes
///   are present; the server sends them only with `streaming = parallel`, so under protocol 4
///   with `streaming = on` they are absent and left nil.
/// - Names and prefixes must be valid UTF-8 (see `ByteReader.string`).
public struct PgOutputDecoder: Sendable {
    /// The `proto_version` the replication was started with.
    public let protocolVersion: Int
    /// Whether the decoder is between Stream Start and Stream Stop.
    public private(set) var inStream = false

    /// Creates a decoder for the `proto_version` passed to START_REPLICATION.
    public init(protocolVersion: Int) {
        self.protocolVersion = protocolVersion
    }

    /// Decodes one complete message, which must be consumed exactly.
    ///
    /// Throws `PgOutputDecodingError` on empty, truncated, over-long or malformed input; the
    /// stream state only changes when the whole message decoded, so a rejected message cannot
    /// leave the decoder out of step with the server.
    public mutating func decode(_ bytes: [UInt8]) throws -> PgOutputMessage {
        var reader = ByteReader(bytes)
        guard let tag = reader.readUInt8() else { throw reader.error("message tag", .emptyMessage) }
        reader.tag = tag
        guard let id = PgOutputMessage.ID(rawValue: tag) else {
            throw reader.error("message tag", .unknownTag, at: 0)
        }
        let streamed = inStream
        let message: PgOutputMessage
        switch id {
        case .begin: message = .begin(try .decode(from: &reader))
        case .commit: message = .commit(try .decode(from: &reader))
        case .origin: message = .origin(try .decode(from: &reader))
        case .relation: message = .relation(try .decode(from: &reader, streamed: streamed))
        case .type: message = .type(try .decode(from: &reader, streamed: streamed))
        case .insert: message = .insert(try .decode(from: &reader, streamed: streamed))
        case .update: message = .update(try .decode(from: &reader, streamed: streamed))
        case .delete: message = .delete(try .decode(from: &reader, streamed: streamed))
        case .truncate: message = .truncate(try .decode(from: &reader, streamed: streamed))
        case .logicalMessage: message = .logicalMessage(try .decode(from: &reader, streamed: streamed))
        case .streamStart: message = .streamStart(try .decode(from: &reader))
        case .streamStop: message = .streamStop
        case .streamCommit: message = .streamCommit(try .decode(from: &reader))
        case .streamAbort: message = .streamAbort(try .decode(from: &reader, protocolVersion: protocolVersion))
        case .beginPrepare: message = .beginPrepare(try .decode(from: &reader))
        case .prepare: message = .prepare(try .decode(from: &reader))
        case .commitPrepared: message = .commitPrepared(try .decode(from: &reader))
        case .rollbackPrepared: message = .rollbackPrepared(try .decode(from: &reader))
        case .streamPrepare: message = .streamPrepare(try .decode(from: &reader))
        }
        try reader.expectEnd()
        switch id {
        case .streamStart: inStream = true
        case .streamStop: inStream = false
        default: break
        }
        return message
    }
}
