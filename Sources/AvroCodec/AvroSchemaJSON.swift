extension AvroSchema {
    /// The full schema as compact JSON, keeping docs, aliases, defaults, logical types and extra properties.
    ///
    /// Key order is fixed ("type", "name", "namespace", ..., then extra properties sorted) so equal
    /// schemas always serialize to identical text; parsing the result gives back an equal `AvroSchema`.
    public func jsonString() -> String {
        var out = ""
        AvroSchemaWriter.write(self, enclosingNamespace: nil, to: &out)
        return out
    }
}

/// Serializes `AvroSchema` to its full (non-canonical) JSON form.
enum AvroSchemaWriter {
    /// The JSON name of a primitive type, nil for anything else.
    static func primitiveName(_ schema: AvroSchema) -> String? {
        switch schema {
        case .null: return "null"
        case .boolean: return "boolean"
        case .int: return "int"
        case .long: return "long"
        case .float: return "float"
        case .double: return "double"
        case .bytes: return "bytes"
        case .string: return "string"
        default: return nil
        }
    }

    /// A short human description of a type for error messages.
    static func typeName(_ schema: AvroSchema) -> String {
        if let p = primitiveName(schema) { return p }
        switch schema {
        case .record(let r): return "record \(r.fullName)"
        case .enum(let e): return "enum \(e.fullName)"
        case .fixed(let f): return "fixed \(f.fullName)"
        case .array: return "array"
        case .map: return "map"
        case .union: return "union"
        case .reference(let n): return n
        case .annotated(let inner, _): return typeName(inner)
        default: return "?"
        }
    }

    static func write(_ schema: AvroSchema, enclosingNamespace ns: String?, to out: inout String) {
        if let p = primitiveName(schema) {
            AvroJSONValue.writeString(p, to: &out)
            return
        }
        switch schema {
        case .reference(let name): AvroJSONValue.writeString(name, to: &out)
        case .union(let branches):
            out += "["
            for (i, b) in branches.enumerated() {
                if i > 0 { out += "," }
                write(b, enclosingNamespace: ns, to: &out)
            }
            out += "]"
        case .array(let items): writeUnnamed(.array(items), nil, ns, &out)
        case .map(let values): writeUnnamed(.map(values), nil, ns, &out)
        case .annotated(let inner, let annotations): writeUnnamed(inner, annotations, ns, &out)
        case .record(let r):
            writeNamed("record", r.name, r.namespace, ns, r.doc, r.aliases, r.properties, &out) { o, out in
                o.key("fields", &out); out += "["
                for (i, field) in r.fields.enumerated() {
                    if i > 0 { out += "," }
                    var f = ObjectWriter(&out)
                    f.key("name", &out); AvroJSONValue.writeString(field.name, to: &out)
                    f.key("type", &out); write(field.type, enclosingNamespace: r.namespace, to: &out)
                    if let d = field.defaultValue { f.key("default", &out); d.write(to: &out) }
                    if let doc = field.doc { f.key("doc", &out); AvroJSONValue.writeString(doc, to: &out) }
                    if !field.aliases.isEmpty { f.key("aliases", &out); AvroJSONValue.array(field.aliases.map { .string($0) }).write(to: &out) }
                    if let order = field.order { f.key("order", &out); AvroJSONValue.writeString(order, to: &out) }
                    f.properties(field.properties, &out)
                    out += "}"
                }
                out += "]"
            }
        case .enum(let e):
            writeNamed("enum", e.name, e.namespace, ns, e.doc, e.aliases, e.properties, &out) { o, out in
                o.key("symbols", &out); AvroJSONValue.array(e.symbols.map { .string($0) }).write(to: &out)
                if let d = e.defaultSymbol { o.key("default", &out); AvroJSONValue.writeString(d, to: &out) }
            }
        case .fixed(let f):
            writeNamed("fixed", f.name, f.namespace, ns, f.doc, f.aliases, f.properties, &out) { o, out in
                o.key("size", &out); out += String(f.size)
                writeLogical(&o, &out, f.logicalType)
            }
        default: break
        }
    }

    /// Writes a primitive/array/map/reference as an object so its annotations have somewhere to live.
    static func writeUnnamed(_ base: AvroSchema, _ annotations: AvroSchema.Annotations?, _ ns: String?, _ out: inout String) {
        var o = ObjectWriter(&out)
        o.key("type", &out)
        switch base {
        case .array(let items):
            out += "\"array\""
            o.key("items", &out); write(items, enclosingNamespace: ns, to: &out)
        case .map(let values):
            out += "\"map\""
            o.key("values", &out); write(values, enclosingNamespace: ns, to: &out)
        default:
            write(base, enclosingNamespace: ns, to: &out)
        }
        if let annotations {
            writeLogical(&o, &out, annotations.logicalType)
            o.properties(annotations.properties, &out)
        }
        out += "}"
    }

    /// Writes a named type (record, enum, fixed) as one object: its type and naming keys, the keys
    /// `body` writes, then its extra properties.
    static func writeNamed(_ type: String, _ name: String, _ namespace: String?, _ enclosing: String?, _ doc: String?, _ aliases: [String],
                           _ properties: [String: AvroJSONValue], _ out: inout String, body: (inout ObjectWriter, inout String) -> Void) {
        var o = ObjectWriter(&out)
        o.key("type", &out); AvroJSONValue.writeString(type, to: &out)
        writeNaming(&o, &out, name, namespace, enclosing, doc, aliases)
        body(&o, &out)
        o.properties(properties, &out)
        out += "}"
    }

    /// Name, and namespace only where it differs from the enclosing one (an empty string resets to null).
    static func writeNaming(_ o: inout ObjectWriter, _ out: inout String, _ name: String, _ namespace: String?, _ enclosing: String?, _ doc: String?, _ aliases: [String]) {
        o.key("name", &out); AvroJSONValue.writeString(name, to: &out)
        if namespace != enclosing { o.key("namespace", &out); AvroJSONValue.writeString(namespace ?? "", to: &out) }
        if let doc { o.key("doc", &out); AvroJSONValue.writeString(doc, to: &out) }
        if !aliases.isEmpty { o.key("aliases", &out); AvroJSONValue.array(aliases.map { .string($0) }).write(to: &out) }
    }

    static func writeLogical(_ o: inout ObjectWriter, _ out: inout String, _ logical: AvroLogicalType?) {
        guard let logical else { return }
        o.key("logicalType", &out); AvroJSONValue.writeString(logical.name, to: &out)
        if case .decimal(let precision, let scale) = logical {
            o.key("precision", &out); out += String(precision)
            o.key("scale", &out); out += String(scale)
        }
    }

    /// Emits the keys of one JSON object (the caller writes the closing brace); handles commas.
    struct ObjectWriter {
        var first = true

        init(_ out: inout String) { out += "{" }

        mutating func key(_ k: String, _ out: inout String) {
            if !first { out += "," }
            first = false
            AvroJSONValue.writeString(k, to: &out)
            out += ":"
        }

        /// Extra properties come last, sorted, for deterministic output.
        mutating func properties(_ properties: [String: AvroJSONValue], _ out: inout String) {
            for k in properties.keys.sorted() {
                key(k, &out)
                properties[k]!.write(to: &out)
            }
        }
    }
}
