/// An invalid schema; `path` names the offending place, e.g. `Value.amount` or `Value.tags[]`.
public struct AvroSchemaError: Error, Equatable, CustomStringConvertible {
    /// Where: record name, then `.field`, `[]` for array items, `{}` for map values, `[i]` for union branch i.
    public let path: String
    /// What was wrong.
    public let message: String

    /// Creates an error.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// "path: message".
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Parses Avro schema JSON into `AvroSchema`, resolving names and validating per the Avro spec.
///
/// The Swift checks are stricter than Avro C's (which accepts duplicate fields, duplicate union
/// branches and bad defaults), so a schema is accepted only when both the Swift checks and Avro C
/// accept it: the codecs built on either side then agree on every schema that gets through.
/// Avro C is shown the Parsing Canonical Form, which holds everything it uses; its JSON parser
/// (jansson) would otherwise reject valid schemas over irrelevant parts, e.g. a bytes default "\u0000".
public enum AvroSchemaParser {
    /// Parses schema JSON text; `checkWithAvroC` also runs Avro C's parser on the same text.
    public static func parse(_ json: String, checkWithAvroC: Bool = true) throws -> AvroSchema {
        let document: AvroJSONValue
        do {
            document = try AvroJSONValue(parsing: json)
        } catch let error as AvroJSONError {
            throw AvroSchemaError(path: "", message: error.description)
        }
        return try parse(json: document, checkWithAvroC: checkWithAvroC)
    }

    /// Parses an already-decoded JSON document.
    public static func parse(json document: AvroJSONValue, checkWithAvroC: Bool = true) throws -> AvroSchema {
        let builder = AvroSchemaBuilder()
        let schema = try builder.schema(document, namespace: nil, path: "")
        try builder.validateDefaults()
        if checkWithAvroC, let message = AvroLibrary.validate(schemaJSON: schema.parsingCanonicalForm()) {
            throw AvroSchemaError(path: "", message: "Avro C rejected the schema: \(message)")
        }
        return schema
    }

    /// The primitive type names, which can neither be redefined nor used as named-type names.
    static let primitives: [String: AvroSchema] = [
        "null": .null, "boolean": .boolean, "int": .int, "long": .long,
        "float": .float, "double": .double, "bytes": .bytes, "string": .string,
    ]

    /// True for an Avro name component: `[A-Za-z_][A-Za-z0-9_]*`.
    static func isValidName(_ s: String) -> Bool {
        guard let first = s.utf8.first, first == UInt8(ascii: "_") || isLetter(first) else { return false }
        return s.utf8.allSatisfy { $0 == UInt8(ascii: "_") || isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) }
    }

    private static func isLetter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
}

/// Parse state: named types seen so far and field defaults to check once every name is known.
final class AvroSchemaBuilder {
    var named: [String: AvroSchema] = [:]
    private var pendingDefaults: [(path: String, type: AvroSchema, value: AvroJSONValue)] = []

    func fail(_ path: String, _ message: String) -> AvroSchemaError { AvroSchemaError(path: path, message: message) }

    /// Parses any schema JSON value in the given enclosing namespace.
    func schema(_ json: AvroJSONValue, namespace: String?, path: String) throws -> AvroSchema {
        switch json {
        case .string(let name): return try resolve(name, namespace: namespace, path: path)
        case .array(let branches): return try union(branches, namespace: namespace, path: path)
        case .object(let object): return try complex(object, namespace: namespace, path: path)
        default: throw fail(path, "a schema must be a string, an object or an array, not \(json.jsonText)")
        }
    }

    /// Resolves a type name: a primitive, or a named type already defined (relative to `namespace`).
    func resolve(_ name: String, namespace: String?, path: String) throws -> AvroSchema {
        if let primitive = AvroSchemaParser.primitives[name] { return primitive }
        // Like Java and Avro C, an unqualified name is looked up in the enclosing namespace only.
        let full = name.contains(".") ? name : AvroSchema.fullName(name, namespace)
        guard named[full] != nil else { throw fail(path, "unknown type '\(name)'") }
        return .reference(full)
    }

    func union(_ branches: [AvroJSONValue], namespace: String?, path: String) throws -> AvroSchema {
        guard !branches.isEmpty else { throw fail(path, "a union must have at least one branch") }
        var seen: Set<String> = []
        var types: [AvroSchema] = []
        for (i, branch) in branches.enumerated() {
            let type = try schema(branch, namespace: namespace, path: "\(path)[\(i)]")
            let key: String
            switch type.unannotated {
            case .union: throw fail("\(path)[\(i)]", "a union may not directly contain another union")
            case .array: key = "array"
            case .map: key = "map"
            default: key = type.fullName ?? AvroSchemaWriter.primitiveName(type.unannotated) ?? "?"
            }
            guard seen.insert(key).inserted else { throw fail("\(path)[\(i)]", "duplicate union branch '\(key)'") }
            types.append(type)
        }
        return .union(types)
    }

