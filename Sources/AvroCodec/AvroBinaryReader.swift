import Glibc

/// Malformed Avro binary data; `offset` is where the offending item starts.
public struct AvroDecodingError: Error, Equatable, CustomStringConvertible {
    /// Byte offset into the input.
    public let offset: Int
    /// What was wrong.
    public let message: String
    /// "at byte N: message".
    public var description: String { "Avro decoding error at byte \(offset): \(message)" }
}

/// Avro binary decoder over a byte array.
///
/// Built for untrusted input: every read is bounds-checked, lengths and item counts are checked
/// against the bytes left before anything is allocated, nesting depth is capped, and every problem
/// is an `AvroDecodingError`, never a trap.
public struct AvroBinaryReader {
    /// The input.
    public let bytes: [UInt8]
    /// Position of the next unread byte.
    public private(set) var offset: Int

    /// Deepest nesting accepted (recursive schemas could otherwise recurse once per input byte).
    public static let maxDepth = 500
    /// Most items of types that encode to zero bytes (null, empty records) one array/map may declare.
    public static let maxZeroSizeItems = 1 << 20

    /// Starts reading `bytes` at `offset`.
    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    /// Bytes not yet read.
    public var remaining: Int { bytes.count - offset }

    func fail(_ at: Int, _ message: String) -> AvroDecodingError { AvroDecodingError(offset: at, message: message) }

    /// Zig-zag varint of at most 10 bytes.
    public mutating func readLong() throws -> Int64 {
        let start = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count else { throw fail(start, "truncated varint") }
            let b = bytes[offset]
            offset += 1
            if shift == 63 && b > 1 { throw fail(start, "varint longer than 64 bits") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { break }
            shift += 7
        }
        return Int64(bitPattern: (result >> 1) ^ (0 &- (result & 1)))
    }

    /// Zig-zag varint that must fit 32 bits.
    public mutating func readInt() throws -> Int32 {
        let start = offset
        let value = try readLong()
        guard let i = Int32(exactly: value) else { throw fail(start, "int out of range: \(value)") }
        return i
    }

    /// One byte that must be 0 or 1.
    public mutating func readBoolean() throws -> Bool {
        guard offset < bytes.count else { throw fail(offset, "truncated boolean") }
        let b = bytes[offset]
        guard b <= 1 else { throw fail(offset, "boolean byte must be 0 or 1, got \(b)") }
        offset += 1
        return b == 1
    }

    /// Little-endian binary32.
    public mutating func readFloat() throws -> Float {
        Float(bitPattern: try readLittleEndian(UInt32.self, "float"))
    }

    /// Little-endian binary64.
    public mutating func readDouble() throws -> Double {
        Double(bitPattern: try readLittleEndian(UInt64.self, "double"))
    }

    /// The bits of a fixed-size little-endian value; `what` names it when the input is too short.
    private mutating func readLittleEndian<Bits: FixedWidthInteger & UnsignedInteger>(_: Bits.Type, _ what: String) throws -> Bits {
        let size = MemoryLayout<Bits>.size
        guard remaining >= size else { throw fail(offset, "truncated \(what)") }
        var bits: Bits = 0
        for i in 0..<size { bits |= Bits(bytes[offset + i]) << (8 * i) }
        offset += size
        return bits
    }

    /// A length prefix that must be non-negative and fit in the remaining input.
    mutating func readLength() throws -> Int {
        let start = offset
        let length = try readLong()
        guard length >= 0 else { throw fail(start, "negative length \(length)") }
        guard length <= remaining else { throw fail(start, "length \(length) exceeds the \(remaining) bytes left") }
        return Int(length)
    }

    /// Length-prefixed bytes.
    public mutating func readBytes() throws -> [UInt8] {
        let n = try readLength()
        defer { offset += n }
        return Array(bytes[offset..<offset + n])
    }

    /// Length-prefixed UTF-8, validated.
    public mutating func readString() throws -> String {
        let start = offset
        let n = try readLength()
        let body = offset
        let string = bytes.withUnsafeBufferPointer { AvroBinaryReader.validUTF8(UnsafeBufferPointer(rebasing: $0[body..<body + n])) }
        guard let string else { throw fail(start, "string is not valid UTF-8") }
        offset += n
        return string
    }

    /// The string if `utf8` is valid UTF-8. `String(decoding:)` is the stdlib's fast specialised
    /// path but repairs bad input, so equality with the input proves validity; `String(validating:)`
    /// measured ~4x slower here (unspecialised generic code, metadata lookups per call).
    static func validUTF8(_ utf8: UnsafeBufferPointer<UInt8>) -> String? {
        var string = String(decoding: utf8, as: UTF8.self)
        let same = string.utf8.count == utf8.count && string.withUTF8 { decoded in
            decoded.count == 0 || memcmp(decoded.baseAddress!, utf8.baseAddress!, decoded.count) == 0
        }
        return same ? string : nil
    }

