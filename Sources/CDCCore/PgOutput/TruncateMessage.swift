/// Truncate ('T'): one TRUNCATE statement covering one or more relations.
public struct TruncateMessage: Hashable, Sendable {
    /// TRUNCATE options as sent on the wire.
    public struct Options: OptionSet, Hashable, Sendable {
        /// The wire bits.
        public let rawValue: UInt8
        /// Wraps wire bits; unknown bits are kept.
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// `CASCADE`.
        public static let cascade = Options(rawValue: 1)
        /// `RESTART IDENTITY`.
        public static let restartIdentity = Options(rawValue: 2)
    }

    /// Transaction id when sent inside a streamed block, otherwise nil.
    public let xid: UInt32?
    /// CASCADE / RESTART IDENTITY.
    public let options: Options
    /// OIDs of the truncated relations.
    public let relationIDs: [UInt32]

    static func decode(from reader: inout ByteReader, streamed: Bool) throws -> Self {
        let xid = try reader.streamXid(streamed)
        let countOffset = reader.offset
        let count = Int(try reader.int32("relation count"))
        let options = Options(rawValue: try reader.uint8("options"))
        // The count precedes the options byte, so it is validated here rather than by count32.
        guard count >= 0 else { throw reader.error("relation count", .negativeLength(count), at: countOffset) }
        guard count <= reader.remaining / 4 else {
            throw reader.error("relation OIDs", .truncated(expected: count * 4, available: reader.remaining))
        }
        var relationIDs: [UInt32] = []
        relationIDs.reserveCapacity(count)
        for _ in 0..<count {
            relationIDs.append(try reader.uint32("relation OID"))
        }
        return Self(xid: xid, options: options, relationIDs: relationIDs)
    }
}
