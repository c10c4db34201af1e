extension AvroSchema {
    /// The spec's Parsing Canonical Form: full names, only the attributes that affect parsing, fixed key order, no whitespace.
    public func parsingCanonicalForm() -> String {
        var out = ""
        var defined: Set<String> = []
        AvroCanonicalForm.write(self, defined: &defined, keeping: nil, to: &out)
        return out
    }

    /// Parsing Canonical Form extended with the attributes `extras` keeps, each written in a fixed
    /// place and order (see `AvroCanonicalForm.Extras`), so two schemas that mean the same to the
    /// parser *and* agree on those attributes print identically, however they were spelled.
    public func canonicalForm(keeping extras: AvroCanonicalForm.Extras) -> String {
        var out = ""
        var defined: Set<String> = []
        AvroCanonicalForm.write(self, defined: &defined, keeping: extras, to: &out)
        return out
    }

    /// CRC-64-AVRO (the spec's 64-bit Rabin fingerprint) of the Parsing Canonical Form.
    public func fingerprint() -> UInt64 {
        AvroCanonicalForm.rabin64(Array(parsingCanonicalForm().utf8))
    }
}

/// Parsing Canonical Form and its Rabin fingerprint, per the "Schema Fingerprints" section of the spec.
public enum AvroCanonicalForm {
    /// The spec's EMPTY constant, which seeds the fingerprint and defines the polynomial.
    static let empty: UInt64 = 0xC15D_213A_A4D7_A795

    /// Byte-at-a-time lookup table derived from `empty` as the spec's reference code does.
    static let table: [UInt64] = (0..<256).map { i in
        var fp = UInt64(i)
        for _ in 0..<8 { fp = (fp >> 1) ^ (empty & (0 &- (fp & 1))) }
        return fp
    }

    /// The 64-bit Rabin fingerprint (CRC-64-AVRO) of arbitrary bytes.
    public static func rabin64(_ bytes: [UInt8]) -> UInt64 {
        var fp = empty
        for b in bytes { fp = (fp >> 8) ^ table[Int((fp ^ UInt64(b)) & 0xFF)] }
        return fp
    }

