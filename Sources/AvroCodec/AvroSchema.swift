/// An Avro schema as a value tree.
///
/// Named types (record, enum, fixed) appear once as a definition, at their first position in
/// document order, and afterwards as `.reference(fullName)`, exactly as in the JSON form; that is
/// also how recursive types are expressed without reference cycles.
public indirect enum AvroSchema: Hashable, Sendable {
    case null
    case boolean
    case int
    case long
    case float
    case double
    case bytes
    case string
    case record(Record)
    case `enum`(Enum)
    case array(AvroSchema)
    case map(AvroSchema)
    case fixed(Fixed)
    case union([AvroSchema])
    /// A use of a named type defined earlier (or enclosing) in the same schema, by full name.
    case reference(String)
    /// A primitive, array, map or reference carrying a logical type and/or extra JSON properties
    /// (Debezium's `connect.name`, `connect.version`, `connect.parameters`, ...).
    case annotated(AvroSchema, Annotations)

    /// A logical type and extra properties attached to an unnamed type.
    public struct Annotations: Hashable, Sendable {
        /// The logical type, when present and valid for the underlying type.
        public var logicalType: AvroLogicalType?
        /// Every other JSON property, including an invalid `logicalType` the spec says to ignore.
        public var properties: [String: AvroJSONValue]

        /// Creates annotations.
        public init(logicalType: AvroLogicalType? = nil, properties: [String: AvroJSONValue] = [:]) {
            self.logicalType = logicalType
            self.properties = properties
        }
    }

    /// A record type.
    public struct Record: Hashable, Sendable {
        /// Short name (no dots).
        public var name: String
        /// Effective namespace after applying enclosing namespaces; nil is the null namespace.
        public var namespace: String?
        /// Documentation text.
        public var doc: String?
        /// Aliases as full names.
        public var aliases: [String]
        /// Fields in declaration (= encoding) order.
        public var fields: [Field]
        /// Extra JSON properties (e.g. `connect.name`).
        public var properties: [String: AvroJSONValue]

        /// Creates a record; `name` may be a dotted full name, which then overrides `namespace`.
        public init(name: String, namespace: String? = nil, doc: String? = nil, aliases: [String] = [],
                    fields: [Field], properties: [String: AvroJSONValue] = [:]) {
            (self.name, self.namespace) = AvroSchema.splitName(name, namespace)
            self.doc = doc
            self.aliases = aliases
            self.fields = fields
            self.properties = properties
        }

        /// `namespace.name`, or `name` in the null namespace.
        public var fullName: String { AvroSchema.fullName(name, namespace) }
    }

    /// A record field.
    public struct Field: Hashable, Sendable {
        /// Field name.
        public var name: String
        /// The field's type.
        public var type: AvroSchema
        /// The JSON default; nil means "no default", `.null` means a default of null.
        public var defaultValue: AvroJSONValue?
        /// Documentation text.
        public var doc: String?
        /// Alternative names used when resolving against other schemas.
        public var aliases: [String]
        /// "ascending" (the default), "descending" or "ignore"; kept only when given.
        public var order: String?
        /// Extra JSON properties.
        public var properties: [String: AvroJSONValue]

        /// Creates a field.
        public init(name: String, type: AvroSchema, defaultValue: AvroJSONValue? = nil, doc: String? = nil,
                    aliases: [String] = [], order: String? = nil, properties: [String: AvroJSONValue] = [:]) {
            self.name = name
            self.type = type
            self.defaultValue = defaultValue
            self.doc = doc
            self.aliases = aliases
            self.order = order
            self.properties = properties
        }
    }

    /// An enum type.
    public struct Enum: Hashable, Sendable {
        /// Short name (no dots).
        public var name: String
        /// Effective namespace; nil is the null namespace.
        public var namespace: String?
        /// Documentation text.
        public var doc: String?
        /// Alternative names used when resolving against other schemas.
        public var aliases: [String]
        /// Symbols in declaration order (the encoded index).
        public var symbols: [String]
        /// Symbol a reader uses for writer symbols it does not know.
        public var defaultSymbol: String?
        /// Extra JSON properties.
        public var properties: [String: AvroJSONValue]

        /// Creates an enum; `name` may be a dotted full name.
        public init(name: String, namespace: String? = nil, doc: String? = nil, aliases: [String] = [],
                    symbols: [String], defaultSymbol: String? = nil, properties: [String: AvroJSONValue] = [:]) {
            (self.name, self.namespace) = AvroSchema.splitName(name, namespace)
            self.doc = doc
            self.aliases = aliases
            self.symbols = symbols
            self.defaultSymbol = defaultSymbol
            self.properties = properties
        }

        /// `namespace.name`, or `name` in the null namespace.
        public var fullName: String { AvroSchema.fullName(name, namespace) }
    }

    /// A fixed-size bytes type.
    public struct Fixed: Hashable, Sendable {
        /// Short name (no dots).
        public var name: String
        /// Effective namespace; nil is the null namespace.
        public var namespace: String?
        /// Documentation text.
        public var doc: String?
        /// Alternative names used when resolving against other schemas.
        public var aliases: [String]
        /// Number of bytes.
        public var size: Int
        /// decimal, duration or uuid when valid for this size.
        public var logicalType: AvroLogicalType?
        /// Extra JSON properties.
        public var properties: [String: AvroJSONValue]

        /// Creates a fixed type; `name` may be a dotted full name.
        public init(name: String, namespace: String? = nil, doc: String? = nil, aliases: [String] = [], size: Int,
                    logicalType: AvroLogicalType? = nil, properties: [String: AvroJSONValue] = [:]) {
            (self.name, self.namespace) = AvroSchema.splitName(name, namespace)
            self.doc = doc
            self.aliases = aliases
            self.size = size
            self.logicalType = logicalType
            self.properties = properties
        }

        /// `namespace.name`, or `name` in the null namespace.
        public var fullName: String { AvroSchema.fullName(name, namespace) }
    }
}

