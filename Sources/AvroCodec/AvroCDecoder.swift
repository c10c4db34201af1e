import CAvro
import Glibc

/// Decodes Avro binary data of any schema through Avro C's generic values, optionally resolving the
/// writer schema against a reader schema. The `consume` path uses it; the Swift reader is the fast path.
///
/// Reuses one Avro C value between calls, so an instance is not thread-safe. Avro C 1.11 leaks a
/// few bytes inside `avro_value_read` for each truncated datum (seen under valgrind), so prefer
/// `AvroBinaryReader` for input that may be malformed at high rates.
public final class AvroCDecoder {
    /// Schema of the data.
    public let writer: AvroSchema
    /// Schema of the produced values (the writer schema when no reader schema was given).
    public let reader: AvroSchema
    private let writerC: AvroCSchemaHandle
    private let readerC: AvroCSchemaHandle?
    private let destination: AvroCValueHandle
    /// What `avro_value_read` fills: the destination itself, or a resolved writer wrapping it.
    private let target: AvroCValueHandle
    /// Set when Avro C cannot resolve the pair correctly (defaults, aliases, string↔bytes, enum
    /// symbols by name): we then decode with the writer schema in Avro C and resolve in Swift.
    private let swiftResolution: (writer: AvroCompiledSchema, reader: AvroCompiledSchema)?
    private let readerCompiled: AvroCompiledSchema

    /// Prepares a decoder; throws when a schema is invalid or `reader` cannot read `writer` data.
    public init(writerSchemaJSON: String, readerSchemaJSON: String? = nil) throws {
        writer = try AvroSchemaParser.parse(writerSchemaJSON)
        reader = try readerSchemaJSON.map { try AvroSchemaParser.parse($0) } ?? writer
        // Avro C gets the Parsing Canonical Form: all it uses, and free of what its JSON parser
        // mishandles (e.g. "\u0000" inside a bytes default).
        writerC = try AvroCSchemaHandle(json: writer.parsingCanonicalForm())
        readerCompiled = try AvroCompiledSchema(reader)
        guard readerSchemaJSON != nil else {
            readerC = nil
            destination = try AvroCValueHandle(generic: AvroCValueClass(genericFor: writerC))
            target = destination
            swiftResolution = nil
            return
        }
        let writerCompiled = try AvroCompiledSchema(writer)
        // Checked in Swift first: Avro C's resolver crashes on some incompatible pairs.
        let check = AvroResolution.check(reader: readerCompiled, writer: writerCompiled)
        if let problem = check.problem {
            throw AvroSchemaError(path: "", message: "reader schema cannot read writer schema: \(problem)")
        }
        let readerHandle = try AvroCSchemaHandle(json: reader.parsingCanonicalForm())
        readerC = readerHandle
        if check.avroCSafe, let resolved = avro_resolved_writer_new(writerC.raw, readerHandle.raw) {
            destination = try AvroCValueHandle(generic: AvroCValueClass(genericFor: readerHandle))
            target = try AvroCValueHandle(resolvedWriter: AvroCValueClass(resolved), destination: destination)
            swiftResolution = nil
        } else {
            destination = try AvroCValueHandle(generic: AvroCValueClass(genericFor: writerC))
            target = destination
            swiftResolution = (writerCompiled, readerCompiled)
        }
    }

    /// True when Avro C performs the schema resolution itself (false: Swift finishes it).
    public var resolvesInAvroC: Bool { readerC != nil && swiftResolution == nil }

    /// Decodes one datum into an `AvroValue` of the reader schema.
    public func decode(_ bytes: [UInt8]) throws -> AvroValue {
        try read(bytes)
        let value = try AvroCDecoder.convert(destination.raw)
        guard let swiftResolution else { return value }
        return try AvroResolution.resolve(value, writer: swiftResolution.writer, reader: swiftResolution.reader)
    }

    /// Decodes one datum to JSON text in the given style (see `AvroJSON.Style`).
    ///
    /// Rendered by `AvroJSON` rather than Avro C's `avro_value_to_json`, which in 1.11 cuts
    /// bytes values off at the first NUL byte.
    public func decodeJSON(_ bytes: [UInt8], style: AvroJSON.Style = .plain) throws -> String {
        try AvroJSON.render(decode(bytes), as: readerCompiled, style: style)
    }

    /// Avro C's own JSON rendering of a datum (reference for tests; see `decodeJSON` for why not used).
    func avroCJSON(_ bytes: [UInt8]) throws -> String {
        try read(bytes)
        var json: UnsafeMutablePointer<CChar>?
        try avro_value_t.check(avro_value_to_json(&destination.raw, 1, &json), "avro_value_to_json")
        defer { free(json) }
        return String(cString: json!)
    }

    private func read(_ bytes: [UInt8]) throws {
        try destination.raw.reset()
        let scratch: [UInt8] = bytes.isEmpty ? [0] : bytes // never hand Avro C a nil buffer
        let status = scratch.withUnsafeBufferPointer { buf -> Int32 in
            let memory = buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { avro_reader_memory($0, Int64(bytes.count)) }
            defer { avro_reader_free(memory) }
            return avro_value_read(memory, &target.raw)
        }
        try avro_value_t.check(status, "avro_value_read")
    }

    /// Converts a filled Avro C value into an `AvroValue`, walking it through the iface methods.
    static func convert(_ v: avro_value_t) throws -> AvroValue {
        switch v.avroType {
        case AVRO_NULL: return .null
        case AVRO_BOOLEAN: return .boolean(try v.getBoolean())
        case AVRO_INT32: return .int(try v.getInt())
        case AVRO_INT64: return .long(try v.getLong())
        case AVRO_FLOAT: return .float(try v.getFloat())
        case AVRO_DOUBLE: return .double(try v.getDouble())
        case AVRO_BYTES: return .bytes(try v.getBytes())
        case AVRO_FIXED: return .fixed(try v.getFixed())
        case AVRO_STRING:
            // Avro C does not validate UTF-8; refuse rather than silently repair.
            guard let s = AvroBinaryReader.validUTF8(try v.getStringBytes().assumingMemoryBound(to: UInt8.self)) else { throw AvroCError(message: "string is not valid UTF-8") }
            return .string(s)
        case AVRO_ENUM:
            let index = try v.getEnum()
            guard let schema = v.schema, let name = avro_schema_enum_get(schema, index) else { throw AvroCError(message: "enum index \(index) has no symbol") }
            return .enumSymbol(index: Int(index), name: String(cString: name))
        case AVRO_RECORD, AVRO_ARRAY:
            let items = try (0..<v.getSize()).map { try convert(v.child(at: $0).0) }
            return v.avroType == AVRO_RECORD ? .record(items) : .array(items)
        case AVRO_MAP:
            return .map(try (0..<v.getSize()).map { i in
                let (child, key) = try v.child(at: i)
                return (key ?? "", try convert(child))
            })
        case AVRO_UNION:
            return .union(branch: Int(try v.getDiscriminant()), try convert(v.currentBranch()))
        default:
            throw AvroCError(message: "unsupported Avro C value type \(v.avroType.rawValue)")
        }
    }
}
