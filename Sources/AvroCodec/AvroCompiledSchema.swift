/// A schema flattened for the codecs: one node per distinct type, references resolved to node
/// indexes (so recursive types need no reference cycles), and defaults pre-converted.
///
/// Build it once per schema and reuse it: encoding and decoding then never look names up.
public final class AvroCompiledSchema: Sendable {
    /// The schema this was compiled from.
    public let schema: AvroSchema
    let nodes: [AvroNode]
    let root: Int
    /// Plain-data copy of what the binary codecs need, walked without reference counting.
    let flat: [AvroFlatNode]
    /// Child node indexes of all nodes, pooled (`AvroFlatNode.first`/`count` slice it).
    let flatChildren: [Int]
    /// Enum symbols of all enums, pooled the same way.
    let flatSymbols: [String]

    /// Compiles a schema; throws `AvroSchemaError` for dangling references or invalid defaults.
    public init(_ schema: AvroSchema) throws {
        var compiler = AvroSchemaCompiler(named: AvroNamedTypes(collecting: schema))
        let root = try compiler.compile(schema)
        compiler.computeMinimumSizes()
        self.schema = schema
        self.nodes = compiler.drafts.map(AvroNode.init)
        self.root = root
        var flat: [AvroFlatNode] = [], children: [Int] = [], symbols: [String] = []
        for d in compiler.drafts {
            let isEnum = d.kind == .enumeration
            flat.append(AvroFlatNode(kind: d.kind, first: isEnum ? symbols.count : children.count,
                                     count: isEnum ? d.names.count : d.children.count, size: d.size, minimumSize: d.minimumSize))
            if isEnum { symbols += d.names } else { children += d.children }
        }
        (self.flat, self.flatChildren, self.flatSymbols) = (flat, children, symbols)
    }

    /// Runs `body` with unsafe views of the flat tables (valid only inside `body`).
    func withPlan<R>(_ body: (AvroPlan) throws -> R) rethrows -> R {
        try flat.withUnsafeBufferPointer { nodes in
            try flatChildren.withUnsafeBufferPointer { children in
                try flatSymbols.withUnsafeBufferPointer { symbols in
                    try body(AvroPlan(nodes: nodes, children: children, symbols: symbols))
                }
            }
        }
    }

    /// How error paths start: the root record's short name, or `$` for other roots.
    var rootPath: String { nodes[root].shortName.isEmpty ? "$" : nodes[root].shortName }

    /// Parses and compiles schema JSON.
    public convenience init(json: String) throws {
        try self.init(AvroSchemaParser.parse(json))
    }
}

/// One type of a compiled schema. Immutable; children are indexes into `AvroCompiledSchema.nodes`.
final class AvroNode: Sendable {
    enum Kind: Sendable { case null, boolean, int, long, float, double, bytes, string, fixed, enumeration, array, map, record, union }

    let kind: Kind
    /// items (array), values (map), field types (record), branches (union).
    let children: [Int]
    /// Field names (record) or symbols (enum).
    let names: [String]
    /// Full name of a named type, otherwise the kind's name ("int", "array", ...): Avro's union branch name.
    let typeName: String
    /// Short (unqualified) name of a named type; resolution matches on it as the spec says.
    let shortName: String
    /// Full-name aliases of a named type.
    let aliases: [String]
    /// Aliases per record field.
    let fieldAliases: [[String]]
    /// Defaults per record field, already converted from JSON.
    let fieldDefaults: [AvroValue?]
    /// Default symbol index of an enum.
    let enumDefault: Int?
    /// Size of a fixed.
    let size: Int
    let logicalType: AvroLogicalType?
    /// Fewest bytes any value of this type encodes to; lets the decoder reject absurd item counts early.
    let minimumSize: Int

    init(_ d: AvroNodeDraft) {
        kind = d.kind
        children = d.children
        names = d.names
        typeName = d.typeName
        shortName = d.shortName
        aliases = d.aliases
        fieldAliases = d.fieldAliases
        fieldDefaults = d.fieldDefaults
        enumDefault = d.enumDefault
        size = d.size
        logicalType = d.logicalType
        minimumSize = d.minimumSize
    }
}

/// The per-node facts the binary codecs need, as plain data.
struct AvroFlatNode {
    let kind: AvroNode.Kind
    /// Start of this node's slice of `flatChildren` (or of `flatSymbols` for enums).
    let first: Int
    /// Children (fields, branches, 1 for array/map) or enum symbols.
    let count: Int
    /// Size of a fixed.
    let size: Int
    let minimumSize: Int
}

/// Unsafe views of a compiled schema's flat tables for the duration of one encode/decode.
struct AvroPlan {
    let nodes: UnsafeBufferPointer<AvroFlatNode>
    let children: UnsafeBufferPointer<Int>
    let symbols: UnsafeBufferPointer<String>
}

