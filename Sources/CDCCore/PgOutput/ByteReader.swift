/// A bounds-checked, big-endian cursor over one replication message.
///
/// The optional-returning primitives never move the cursor on failure and never index out of
/// range; the throwing wrappers turn a nil into a `PgOutputDecodingError` naming the field, so
/// message decoders read as a flat list of fields. The `...Range` readers return where a value
/// is in `buffer` instead of copying it, for callers that keep the whole message (`TupleData`).
struct ByteReader {
    private let bytes: [UInt8]
    /// Offset of the next unread byte; always within `0...bytes.count`.
    private(set) var offset: Int = 0
    /// The tag of the message being decoded, recorded once it is known so errors can name it.
    var tag: UInt8?

    /// Creates a reader positioned at the first byte.
    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Bytes not yet consumed.
    var remaining: Int { bytes.count - offset }

    /// The whole message, for values kept as ranges into it; sharing it does not copy.
    var buffer: [UInt8] { bytes }

    // MARK: - Primitives (nil on short input)

    /// Reads one byte.
    mutating func readUInt8() -> UInt8? {
        guard offset < bytes.count else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// Reads a big-endian unsigned integer of `T`'s width.
    mutating func readBigEndian<T: FixedWidthInteger & UnsignedInteger>(_: T.Type = T.self) -> T? {
        let width = T.bitWidth / 8
        guard remaining >= width else { return nil }
        var value: T = 0
        for index in offset..<offset + width {
            value = value << 8 | T(bytes[index])
        }
        offset += width
        return value
    }

    /// Skips exactly `count` bytes and returns their range in `buffer`; nil when `count` is
    /// negative or exceeds what remains.
    mutating func readRange(count: Int) -> Range<Int>? {
        guard count >= 0, count <= remaining else { return nil }
        defer { offset += count }
        return offset..<offset + count
    }

    /// Reads exactly `count` bytes; nil when `count` is negative or exceeds what remains.
    mutating func readBytes(count: Int) -> [UInt8]? {
        readRange(count: count).map { Array(bytes[$0]) }
    }

    /// Reads everything left.
    mutating func readRest() -> [UInt8] {
        defer { offset = bytes.count }
        return Array(bytes[offset...])
    }

    /// Reads a NUL-terminated string's bytes, consuming the terminator; nil when there is none.
    mutating func readCString() -> [UInt8]? {
        guard let end = bytes[offset...].firstIndex(of: 0) else { return nil }
        defer { offset = end + 1 }
        return Array(bytes[offset..<end])
    }

    // MARK: - Throwing wrappers

    /// Builds an error for the field starting at `at` (default: the cursor).
    func error(_ field: StaticString, _ reason: PgOutputDecodingError.Reason, at: Int? = nil) -> PgOutputDecodingError {
        PgOutputDecodingError(tag: tag, field: "\(field)", offset: at ?? offset, reason: reason)
    }

    /// Reads one byte.
    mutating func uint8(_ field: StaticString) throws -> UInt8 {
        guard let value = readUInt8() else { throw error(field, .truncated(expected: 1, available: remaining)) }
        return value
    }

    /// Reads a big-endian `Int16`.
    mutating func int16(_ field: StaticString) throws -> Int16 {
        Int16(bitPattern: try fixed(field, UInt16.self))
    }

    /// Reads a big-endian `Int32`.
    mutating func int32(_ field: StaticString) throws -> Int32 {
        Int32(bitPattern: try fixed(field, UInt32.self))
    }

    /// Reads a big-endian `UInt32`: OIDs and transaction ids are unsigned on the server even
    /// though the protocol documentation calls them Int32.
    mutating func uint32(_ field: StaticString) throws -> UInt32 {
        try fixed(field, UInt32.self)
    }

    /// Reads a big-endian `Int64`.
    mutating func int64(_ field: StaticString) throws -> Int64 {
        Int64(bitPattern: try fixed(field, UInt64.self))
    }

    /// Reads an `XLogRecPtr`.
    mutating func lsn(_ field: StaticString) throws -> LSN {
        LSN(try fixed(field, UInt64.self))
    }

    /// Reads a `TimestampTz`.
    mutating func timestamp(_ field: StaticString) throws -> PostgresTimestamp {
        PostgresTimestamp(microsecondsSince2000: try int64(field))
    }

    /// Reads the transaction id that protocol 2+ puts after the tag only inside a streamed block.
    mutating func streamXid(_ streamed: Bool) throws -> UInt32? {
        streamed ? try uint32("streamed transaction xid") : nil
    }

    /// Reads an `Int16` element count, rejecting counts that could not fit in the remaining
    /// bytes before anything is allocated for them.
    mutating func count16(_ field: StaticString, minimumElementSize: Int) throws -> Int {
        let start = offset
        // Read into a local first: as an argument, `self` would be captured before the read.
        let count = Int(try int16(field))
        return try checkedCount(field, count, minimumElementSize: minimumElementSize, start: start)
    }

    /// Reads an `Int32` element count with the same checks as `count16`.
    mutating func count32(_ field: StaticString, minimumElementSize: Int) throws -> Int {
        let start = offset
        // Read into a local first: as an argument, `self` would be captured before the read.
        let count = Int(try int32(field))
        return try checkedCount(field, count, minimumElementSize: minimumElementSize, start: start)
    }

    /// Reads exactly `count` bytes.
    mutating func bytes(count: Int, _ field: StaticString) throws -> [UInt8] {
        guard count >= 0 else { throw error(field, .negativeLength(count)) }
        guard let value = readBytes(count: count) else {
            throw error(field, .truncated(expected: count, available: remaining))
        }
        return value
    }

    /// Reads an `Int32` length followed by that many bytes.
    mutating func lengthPrefixedBytes(_ field: StaticString) throws -> [UInt8] {
        Array(bytes[try lengthPrefixedRange(field)])
    }

    /// Skips an `Int32` length and that many bytes, returning the bytes' range in `buffer`;
    /// the range's count is therefore at most `Int32.max`.
    mutating func lengthPrefixedRange(_ field: StaticString) throws -> Range<Int> {
        let start = offset
        let length = Int(try int32(field))
        guard length >= 0 else { throw error(field, .negativeLength(length), at: start) }
        guard let range = readRange(count: length) else {
            throw error(field, .truncated(expected: length, available: remaining))
        }
        return range
    }

    /// Reads a NUL-terminated UTF-8 string.
    ///
    /// Invalid UTF-8 is an error rather than a lossy repair: these strings are relation, column
    /// and type names, and a silently altered name would route changes to the wrong table.
    mutating func string(_ field: StaticString) throws -> String {
        let start = offset
        guard let raw = readCString() else { throw error(field, .missingTerminator(available: remaining)) }
        guard let text = Self.validUTF8(raw) else { throw error(field, .invalidUTF8, at: start) }
        return text
    }

    /// Fails unless every byte has been consumed.
    func expectEnd() throws {
        guard remaining == 0 else { throw error("end of message", .trailingBytes(count: remaining)) }
    }

    /// An error for a marker byte that was just read and turned out to be invalid.
    func unexpected(_ byte: UInt8, _ field: StaticString) -> PgOutputDecodingError {
        error(field, .unexpectedByte(byte), at: offset - 1)
    }

    // MARK: - Helpers

    private mutating func fixed<T: FixedWidthInteger & UnsignedInteger>(_ field: StaticString, _: T.Type) throws -> T {
        guard let value = readBigEndian(T.self) else {
            throw error(field, .truncated(expected: T.bitWidth / 8, available: remaining))
        }
        return value
    }

    private func checkedCount(_ field: StaticString, _ count: Int, minimumElementSize: Int, start: Int) throws -> Int {
        guard count >= 0 else { throw error(field, .negativeLength(count), at: start) }
        // A hostile count (2^31 OIDs) must fail here instead of reserving gigabytes.
        let needed = count * minimumElementSize
        guard needed <= remaining else {
            throw error(field, .truncated(expected: needed, available: remaining), at: start)
        }
        return count
    }

    /// `String(validating:)` needs macOS 15, so validate with the stdlib codec.
    private static func validUTF8(_ raw: [UInt8]) -> String? {
        var iterator = raw.makeIterator()
        var codec = UTF8()
        while true {
            switch codec.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return String(decoding: raw, as: UTF8.self)
            case .error: return nil
            }
        }
    }
}