    func complex(_ object: [String: AvroJSONValue], namespace: String?, path: String) throws -> AvroSchema {
        guard let typeJSON = object["type"] else { throw fail(path, "missing \"type\"") }
        guard case .string(let type) = typeJSON else {
            // {"type": {...}} is only meaningful for record fields, which are handled separately.
            throw fail(path, "\"type\" must be a string here, not \(typeJSON.jsonText)")
        }
        switch type {
        case "record", "error": return try record(object, namespace: namespace, path: path)
        case "enum": return try enumeration(object, namespace: namespace, path: path)
        case "fixed": return try fixed(object, namespace: namespace, path: path)
        case "array", "map":
            let key = type == "array" ? "items" : "values"
            guard let inner = object[key] else { throw fail(path, "\(type) needs \"\(key)\"") }
            let element = try schema(inner, namespace: namespace, path: path + (type == "array" ? "[]" : "{}"))
            let base: AvroSchema = type == "array" ? .array(element) : .map(element)
            return annotate(base, object, consumed: ["type", key])
        default:
            let base = try resolve(type, namespace: namespace, path: path)
            return annotate(base, object, consumed: ["type"])
        }
    }

    /// Wraps an unnamed type with its logical type (when valid) and leftover properties.
    func annotate(_ base: AvroSchema, _ object: [String: AvroJSONValue], consumed: Set<String>) -> AvroSchema {
        var consumed = consumed
        let logical = AvroLogicalTypes.parse(object, base: base, consumed: &consumed)
        let properties = object.filter { !consumed.contains($0.key) }
        if logical == nil && properties.isEmpty { return base }
        return .annotated(base, .init(logicalType: logical, properties: properties))
    }

