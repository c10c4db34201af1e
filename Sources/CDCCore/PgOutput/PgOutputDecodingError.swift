/// Why a pgoutput or walsender CopyBoth message could not be decoded.
///
/// Carries the message tag, the field being read and the byte offset so that a corrupt message
/// in a multi-gigabyte stream can be pinpointed from the log line alone.
public struct PgOutputDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong with the bytes.
    public enum Reason: Hashable, Sendable {
        /// The message had no bytes at all, not even a tag.
        case emptyMessage
        /// The tag byte names no message this decoder knows.
        case unknownTag
        /// The field needs at least `expected` bytes but only `available` remain.
        case truncated(expected: Int, available: Int)
        /// A length or count field was negative.
        case negativeLength(Int)
        /// A C string ran to the end of the message without its NUL terminator.
        case missingTerminator(available: Int)
        /// A name or prefix was not valid UTF-8.
        case invalidUTF8
        /// A marker byte (tuple kind, old/new tuple marker) had a value the protocol does not define.
        case unexpectedByte(UInt8)
        /// The message decoded completely but `count` bytes were left over.
        case trailingBytes(count: Int)
    }

    /// The message's tag byte, or nil when the input was empty.
    public let tag: UInt8?
    /// The field being read when decoding failed.
    public let field: String
    /// Offset from the start of the message (the tag is byte 0) where the field starts.
    public let offset: Int
    /// What was wrong.
    public let reason: Reason

    /// Creates an error; decoders normally get these from `ByteReader`.
    public init(tag: UInt8?, field: String, offset: Int, reason: Reason) {
        self.tag = tag
        self.field = field
        self.offset = offset
        self.reason = reason
    }

    /// One line naming the tag, field, offset and what was wrong.
    public var description: String {
        var text = "malformed replication message"
        if let tag {
            // Printable tags read better as 'I' than as 73; anything else is shown in hex.
            text += (0x20..<0x7F).contains(tag)
                ? " '" + String(UnicodeScalar(tag)) + "'"
                : " 0x" + String(tag, radix: 16)
        }
        text += ", field \"" + field + "\" at byte " + String(offset) + ": "
        switch reason {
        case .emptyMessage:
            text += "message is empty"
        case .unknownTag:
            text += "unknown message tag"
        case let .truncated(expected, available):
            text += "needs " + String(expected) + " bytes, " + String(available) + " available"
        case let .negativeLength(value):
            text += "negative length " + String(value)
        case let .missingTerminator(available):
            text += "no NUL terminator in the remaining " + String(available) + " bytes"
        case .invalidUTF8:
            text += "not valid UTF-8"
        case let .unexpectedByte(byte):
            text += "unexpected byte 0x" + String(byte, radix: 16)
        case let .trailingBytes(count):
            text += "expected end of message, " + String(count) + " bytes left over"
        }
        return text
    }
}