/// The logical types of the Avro 1.11 specification (uuid on fixed(16) as in 1.12).
public enum AvroLogicalType: Hashable, Sendable {
    /// Arbitrary-precision decimal on bytes or fixed: two's-complement big-endian unscaled value.
    case decimal(precision: Int, scale: Int)
    case uuid
    /// Days since 1970-01-01 on int.
    case date
    case timeMillis
    case timeMicros
    case timestampMillis
    case timestampMicros
    case localTimestampMillis
    case localTimestampMicros
    /// fixed(12): months, days, milliseconds as little-endian uint32.
    case duration

    /// The `logicalType` JSON name.
    public var name: String {
        switch self {
        case .decimal: return "decimal"
        case .uuid: return "uuid"
        case .date: return "date"
        case .timeMillis: return "time-millis"
        case .timeMicros: return "time-micros"
        case .timestampMillis: return "timestamp-millis"
        case .timestampMicros: return "timestamp-micros"
        case .localTimestampMillis: return "local-timestamp-millis"
        case .localTimestampMicros: return "local-timestamp-micros"
        case .duration: return "duration"
        }
    }
}

extension AvroSchema {
    /// The schema with any annotation wrapper removed.
    public var unannotated: AvroSchema {
        if case .annotated(let inner, _) = self { return inner.unannotated }
        return self
    }

    /// The logical type on an annotated unnamed type or a fixed.
    public var logicalType: AvroLogicalType? {
        switch self {
        case .annotated(_, let a): return a.logicalType
        case .fixed(let f): return f.logicalType
        default: return nil
        }
    }

    /// Extra JSON properties of this type (not its fields').
    public var properties: [String: AvroJSONValue] {
        switch self {
        case .annotated(_, let a): return a.properties
        case .record(let r): return r.properties
        case .enum(let e): return e.properties
        case .fixed(let f): return f.properties
        default: return [:]
        }
    }

    /// Full name of a named type definition or reference; nil for unnamed types.
    public var fullName: String? {
        switch self {
        case .record(let r): return r.fullName
        case .enum(let e): return e.fullName
        case .fixed(let f): return f.fullName
        case .reference(let n): return n
        case .annotated(let inner, _): return inner.fullName
        default: return nil
        }
    }

    /// Parses and validates a schema from JSON text (see `AvroSchemaParser`).
    public init(json: String) throws {
        self = try AvroSchemaParser.parse(json)
    }

    /// Splits a possibly dotted name into short name and namespace; a dotted name wins over `namespace`.
    static func splitName(_ name: String, _ namespace: String?) -> (String, String?) {
        if let dot = name.lastIndex(of: ".") {
            let ns = String(name[..<dot])
            return (String(name[name.index(after: dot)...]), ns.isEmpty ? nil : ns)
        }
        return (name, namespace?.isEmpty == true ? nil : namespace)
    }

    /// Joins a short name and namespace.
    static func fullName(_ name: String, _ namespace: String?) -> String {
        guard let ns = namespace, !ns.isEmpty else { return name }
        return ns + "." + name
    }
}