    /// The fingerprint as the 8 little-endian bytes of Avro's single-object encoding header.
    public static func littleEndianBytes(_ fingerprint: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: fingerprint >> (8 * $0)) }
    }

    /// What an extended canonical form (`AvroSchema.canonicalForm(keeping:)`) keeps beyond Parsing
    /// Canonical Form. Kept attributes follow the canonical members of their object, in this order:
    /// `doc`, `aliases` (sorted full names), `default` (field defaults and enum defaults, with
    /// integral numbers written as integers so `1.0` and `1` agree), `order`, `logicalType` with
    /// `precision` and `scale`, then the selected extra properties sorted by name (values with
    /// sorted keys). An annotated primitive, array, map or reference left with nothing to keep is
    /// written as in Parsing Canonical Form (`"string"`, not `{"type":"string"}`).
    public struct Extras: Sendable {
        /// `doc` of named types and fields.
        public var docs: Bool
        /// `aliases` of named types and fields.
        public var aliases: Bool
        /// Field defaults and enum defaults.
        public var defaults: Bool
        /// A field's sort `order`.
        public var order: Bool
        /// Valid logical types (with a decimal's precision and scale).
        public var logicalTypes: Bool
        /// Which extra JSON properties (of types and fields) to keep, by name.
        public var properties: @Sendable (String) -> Bool

        /// Creates a selection; by default it keeps nothing (Parsing Canonical Form).
        public init(docs: Bool = false, aliases: Bool = false, defaults: Bool = false, order: Bool = false,
                    logicalTypes: Bool = false, properties: @escaping @Sendable (String) -> Bool = { _ in false }) {
            self.docs = docs
            self.aliases = aliases
            self.defaults = defaults
            self.order = order
            self.logicalTypes = logicalTypes
            self.properties = properties
        }
    }

    /// [PRIMITIVES] [FULLNAMES] [STRIP] [ORDER]: named types are written in full once, then by
    /// full name; with `extras`, the kept attributes follow each object's canonical members.
    static func write(_ schema: AvroSchema, defined: inout Set<String>, keeping extras: Extras?, to out: inout String) {
        if let p = AvroSchemaWriter.primitiveName(schema) {
            AvroJSONValue.writeString(p, to: &out)
            return
        }
        switch schema {
        case .annotated(let inner, let a):
            let kept = extras.map { attributes($0, logicalType: a.logicalType, properties: a.properties) } ?? ""
            guard !kept.isEmpty else { return write(inner, defined: &defined, keeping: extras, to: &out) }
            switch inner {
            case .array, .map:
                // `{"type":"array","items":…` + kept + `}`
                var base = ""
                write(inner, defined: &defined, keeping: extras, to: &base)
                out += String(base.dropLast()) + kept + "}"
            default:
                out += "{\"type\":"
                write(inner, defined: &defined, keeping: extras, to: &out)
                out += kept + "}"
            }
        case .reference(let name): AvroJSONValue.writeString(name, to: &out)
        case .union(let branches):
            out += "["
            for (i, b) in branches.enumerated() {
                if i > 0 { out += "," }
                write(b, defined: &defined, keeping: extras, to: &out)
            }
            out += "]"
        case .array(let items):
            out += "{\"type\":\"array\",\"items\":"
            write(items, defined: &defined, keeping: extras, to: &out)
            out += "}"
        case .map(let values):
            out += "{\"type\":\"map\",\"values\":"
            write(values, defined: &defined, keeping: extras, to: &out)
            out += "}"
        case .record(let r):
            guard openNamed(r.fullName, type: "record", defined: &defined, to: &out) else { return }
            out += ",\"fields\":["
            for (i, field) in r.fields.enumerated() {
                if i > 0 { out += "," }
                out += "{\"name\":"
                AvroJSONValue.writeString(field.name, to: &out)
                out += ",\"type\":"
                write(field.type, defined: &defined, keeping: extras, to: &out)
                if let extras {
                    out += attributes(extras, doc: field.doc, aliases: field.aliases, defaultValue: field.defaultValue,
                                      order: field.order, properties: field.properties)
                }
                out += "}"
            }
            out += "]"
            if let extras { out += attributes(extras, doc: r.doc, aliases: r.aliases, properties: r.properties) }
            out += "}"
        case .enum(let e):
            guard openNamed(e.fullName, type: "enum", defined: &defined, to: &out) else { return }
            out += ",\"symbols\":"
            AvroJSONValue.array(e.symbols.map { .string($0) }).write(to: &out)
            if let extras {
                out += attributes(extras, doc: e.doc, aliases: e.aliases, defaultValue: e.defaultSymbol.map { .string($0) },
                                  properties: e.properties)
            }
            out += "}"
        case .fixed(let f):
            guard openNamed(f.fullName, type: "fixed", defined: &defined, to: &out) else { return }
            out += ",\"size\":\(f.size)"
            if let extras {
                out += attributes(extras, doc: f.doc, aliases: f.aliases, logicalType: f.logicalType, properties: f.properties)
            }
            out += "}"
        default: break
        }
    }

    /// Opens a named type's object (`{"name":…,"type":…`) at its first use and returns true;
    /// a later use is just its full name, and returns false.
    static func openNamed(_ fullName: String, type: String, defined: inout Set<String>, to out: inout String) -> Bool {
        guard defined.insert(fullName).inserted else {
            AvroJSONValue.writeString(fullName, to: &out)
            return false
        }
        out += "{\"name\":"
        AvroJSONValue.writeString(fullName, to: &out)
        out += ",\"type\":\"\(type)\""
        return true
    }

    /// The kept attributes as `,"key":value` members, in `Extras`' order ("" when none is kept).
    static func attributes(_ extras: Extras, doc: String? = nil, aliases: [String] = [], defaultValue: AvroJSONValue? = nil,
                           order: String? = nil, logicalType: AvroLogicalType? = nil,
                           properties: [String: AvroJSONValue]) -> String {
        var out = ""
        func member(_ key: String, _ value: AvroJSONValue) {
            out += ","
            AvroJSONValue.writeString(key, to: &out)
            out += ":"
            integralNumbers(value).write(to: &out)
        }
        if extras.docs, let doc { member("doc", .string(doc)) }
        if extras.aliases, !aliases.isEmpty { member("aliases", .array(aliases.sorted().map { .string($0) })) }
        if extras.defaults, let defaultValue { member("default", defaultValue) }
        if extras.order, let order { member("order", .string(order)) }
        if extras.logicalTypes, let logicalType {
            member("logicalType", .string(logicalType.name))
            if case .decimal(let precision, let scale) = logicalType {
                member("precision", .integer(Int64(precision)))
                member("scale", .integer(Int64(scale)))
            }
        }
        for key in properties.keys.sorted() where extras.properties(key) { member(key, properties[key]!) }
        return out
    }

    /// `value` with every integral number as `.integer`, so `1.0` and `1` print alike.
    static func integralNumbers(_ value: AvroJSONValue) -> AvroJSONValue {
        switch value {
        case .number(let d) where d.isFinite && d == d.rounded() && abs(d) < 9.007_199_254_740_992e15: return .integer(Int64(d))
        case .array(let items): return .array(items.map(integralNumbers))
        case .object(let members): return .object(members.mapValues(integralNumbers))
        default: return value
        }
    }
}