/// Mutable node under construction (children of recursive types are filled in after allocation).
struct AvroNodeDraft {
    var kind: AvroNode.Kind
    var children: [Int] = []
    var names: [String] = []
    var typeName: String
    var shortName = ""
    var aliases: [String] = []
    var fieldAliases: [[String]] = []
    var fieldDefaults: [AvroValue?] = []
    var enumDefault: Int?
    var size = 0
    var logicalType: AvroLogicalType?
    var minimumSize = 0
}

/// Walks an `AvroSchema` into drafts, giving each named type exactly one node.
struct AvroSchemaCompiler {
    let named: AvroNamedTypes
    var drafts: [AvroNodeDraft] = []
    var namedIndex: [String: Int] = [:]

    init(named: AvroNamedTypes) { self.named = named }

    mutating func add(_ draft: AvroNodeDraft) -> Int {
        drafts.append(draft)
        return drafts.count - 1
    }

    mutating func compile(_ schema: AvroSchema, logical: AvroLogicalType? = nil) throws -> Int {
        switch schema {
        case .null: return add(.init(kind: .null, typeName: "null", logicalType: logical))
        case .boolean: return add(.init(kind: .boolean, typeName: "boolean", logicalType: logical))
        case .int: return add(.init(kind: .int, typeName: "int", logicalType: logical))
        case .long: return add(.init(kind: .long, typeName: "long", logicalType: logical))
        case .float: return add(.init(kind: .float, typeName: "float", logicalType: logical))
        case .double: return add(.init(kind: .double, typeName: "double", logicalType: logical))
        case .bytes: return add(.init(kind: .bytes, typeName: "bytes", logicalType: logical))
        case .string: return add(.init(kind: .string, typeName: "string", logicalType: logical))
        case .annotated(let inner, let a): return try compile(inner, logical: a.logicalType ?? logical)
        case .reference(let name):
            if let index = namedIndex[name] { return index }
            // A reference may precede its definition in traversal order only for hand-built schemas.
            guard let definition = named.definitions[name] else { throw AvroSchemaError(path: "", message: "unknown type '\(name)'") }
            return try compile(definition)
        case .array(let items):
            let index = add(.init(kind: .array, typeName: "array", logicalType: logical))
            let child = try compile(items)
            drafts[index].children = [child]
            return index
        case .map(let values):
            let index = add(.init(kind: .map, typeName: "map", logicalType: logical))
            let child = try compile(values)
            drafts[index].children = [child]
            return index
        case .union(let branches):
            let index = add(.init(kind: .union, typeName: "union"))
            var children: [Int] = []
            for b in branches { children.append(try compile(b)) }
            drafts[index].children = children
            return index
        case .fixed(let f):
            if let index = namedIndex[f.fullName] { return index }
            let index = add(.init(kind: .fixed, typeName: f.fullName, shortName: f.name, aliases: f.aliases, size: f.size, logicalType: f.logicalType))
            namedIndex[f.fullName] = index
            return index
        case .enum(let e):
            if let index = namedIndex[e.fullName] { return index }
            let index = add(.init(kind: .enumeration, names: e.symbols, typeName: e.fullName, shortName: e.name, aliases: e.aliases,
                                  enumDefault: e.defaultSymbol.flatMap { e.symbols.firstIndex(of: $0) }))
            namedIndex[e.fullName] = index
            return index
        case .record(let r):
            if let index = namedIndex[r.fullName] { return index }
            let index = add(.init(kind: .record, names: r.fields.map(\.name), typeName: r.fullName, shortName: r.name, aliases: r.aliases))
            namedIndex[r.fullName] = index
            var children: [Int] = []
            var defaults: [AvroValue?] = []
            for field in r.fields {
                children.append(try compile(field.type))
                do {
                    defaults.append(try field.defaultValue.map { try AvroDefaultValue.value(from: $0, as: field.type, named: named) })
                } catch let error as AvroSchemaError {
                    throw AvroSchemaError(path: "\(r.name).\(field.name)", message: "invalid default: \(error.message)")
                }
            }
            drafts[index].children = children
            drafts[index].fieldDefaults = defaults
            drafts[index].fieldAliases = r.fields.map(\.aliases)
            return index
        }
    }

    /// Depth-first with memo; a type met again while still being sized counts as 0, which only
    /// under-estimates (safe for a lower bound) and terminates even for impossible self-containing records.
    mutating func computeMinimumSizes() {
        var done = [Bool](repeating: false, count: drafts.count)
        var visiting = [Bool](repeating: false, count: drafts.count)
        func size(_ i: Int) -> Int {
            if done[i] { return drafts[i].minimumSize }
            if visiting[i] { return 0 }
            visiting[i] = true
            let d = drafts[i]
            let result: Int
            switch d.kind {
            case .null: result = 0
            case .float: result = 4
            case .double: result = 8
            case .fixed: result = d.size
            case .boolean, .int, .long, .bytes, .string, .enumeration, .map, .array, .union: result = 1
            case .record: result = d.children.reduce(0) { min($0 + size($1), 1 << 40) }
            }
            visiting[i] = false
            done[i] = true
            drafts[i].minimumSize = result
            return result
        }
        for i in drafts.indices { _ = size(i) }
    }
}
