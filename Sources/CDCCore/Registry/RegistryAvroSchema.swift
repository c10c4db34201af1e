/// The parts of an Avro schema that schema resolution looks at: types, names (with namespaces
/// and aliases), record fields and whether they have defaults, enum symbols, fixed sizes.
/// Logical types and other attributes don't take part in resolution and are dropped.
///
/// Avro C validates a schema before it gets here (`AvroLibrary.validate`); this model exists
/// because Avro C's resolver can't decide compatibility (see `RegistryCompatibility`).
struct RegistryAvroSchema: Sendable {
    indirect enum Node: Sendable {
        case primitive(Primitive)
        case array(Node)
        case map(Node)
        case union([Node])
        /// A record, enum or fixed, by full name (a key of `named`).
        case named(String)
    }

    enum Primitive: String, Sendable, CaseIterable {
        case null, boolean, int, long, float, double, bytes, string
    }

    struct Field: Sendable {
        let name: String
        let aliases: [String]
        let type: Node
        let hasDefault: Bool
    }

    enum NamedKind: Sendable {
        case record([Field])
        case enumeration(symbols: [String], hasDefault: Bool)
        case fixed(size: Int)
    }

    struct Named: Sendable {
        let fullName: String
        /// The unqualified name.
        let name: String
        /// Full names.
        let aliases: Set<String>
        let kind: NamedKind
    }

    struct ParseError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    private(set) var root: Node = .primitive(.null)
    private(set) var named: [String: Named] = [:]

    init(json: RegistryJSON) throws {
        root = try parse(json, namespace: "")
    }

    init(text: String) throws {
        let json: RegistryJSON
        do { json = try RegistryJSON(parsing: text) } catch { throw ParseError("not valid JSON") }
        try self.init(json: json)
    }

    // MARK: parsing

    private mutating func parse(_ json: RegistryJSON, namespace: String) throws -> Node {
        switch json {
        case .string(let name):
            return try reference(name, namespace: namespace)
        case .array(let branches):
            return .union(try branches.map { try parse($0, namespace: namespace) })
        case .object(let members):
            guard let type = members["type"] else { throw ParseError("a schema object lacks \"type\"") }
            guard case .string(let typeName) = type else {
                return try parse(type, namespace: namespace) // {"type": {...}} or {"type": [...]}
            }
            switch typeName {
            case "record", "error", "enum", "fixed":
                return try parseNamed(members, kind: typeName, namespace: namespace)
            case "array":
                guard let items = members["items"] else { throw ParseError("an array lacks \"items\"") }
                return .array(try parse(items, namespace: namespace))
            case "map":
                guard let values = members["values"] else { throw ParseError("a map lacks \"values\"") }
                return .map(try parse(values, namespace: namespace))
            default:
                return try reference(typeName, namespace: namespace)
            }
        default:
            throw ParseError("unexpected \(json.canonicalText) where a schema was expected")
        }
    }

    private func reference(_ name: String, namespace: String) throws -> Node {
        if let primitive = Primitive(rawValue: name) { return .primitive(primitive) }
        let candidates = name.contains(".") || namespace.isEmpty ? [name] : ["\(namespace).\(name)", name]
        for candidate in candidates where named[candidate] != nil { return .named(candidate) }
        throw ParseError("unknown type '\(name)'")
    }

    private mutating func parseNamed(_ members: [String: RegistryJSON], kind: String, namespace enclosing: String) throws -> Node {
        guard let name = members["name"]?.stringValue, !name.isEmpty else { throw ParseError("a \(kind) lacks a name") }
        let namespace: String
        let shortName: String
        if let dot = name.lastIndex(of: ".") {
            namespace = String(name[..<dot])
            shortName = String(name[name.index(after: dot)...])
        } else {
            namespace = members["namespace"]?.stringValue ?? enclosing
            shortName = name
        }
        let fullName = namespace.isEmpty ? shortName : "\(namespace).\(shortName)"
        guard named[fullName] == nil else { throw ParseError("'\(fullName)' is defined twice") }
        var aliases = Set<String>()
        if case .array(let list)? = members["aliases"] {
            for case .string(let alias) in list {
                aliases.insert(alias.contains(".") || namespace.isEmpty ? alias : "\(namespace).\(alias)")
            }
        }
        switch kind {
        case "enum":
            guard case .array(let list)? = members["symbols"] else { throw ParseError("enum '\(fullName)' lacks symbols") }
            let symbols = list.compactMap(\.stringValue)
            named[fullName] = Named(fullName: fullName, name: shortName, aliases: aliases,
                                    kind: .enumeration(symbols: symbols, hasDefault: members["default"] != nil))
        case "fixed":
            let size: Int
            switch members["size"] {
            case .int(let n)?: size = Int(n)
            case .double(let d)? where d == d.rounded(): size = Int(d)
            default: throw ParseError("fixed '\(fullName)' lacks a size")
            }
            named[fullName] = Named(fullName: fullName, name: shortName, aliases: aliases, kind: .fixed(size: size))
        default: // record, error
            // Registered before its fields are parsed: a field may refer to the record itself.
            named[fullName] = Named(fullName: fullName, name: shortName, aliases: aliases, kind: .record([]))
            guard case .array(let list)? = members["fields"] else { throw ParseError("record '\(fullName)' lacks fields") }
            var fields: [Field] = []
            for field in list {
                guard case .object(let f) = field, let fieldName = f["name"]?.stringValue, let fieldType = f["type"] else {
                    throw ParseError("record '\(fullName)' has a field without a name or a type")
                }
                var fieldAliases: [String] = []
                if case .array(let a)? = f["aliases"] { fieldAliases = a.compactMap(\.stringValue) }
                fields.append(Field(name: fieldName, aliases: fieldAliases, type: try parse(fieldType, namespace: namespace),
                                    hasDefault: f["default"] != nil))
            }
            named[fullName] = Named(fullName: fullName, name: shortName, aliases: aliases, kind: .record(fields))
        }
        return .named(fullName)
    }
}
