/// Renders `AvroValue`s as JSON text, in one of two styles.
public enum AvroJSON {
    /// How unions, bytes and logical types appear.
    public enum Style: Sendable {
        /// The Avro specification's JSON encoding (what Avro C's `avro_value_to_json` and Java emit):
        /// a non-null union value is `{"<branch type name>": value}`, bytes and fixed are strings
        /// with one code point (U+0000–U+00FF) per byte, logical types show their underlying value.
        /// Lossless and re-readable given the schema.
        case avro
        /// For people and `jq` (the `consume` output): unions are just the branch's value, bytes and
        /// fixed are base64, decimal is an exact decimal string ("-12.30"), date "YYYY-MM-DD",
        /// time-* "HH:MM:SS.ffffff", timestamp-* ISO 8601 ("…Z" for UTC kinds), uuid on fixed as
        /// 8-4-4-4-12 hex. Records are objects with fields in schema order in both styles.
        case plain
    }

    /// JSON text of `value` interpreted with `schema`; throws `AvroEncodingError` if they do not match.
    public static func render(_ value: AvroValue, as schema: AvroCompiledSchema, style: Style = .plain) throws -> String {
        var out = ""
        do {
            try write(value, node: schema.root, nodes: schema.nodes, style: style, to: &out)
        } catch let failure as AvroPathFailure {
            throw failure.encodingError(schema)
        }
        return out
    }

    /// Like the binary writer, the error path is only assembled while unwinding from a mismatch.
    static func write(_ value: AvroValue, node index: Int, nodes: [AvroNode], style: Style, to out: inout String) throws {
        let node = nodes[index]
        if style == .plain, let logical = node.logicalType, let text = plainLogical(value, logical) {
            AvroJSONValue.writeString(text, to: &out)
            return
        }
        switch (node.kind, value) {
        case (.null, .null): out += "null"
        case (.boolean, .boolean(let b)): out += b ? "true" : "false"
        case (.int, .int(let i)): out += String(i)
        case (.long, .long(let l)): out += String(l)
        case (.float, .float(let f)):
            if f.isFinite { out += "\(f)" } else { AvroJSONValue.writeNumber(Double(f), to: &out) }
        case (.double, .double(let d)): AvroJSONValue.writeNumber(d, to: &out)
        case (.string, .string(let s)): AvroJSONValue.writeString(s, to: &out)
        case (.bytes, .bytes(let b)), (.fixed, .fixed(let b)):
            AvroJSONValue.writeString(style == .avro ? latin1(b) : base64(b), to: &out)
        case (.enumeration, .enumSymbol(_, let name)): AvroJSONValue.writeString(name, to: &out)
        case (.array, .array(let items)):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                do { try write(item, node: node.children[0], nodes: nodes, style: style, to: &out) } catch var f as AvroPathFailure { f.steps.append(.item(i)); throw f }
            }
            out += "]"
        case (.map, .map(let entries)):
            out += "{"
            for (i, (key, item)) in entries.enumerated() {
                if i > 0 { out += "," }
                AvroJSONValue.writeString(key, to: &out)
                out += ":"
                do { try write(item, node: node.children[0], nodes: nodes, style: style, to: &out) } catch var f as AvroPathFailure { f.steps.append(.key(key)); throw f }
            }
            out += "}"
        case (.record, .record(let fields)) where fields.count == node.children.count:
            out += "{"
            for i in fields.indices {
                if i > 0 { out += "," }
                AvroJSONValue.writeString(node.names[i], to: &out)
                out += ":"
                do { try write(fields[i], node: node.children[i], nodes: nodes, style: style, to: &out) } catch var f as AvroPathFailure {
                    f.steps.append(.field(record: index, i))
                    throw f
                }
            }
            out += "}"
        case (.union, .union(let branch, let inner)) where branch >= 0 && branch < node.children.count:
            let child = node.children[branch]
            if style == .avro && nodes[child].kind != .null {
                out += "{"
                AvroJSONValue.writeString(nodes[child].typeName, to: &out)
                out += ":"
            }
            do { try write(inner, node: child, nodes: nodes, style: style, to: &out) } catch var f as AvroPathFailure { f.steps.append(.branch(branch)); throw f }
            if style == .avro && nodes[child].kind != .null { out += "}" }
        default:
            throw AvroPathFailure(node: index, got: value.kindName, message: nil)
        }
    }

    /// Readable text for a logical-type value, nil to fall back to the underlying rendering.
    static func plainLogical(_ value: AvroValue, _ logical: AvroLogicalType) -> String? {
        switch (logical, value) {
        case (.decimal(_, let scale), .bytes(let b)), (.decimal(_, let scale), .fixed(let b)):
            return AvroDecimal.string(unscaled: b, scale: scale)
        case (.date, .int(let days)): return AvroTemporal.dateString(days: Int(days))
        case (.timeMillis, .int(let ms)) where ms >= 0 && ms < 86_400_000: return AvroTemporal.timeString(Int64(ms), fractionDigits: 3)
        case (.timeMicros, .long(let us)) where us >= 0 && us < 86_400_000_000: return AvroTemporal.timeString(us, fractionDigits: 6)
        case (.timestampMillis, .long(let ms)): return AvroTemporal.timestampString(ms, fractionDigits: 3)
        case (.timestampMicros, .long(let us)): return AvroTemporal.timestampString(us, fractionDigits: 6)
        case (.localTimestampMillis, .long(let ms)): return AvroTemporal.timestampString(ms, fractionDigits: 3, utc: false)
        case (.localTimestampMicros, .long(let us)): return AvroTemporal.timestampString(us, fractionDigits: 6, utc: false)
        case (.uuid, .fixed(let b)) where b.count == 16:
            let hex = b.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
            var text = ""
            for (i, c) in hex.enumerated() {
                if [8, 12, 16, 20].contains(i) { text += "-" }
                text.append(c)
            }
            return text
        default: return nil
        }
    }

    /// One code point per byte, the Avro JSON convention for bytes and fixed.
    static func latin1(_ bytes: [UInt8]) -> String {
        var s = ""
        s.unicodeScalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
        return s
    }

    /// Standard base64 with padding.
    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let n = min(3, bytes.count - i)
            var chunk = UInt32(bytes[i]) << 16
            if n > 1 { chunk |= UInt32(bytes[i + 1]) << 8 }
            if n > 2 { chunk |= UInt32(bytes[i + 2]) }
            for j in 0..<4 { out.append(j <= n ? alphabet[Int(chunk >> (18 - 6 * UInt32(j)) & 63)] : UInt8(ascii: "=")) }
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
