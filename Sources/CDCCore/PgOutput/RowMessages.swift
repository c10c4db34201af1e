/// Tuple markers inside row messages; 'K' and 'O' collide with top-level tags, hence separate.
private enum TupleMarker {
    static let key: UInt8 = 0x4B // K
    static let old: UInt8 = 0x4F // O
    static let new: UInt8 = 0x4E // N
}

/// Insert ('I'): a new row.
public struct InsertMessage: Hashable, Sendable {
    /// Transaction id when sent inside a streamed block, otherwise nil.
    public let xid: UInt32?
    /// OID of the relation, announced earlier by a Relation message.
    public let relationID: UInt32
    /// The inserted row.
    public let newTuple: TupleData

    static func decode(from reader: inout ByteReader, streamed: Bool) throws -> Self {
        let xid = try reader.streamXid(streamed)
        let relationID = try reader.uint32("relation OID")
        let marker = try reader.uint8("new tuple marker")
        guard marker == TupleMarker.new else { throw reader.unexpected(marker, "new tuple marker") }
        return Self(xid: xid, relationID: relationID, newTuple: try TupleData.decode(from: &reader))
    }
}

/// Update ('U'): a changed row, with the old key or row when the replica identity provides one.
public struct UpdateMessage: Hashable, Sendable {
    /// Transaction id when sent inside a streamed block, otherwise nil.
    public let xid: UInt32?
    /// OID of the relation, announced earlier by a Relation message.
    public let relationID: UInt32
    /// The old key ('K') or row ('O'); nil when the key did not change and identity is not FULL.
    public let oldTuple: OldTuple?
    /// The new row; unchanged TOASTed columns arrive as `.unchangedToast`.
    public let newTuple: TupleData

    static func decode(from reader: inout ByteReader, streamed: Bool) throws -> Self {
        let xid = try reader.streamXid(streamed)
        let relationID = try reader.uint32("relation OID")
        var marker = try reader.uint8("tuple marker")
        let oldTuple = try OldTuple.decode(after: marker, from: &reader)
        if oldTuple != nil { marker = try reader.uint8("new tuple marker") }
        guard marker == TupleMarker.new else { throw reader.unexpected(marker, "new tuple marker") }
        let newTuple = try TupleData.decode(from: &reader)
        return Self(xid: xid, relationID: relationID, oldTuple: oldTuple, newTuple: newTuple)
    }
}

/// Delete ('D'): a removed row, identified by its old key or whole old row.
public struct DeleteMessage: Hashable, Sendable {
    /// Transaction id when sent inside a streamed block, otherwise nil.
    public let xid: UInt32?
    /// OID of the relation, announced earlier by a Relation message.
    public let relationID: UInt32
    /// The old key ('K') or, with `REPLICA IDENTITY FULL`, the whole old row ('O').
    public let oldTuple: OldTuple

    static func decode(from reader: inout ByteReader, streamed: Bool) throws -> Self {
        let xid = try reader.streamXid(streamed)
        let relationID = try reader.uint32("relation OID")
        let marker = try reader.uint8("old tuple marker")
        guard let oldTuple = try OldTuple.decode(after: marker, from: &reader) else {
            throw reader.unexpected(marker, "old tuple marker")
        }
        return Self(xid: xid, relationID: relationID, oldTuple: oldTuple)
    }
}

extension OldTuple {
    /// The old key ('K') or row ('O') that `marker` announces, read from `reader`; nil, with
    /// nothing read, for any other marker.
    fileprivate static func decode(after marker: UInt8, from reader: inout ByteReader) throws -> OldTuple? {
        switch marker {
        case TupleMarker.key: return .key(try TupleData.decode(from: &reader))
        case TupleMarker.old: return .full(try TupleData.decode(from: &reader))
        default: return nil
        }
    }
}
