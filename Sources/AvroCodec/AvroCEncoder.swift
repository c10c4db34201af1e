import CAvro

/// Encodes `AvroValue`s through Avro C's generic values and `avro_value_write`.
///
/// The reference implementation the Swift `AvroBinaryWriter` is tested against byte for byte;
/// slower (it copies every datum into Avro C storage first). Reuses one value: not thread-safe.
public final class AvroCEncoder {
    /// The schema values are encoded with.
    public let schema: AvroSchema
    private let schemaC: AvroCSchemaHandle
    private let value: AvroCValueHandle

    /// Prepares an encoder for a schema.
    public init(schemaJSON: String) throws {
        schema = try AvroSchemaParser.parse(schemaJSON)
        schemaC = try AvroCSchemaHandle(json: schema.parsingCanonicalForm()) // see AvroCDecoder.init
        value = try AvroCValueHandle(generic: AvroCValueClass(genericFor: schemaC))
    }

    /// The Avro binary encoding of `datum`, as produced by Avro C.
    public func encode(_ datum: AvroValue) throws -> [UInt8] {
        try value.raw.reset()
        try AvroCEncoder.fill(value.raw, with: datum)
        var size = 0
        try avro_value_t.check(avro_value_sizeof(&value.raw, &size), "avro_value_sizeof")
        var out = [UInt8](repeating: 0, count: max(size, 1))
        let status = out.withUnsafeMutableBufferPointer { buf -> Int32 in
            let writer = buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { avro_writer_memory($0, Int64(size)) }
            defer { avro_writer_free(writer) }
            return avro_value_write(writer, &value.raw)
        }
        try avro_value_t.check(status, "avro_value_write")
        return Array(out.prefix(size))
    }

    /// Copies an `AvroValue` into an Avro C value of the matching schema.
    static func fill(_ v: avro_value_t, with datum: AvroValue) throws {
        switch datum {
        case .null: try v.setNull()
        case .boolean(let b): try v.setBoolean(b)
        case .int(let i): try v.setInt(i)
        case .long(let l): try v.setLong(l)
        case .float(let f): try v.setFloat(f)
        case .double(let d): try v.setDouble(d)
        case .bytes(let b): try v.setBytes(b, fixed: false)
        case .fixed(let b): try v.setBytes(b, fixed: true)
        case .string(let s): try v.setString(s)
        case .enumSymbol(let i, _): try v.setEnum(i)
        case .array(let items): for item in items { try fill(v.appendItem(), with: item) }
        case .map(let entries): for (key, item) in entries { try fill(v.addEntry(key), with: item) }
        case .record(let fields):
            for (i, field) in fields.enumerated() { try fill(v.child(at: i).0, with: field) }
        case .union(let branch, let inner): try fill(v.setBranch(branch), with: inner)
        }
    }
}
