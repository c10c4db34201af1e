/// Named-type definitions of one schema, for following `.reference` nodes.
struct AvroNamedTypes {
    var definitions: [String: AvroSchema]

    init(_ definitions: [String: AvroSchema]) { self.definitions = definitions }

    /// Collects every named-type definition in `schema`.
    init(collecting schema: AvroSchema) {
        definitions = [:]
        collect(schema)
    }

    private mutating func collect(_ schema: AvroSchema) {
        switch schema {
        case .record(let r):
            definitions[r.fullName] = schema
            for field in r.fields { collect(field.type) }
        case .enum(let e): definitions[e.fullName] = schema
        case .fixed(let f): definitions[f.fullName] = schema
        case .array(let inner), .map(let inner), .annotated(let inner, _): collect(inner)
        case .union(let branches): branches.forEach { collect($0) }
        default: break
        }
    }

    /// Follows references and strips annotations down to a concrete type.
    func resolve(_ schema: AvroSchema) throws -> AvroSchema {
        switch schema {
        case .annotated(let inner, _): return try resolve(inner)
        case .reference(let name):
            guard let definition = definitions[name] else { throw AvroSchemaError(path: "", message: "unknown type '\(name)'") }
            return definition
        default: return schema
        }
    }
}

/// Converts JSON default values (and other JSON-encoded data) to `AvroValue` for a schema.
///
/// Uses the spec's JSON encoding of defaults: bytes and fixed are strings whose code points
/// 0–255 are the bytes, enums are symbol strings, maps and records are objects. A union default
/// may match any branch (Avro 1.12); the first branch that matches is used.
public enum AvroDefaultValue {
    /// Nesting limit: a record whose field default relies on that record's own default would recurse forever.
    static let maxDepth = 256

    /// Converts a JSON default for `schema`; throws `AvroSchemaError` when it does not fit.
    public static func value(from json: AvroJSONValue, as schema: AvroSchema) throws -> AvroValue {
        try value(from: json, as: schema, named: AvroNamedTypes(collecting: schema))
    }

    static func value(from json: AvroJSONValue, as schema: AvroSchema, named: AvroNamedTypes, depth: Int = 0) throws -> AvroValue {
        guard depth < maxDepth else { throw mismatch("nesting too deep (recursive default?)") }
        let type = try named.resolve(schema)
        switch (type, json) {
        case (.null, .null): return .null
        case (.boolean, .bool(let b)): return .boolean(b)
        case (.int, .integer(let i)):
            guard let v = Int32(exactly: i) else { throw mismatch("\(i) is out of range for int") }
            return .int(v)
        case (.long, .integer(let i)): return .long(i)
        case (.float, _):
            guard let d = json.doubleValue else { throw mismatch("expected a number for float") }
            return .float(Float(d))
        case (.double, _):
            guard let d = json.doubleValue else { throw mismatch("expected a number for double") }
            return .double(d)
        case (.string, .string(let s)): return .string(s)
        case (.bytes, .string(let s)): return .bytes(try latin1(s))
        case (.fixed(let f), .string(let s)):
            let bytes = try latin1(s)
            guard bytes.count == f.size else { throw mismatch("fixed \(f.fullName) needs \(f.size) bytes, got \(bytes.count)") }
            return .fixed(bytes)
        case (.enum(let e), .string(let s)):
            guard let index = e.symbols.firstIndex(of: s) else { throw mismatch("'\(s)' is not a symbol of \(e.fullName)") }
            return .enumSymbol(index: index, name: s)
        case (.array(let items), .array(let list)):
            return .array(try list.map { try value(from: $0, as: items, named: named, depth: depth + 1) })
        case (.map(let values), .object(let object)):
            return .map(try object.keys.sorted().map { ($0, try value(from: object[$0]!, as: values, named: named, depth: depth + 1)) })
        case (.record(let r), .object(let object)):
            return .record(try r.fields.map { field in
                if let given = object[field.name] { return try value(from: given, as: field.type, named: named, depth: depth + 1) }
                guard let fallback = field.defaultValue else { throw mismatch("record \(r.fullName) default lacks field '\(field.name)'") }
                return try value(from: fallback, as: field.type, named: named, depth: depth + 1)
            })
        case (.union(let branches), _):
            for (i, branch) in branches.enumerated() {
                if let v = try? value(from: json, as: branch, named: named, depth: depth + 1) { return .union(branch: i, v) }
            }
            throw mismatch("\(json.jsonText) matches no union branch")
        default:
            throw mismatch("\(json.jsonText) does not fit type \(AvroSchemaWriter.typeName(type))")
        }
    }

    /// Bytes from the JSON convention of one code point (0–255) per byte.
    static func latin1(_ s: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.unicodeScalars.count)
        for scalar in s.unicodeScalars {
            guard scalar.value <= 0xFF else { throw mismatch("bytes strings may only hold code points up to U+00FF") }
            bytes.append(UInt8(scalar.value))
        }
        return bytes
    }

    static func mismatch(_ message: String) -> AvroSchemaError { AvroSchemaError(path: "", message: message) }
}