    /// Reads name/namespace/aliases of a named type and registers its full name.
    func declare(_ object: [String: AvroJSONValue], namespace: String?, path: String)
        throws -> (name: String, namespace: String?, aliases: [String], path: String) {
        guard case .string(let rawName)? = object["name"] else { throw fail(path, "a named type needs a string \"name\"") }
        var ns = namespace
        if let given = object["namespace"] {
            guard case .string(let s) = given else { throw fail(path, "\"namespace\" must be a string") }
            ns = s.isEmpty ? nil : s
        }
        let (name, effective) = AvroSchema.splitName(rawName, ns)
        let here = path.isEmpty ? name : path
        guard AvroSchemaParser.isValidName(name) else { throw fail(here, "invalid name '\(rawName)'") }
        if let effective, !effective.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ AvroSchemaParser.isValidName(String($0)) }) {
            throw fail(here, "invalid namespace '\(effective)'")
        }
        guard AvroSchemaParser.primitives[name] == nil else { throw fail(here, "a named type may not be called '\(name)'") }
        let full = AvroSchema.fullName(name, effective)
        guard named[full] == nil else { throw fail(here, "redefinition of named type '\(full)'") }
        named[full] = .null // placeholder so the type can refer to itself
        var aliases: [String] = []
        if let list = object["aliases"] {
            guard case .array(let items) = list else { throw fail(here, "\"aliases\" must be an array of names") }
            for item in items {
                guard case .string(let alias) = item else { throw fail(here, "\"aliases\" must be an array of names") }
                aliases.append(alias.contains(".") ? alias : AvroSchema.fullName(alias, effective))
            }
        }
        return (name, effective, aliases, here)
    }

    func record(_ object: [String: AvroJSONValue], namespace: String?, path: String) throws -> AvroSchema {
        let d = try declare(object, namespace: namespace, path: path)
        guard case .array(let fieldsJSON)? = object["fields"] else { throw fail(d.path, "a record needs a \"fields\" array") }
        var fields: [AvroSchema.Field] = []
        var names: Set<String> = []
        for (i, fieldJSON) in fieldsJSON.enumerated() {
            guard case .object(let f) = fieldJSON else { throw fail("\(d.path).fields[\(i)]", "a field must be an object") }
            guard case .string(let fieldName)? = f["name"] else { throw fail("\(d.path).fields[\(i)]", "a field needs a string \"name\"") }
            let fieldPath = "\(d.path).\(fieldName)"
            guard AvroSchemaParser.isValidName(fieldName) else { throw fail(fieldPath, "invalid field name") }
            guard names.insert(fieldName).inserted else { throw fail(fieldPath, "duplicate field name") }
            guard let typeJSON = f["type"] else { throw fail(fieldPath, "a field needs a \"type\"") }
            let type = try schema(typeJSON, namespace: d.namespace, path: fieldPath)
            var field = AvroSchema.Field(name: fieldName, type: type)
            if let def = f["default"] {
                field.defaultValue = def
                pendingDefaults.append((fieldPath, type, def))
            }
            if let doc = f["doc"] { guard case .string(let s) = doc else { throw fail(fieldPath, "\"doc\" must be a string") }; field.doc = s }
            if let order = f["order"] {
                guard case .string(let s) = order, ["ascending", "descending", "ignore"].contains(s) else {
                    throw fail(fieldPath, "\"order\" must be ascending, descending or ignore")
                }
                field.order = s
            }
            if let list = f["aliases"] {
                guard case .array(let items) = list, let aliases = Optional(items.compactMap(\.stringValue)), aliases.count == items.count else {
                    throw fail(fieldPath, "\"aliases\" must be an array of names")
                }
                field.aliases = aliases
            }
            field.properties = f.filter { !["name", "type", "default", "doc", "order", "aliases"].contains($0.key) }
            fields.append(field)
        }
        var record = AvroSchema.Record(name: d.name, namespace: d.namespace, aliases: d.aliases, fields: fields)
        if let doc = object["doc"] { guard case .string(let s) = doc else { throw fail(d.path, "\"doc\" must be a string") }; record.doc = s }
        record.properties = object.filter { !["type", "name", "namespace", "doc", "aliases", "fields"].contains($0.key) }
        named[record.fullName] = .record(record)
        return .record(record)
    }

    func enumeration(_ object: [String: AvroJSONValue], namespace: String?, path: String) throws -> AvroSchema {
        let d = try declare(object, namespace: namespace, path: path)
        guard case .array(let list)? = object["symbols"] else { throw fail(d.path, "an enum needs a \"symbols\" array") }
        var symbols: [String] = []
        for item in list {
            guard case .string(let s) = item, AvroSchemaParser.isValidName(s) else { throw fail(d.path, "invalid enum symbol \(item.jsonText)") }
            guard !symbols.contains(s) else { throw fail(d.path, "duplicate enum symbol '\(s)'") }
            symbols.append(s)
        }
        // Avro C refuses empty enums; refusing here too keeps both parsers in agreement.
        guard !symbols.isEmpty else { throw fail(d.path, "an enum must have at least one symbol") }
        var e = AvroSchema.Enum(name: d.name, namespace: d.namespace, aliases: d.aliases, symbols: symbols)
        if let def = object["default"] {
            guard case .string(let s) = def, symbols.contains(s) else { throw fail(d.path, "enum default must be one of the symbols") }
            e.defaultSymbol = s
        }
        if let doc = object["doc"] { guard case .string(let s) = doc else { throw fail(d.path, "\"doc\" must be a string") }; e.doc = s }
        e.properties = object.filter { !["type", "name", "namespace", "doc", "aliases", "symbols", "default"].contains($0.key) }
        named[e.fullName] = .enum(e)
        return .enum(e)
    }

    func fixed(_ object: [String: AvroJSONValue], namespace: String?, path: String) throws -> AvroSchema {
        let d = try declare(object, namespace: namespace, path: path)
        guard case .integer(let size)? = object["size"], size >= 0, size <= Int32.max else {
            throw fail(d.path, "a fixed needs a non-negative integer \"size\"")
        }
        var f = AvroSchema.Fixed(name: d.name, namespace: d.namespace, aliases: d.aliases, size: Int(size))
        var consumed: Set<String> = ["type", "name", "namespace", "doc", "aliases", "size"]
        f.logicalType = AvroLogicalTypes.parse(object, base: .fixed(f), consumed: &consumed)
        if let doc = object["doc"] { guard case .string(let s) = doc else { throw fail(d.path, "\"doc\" must be a string") }; f.doc = s }
        f.properties = object.filter { !consumed.contains($0.key) }
        named[f.fullName] = .fixed(f)
        return .fixed(f)
    }

    /// Checks every field default against its type now that all named types are complete.
    func validateDefaults() throws {
        let table = AvroNamedTypes(named)
        for pending in pendingDefaults {
            do {
                _ = try AvroDefaultValue.value(from: pending.value, as: pending.type, named: table)
            } catch let error as AvroSchemaError {
                throw fail(pending.path, "invalid default \(pending.value.jsonText): \(error.message)")
            }
        }
    }
}
