/// A JSON value as Avro schemas carry it (defaults, extra properties such as `connect.parameters`).
///
/// Integral literals stay `Int64` so a `long` default such as 9223372036854775807 survives exactly,
/// which a `Double`-based model (JSONSerialization) would round.
public indirect enum AvroJSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([AvroJSONValue])
    case object([String: AvroJSONValue])
}

extension AvroJSONValue {
    /// Parses JSON text; errors carry the byte offset of the problem.
    public init(parsing text: String) throws {
        self = try AvroJSONParser.parse(text)
    }

    /// Compact JSON text with object keys sorted, so equal values always print identically.
    public var jsonText: String {
        var out = ""
        write(to: &out)
        return out
    }

    /// The string payload, if this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The integer payload, if this is an integral number.
    public var integerValue: Int64? {
        if case .integer(let i) = self { return i }
        return nil
    }

    /// The numeric payload as a Double for both integral and fractional numbers.
    public var doubleValue: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .number(let d): return d
        default: return nil
        }
    }

    /// Appends the compact, key-sorted JSON text of this value.
    public func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .integer(let i): out += String(i)
        case .number(let d): AvroJSONValue.writeNumber(d, to: &out)
        case .string(let s): AvroJSONValue.writeString(s, to: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                AvroJSONValue.writeString(key, to: &out)
                out += ":"
                members[key]!.write(to: &out)
            }
            out += "}"
        }
    }

    /// Writes a JSON number; non-finite values have no JSON form, so they become the strings Java's Avro uses.
    static func writeNumber(_ d: Double, to out: inout String) {
        if d.isNaN { out += "\"NaN\"" } else if d.isInfinite { out += d < 0 ? "\"-Infinity\"" : "\"Infinity\"" } else { out += "\(d)" }
    }

    /// Writes a JSON string literal: only `"`, `\` and control characters are escaped, the rest stays
    /// UTF-8, which is what Parsing Canonical Form's [STRINGS] rule requires.
    static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
