/// A value that does not match the schema it is encoded with; `path` names the place (e.g. `Value.tags[3]`).
public struct AvroEncodingError: Error, Equatable, CustomStringConvertible {
    /// Where: record name, `.field`, `[i]` for array items/union branches, `{"key"}` for map values.
    public let path: String
    /// What was wrong.
    public let message: String
    /// "path: message".
    public var description: String { "\(path): \(message)" }
}

/// Avro binary encoder writing into one reusable byte buffer.
///
/// The primitives are `@inlinable` so hand-written encoders elsewhere compile down to appends;
/// `reset()` keeps capacity, so encoding record after record allocates nothing once warmed up.
public struct AvroBinaryWriter {
    /// The encoded bytes so far.
    public var bytes: [UInt8]

    /// Creates a writer with room for `capacity` bytes.
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Empties the buffer but keeps its storage for the next record.
    @inlinable public mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    /// null encodes to nothing.
    @inlinable public mutating func writeNull() {}

    /// One byte, 0 or 1.
    @inlinable public mutating func writeBoolean(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// Zig-zag varint (same encoding as long, at most 5 bytes).
    @inlinable public mutating func writeInt(_ value: Int32) { writeLong(Int64(value)) }

    /// Zig-zag varint: small magnitudes of either sign take few bytes; at most 10 bytes.
    @inlinable public mutating func writeLong(_ value: Int64) {
        var n = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        while n >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: n) | 0x80)
            n >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: n))
    }

    /// IEEE 754 binary32, little-endian.
    @inlinable public mutating func writeFloat(_ value: Float) {
        let bits = value.bitPattern
        bytes.append(UInt8(truncatingIfNeeded: bits))
        bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
        bytes.append(UInt8(truncatingIfNeeded: bits >> 16))
        bytes.append(UInt8(truncatingIfNeeded: bits >> 24))
    }

    /// IEEE 754 binary64, little-endian.
    @inlinable public mutating func writeDouble(_ value: Double) {
        var bits = value.bitPattern.littleEndian
        withUnsafeBytes(of: &bits) { bytes.append(contentsOf: $0) }
    }

    /// Length (as long) then the bytes.
    @inlinable public mutating func writeBytes(_ value: [UInt8]) {
        writeLong(Int64(value.count))
        bytes.append(contentsOf: value)
    }

    /// Length then raw bytes from a buffer, for callers holding memory they do not own as an array.
    @inlinable public mutating func writeBytes(_ value: UnsafeRawBufferPointer) {
        writeLong(Int64(value.count))
        bytes.append(contentsOf: value)
    }

    /// UTF-8 length then UTF-8 bytes, copied straight from the string's storage when contiguous.
    @inlinable public mutating func writeString(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            writeLong(Int64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// The bytes only; the schema fixes the size.
    @inlinable public mutating func writeFixed(_ value: [UInt8]) { bytes.append(contentsOf: value) }

    /// Enum symbol index as int.
    @inlinable public mutating func writeEnum(_ index: Int) { writeLong(Int64(index)) }

    /// Union branch index as long, to be followed by the branch's value.
    @inlinable public mutating func writeUnionBranch(_ index: Int) { writeLong(Int64(index)) }

    /// Starts an array or map block of `count` items (skip it for empty blocks; `count` must be > 0).
    @inlinable public mutating func writeBlockCount(_ count: Int) { writeLong(Int64(count)) }

    /// Ends an array or map: the zero-count block.
    @inlinable public mutating func writeBlockEnd() { bytes.append(0) }
}

extension AvroBinaryWriter {
    /// Encodes `value` after checking it matches `schema`; appends to `bytes`.
    public mutating func encode(_ value: AvroValue, as schema: AvroCompiledSchema) throws {
        let start = bytes.count
        do {
            try schema.withPlan { plan in try encode(value, node: schema.root, plan) }
        } catch let failure as AvroPathFailure {
            bytes.removeSubrange(start...) // leave no half-written record behind
            throw failure.encodingError(schema)
        }
    }

    /// Compiles `schema` and encodes; prefer the `AvroCompiledSchema` overload in loops.
    public mutating func encode(_ value: AvroValue, as schema: AvroSchema) throws {
        try encode(value, as: AvroCompiledSchema(schema))
    }

    /// Encodes one value into a fresh byte array.
    public static func encode(_ value: AvroValue, as schema: AvroCompiledSchema) throws -> [UInt8] {
        var writer = AvroBinaryWriter()
        try writer.encode(value, as: schema)
        return writer.bytes
    }

    /// The hot path: walks plain-data nodes, so the only reference counting is on the value itself.
    /// The error path is assembled while unwinding, costing nothing when encoding succeeds.
    mutating func encode(_ value: AvroValue, node index: Int, _ plan: AvroPlan) throws {
        let node = plan.nodes[index]
        func mismatch(_ message: String? = nil) -> AvroPathFailure { AvroPathFailure(node: index, got: value.kindName, message: message) }
        switch node.kind {
        case .null: guard case .null = value else { throw mismatch() }
        case .boolean: guard case .boolean(let b) = value else { throw mismatch() }; writeBoolean(b)
        case .int: guard case .int(let i) = value else { throw mismatch() }; writeInt(i)
        case .long: guard case .long(let l) = value else { throw mismatch() }; writeLong(l)
        case .float: guard case .float(let f) = value else { throw mismatch() }; writeFloat(f)
        case .double: guard case .double(let d) = value else { throw mismatch() }; writeDouble(d)
        case .bytes: guard case .bytes(let b) = value else { throw mismatch() }; writeBytes(b)
        case .string: guard case .string(let s) = value else { throw mismatch() }; writeString(s)
        case .fixed:
            guard case .fixed(let b) = value else { throw mismatch() }
            guard b.count == node.size else { throw mismatch("fixed needs \(node.size) bytes, got \(b.count)") }
            writeFixed(b)
        case .enumeration:
            guard case .enumSymbol(let i, let name) = value else { throw mismatch() }
            guard i >= 0, i < node.count, plan.symbols[node.first + i] == name else {
                throw mismatch("enum has no symbol \(i) named '\(name)'")
            }
            writeEnum(i)
        case .array:
            guard case .array(let items) = value else { throw mismatch() }
            if !items.isEmpty {
                writeBlockCount(items.count)
                let child = plan.children[node.first]
                for i in items.indices {
                    do { try encode(items[i], node: child, plan) } catch var f as AvroPathFailure { f.steps.append(.item(i)); throw f }
                }
            }
            writeBlockEnd()
        case .map:
            guard case .map(let entries) = value else { throw mismatch() }
            if !entries.isEmpty {
                writeBlockCount(entries.count)
                let child = plan.children[node.first]
                for (key, item) in entries {
                    writeString(key)
                    do { try encode(item, node: child, plan) } catch var f as AvroPathFailure { f.steps.append(.key(key)); throw f }
                }
            }
            writeBlockEnd()
        case .record:
            guard case .record(let fields) = value else { throw mismatch() }
            guard fields.count == node.count else { throw mismatch("record has \(node.count) fields, value has \(fields.count)") }
            for i in 0..<fields.count {
                do { try encode(fields[i], node: plan.children[node.first + i], plan) } catch var f as AvroPathFailure {
                    f.steps.append(.field(record: index, i))
                    throw f
                }
            }
        case .union:
            guard case .union(let branch, let inner) = value else { throw mismatch("expected a union value (.union(branch:_:)), got \(value.kindName)") }
            guard branch >= 0, branch < node.count else { throw mismatch("union branch \(branch) out of range 0..<\(node.count)") }
            writeUnionBranch(branch)
            do { try encode(inner, node: plan.children[node.first + branch], plan) } catch var f as AvroPathFailure { f.steps.append(.branch(branch)); throw f }
        }
    }
}

/// An encoding failure unwinding out of the hot path; collects the path innermost-first.
struct AvroPathFailure: Error {
    enum Step { case field(record: Int, Int), item(Int), key(String), branch(Int) }

    let node: Int
    let got: String
    let message: String?
    var steps: [Step] = []

    init(node: Int, got: String, message: String?) {
        self.node = node
        self.got = got
        self.message = message
    }

    /// The public error: path like `Value.tags[3]` or `Value.attrs{"k"}`, message naming the expected type.
    func encodingError(_ schema: AvroCompiledSchema) -> AvroEncodingError {
        var path = schema.rootPath
        for step in steps.reversed() {
            switch step {
            case .field(let record, let i): path += "." + schema.nodes[record].names[i]
            case .item(let i), .branch(let i): path += "[\(i)]"
            case .key(let k): path += "{\"\(k)\"}"
            }
        }
        let expected = schema.nodes[node].typeName
        return AvroEncodingError(path: path, message: message.map { "\(expected): \($0)" } ?? "expected \(expected), got \(got)")
    }
}