    /// Exactly `count` bytes.
    public mutating func readFixed(_ count: Int) throws -> [UInt8] {
        guard count >= 0, count <= remaining else { throw fail(offset, "truncated fixed(\(count))") }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// Decodes one value of `schema` from the current position.
    public mutating func decode(_ schema: AvroCompiledSchema) throws -> AvroValue {
        try schema.withPlan { plan in try decode(node: schema.root, plan, depth: 0) }
    }

    /// Decodes exactly one value from `bytes`; leftover bytes are an error.
    public static func decode(_ bytes: [UInt8], as schema: AvroCompiledSchema) throws -> AvroValue {
        var reader = AvroBinaryReader(bytes)
        let value = try reader.decode(schema)
        guard reader.remaining == 0 else { throw AvroDecodingError(offset: reader.offset, message: "\(reader.remaining) trailing bytes") }
        return value
    }

    /// Walks plain-data nodes, so decoding only allocates the values it returns.
    mutating func decode(node index: Int, _ plan: AvroPlan, depth: Int) throws -> AvroValue {
        guard depth < AvroBinaryReader.maxDepth else { throw fail(offset, "nesting deeper than \(AvroBinaryReader.maxDepth)") }
        let node = plan.nodes[index]
        switch node.kind {
        case .null: return .null
        case .boolean: return .boolean(try readBoolean())
        case .int: return .int(try readInt())
        case .long: return .long(try readLong())
        case .float: return .float(try readFloat())
        case .double: return .double(try readDouble())
        case .bytes: return .bytes(try readBytes())
        case .string: return .string(try readString())
        case .fixed: return .fixed(try readFixed(node.size))
        case .enumeration:
            let start = offset
            let i = try readLong()
            guard i >= 0, i < node.count else { throw fail(start, "enum index \(i) out of range 0..<\(node.count)") }
            return .enumSymbol(index: Int(i), name: plan.symbols[node.first + Int(i)])
        case .union:
            let start = offset
            let b = try readLong()
            guard b >= 0, b < node.count else { throw fail(start, "union branch \(b) out of range 0..<\(node.count)") }
            return .union(branch: Int(b), try decode(node: plan.children[node.first + Int(b)], plan, depth: depth + 1))
        case .record:
            var fields: [AvroValue] = []
            fields.reserveCapacity(node.count)
            for i in 0..<node.count { fields.append(try decode(node: plan.children[node.first + i], plan, depth: depth + 1)) }
            return .record(fields)
        case .array:
            var items: [AvroValue] = []
            let child = plan.children[node.first]
            while case let count = try nextBlock(itemSize: plan.nodes[child].minimumSize, itemsSoFar: items.count), count > 0 {
                items.reserveCapacity(items.count + count)
                for _ in 0..<count { items.append(try decode(node: child, plan, depth: depth + 1)) }
            }
            return .array(items)
        case .map:
            var entries: [(String, AvroValue)] = []
            let child = plan.children[node.first]
            // Each entry also carries a key of at least one byte.
            while case let count = try nextBlock(itemSize: plan.nodes[child].minimumSize + 1, itemsSoFar: entries.count), count > 0 {
                entries.reserveCapacity(entries.count + count)
                for _ in 0..<count {
                    let key = try readString()
                    entries.append((key, try decode(node: child, plan, depth: depth + 1)))
                }
            }
            return .map(entries)
        }
    }

    /// Reads an array/map block header: the item count (0 ends the list; a negative count is
    /// followed by the block's byte size, which we skip past as a check only). The count is
    /// checked against the bytes left so hostile counts cannot trigger huge allocations.
    mutating func nextBlock(itemSize: Int, itemsSoFar: Int) throws -> Int {
        let start = offset
        var count = try readLong()
        if count == 0 { return 0 }
        if count < 0 {
            guard count != .min else { throw fail(start, "invalid block count") }
            count = -count
            let sizeStart = offset
            let size = try readLong()
            guard size >= 0, size <= remaining else { throw fail(sizeStart, "invalid block byte size \(size)") }
        }
        if itemSize > 0 {
            guard count <= remaining / itemSize else { throw fail(start, "block of \(count) items cannot fit in \(remaining) bytes") }
        } else {
            guard count <= AvroBinaryReader.maxZeroSizeItems - itemsSoFar else {
                throw fail(start, "block of \(count) zero-size items exceeds the limit of \(AvroBinaryReader.maxZeroSizeItems)")
            }
        }
        return Int(count)
    }
}
