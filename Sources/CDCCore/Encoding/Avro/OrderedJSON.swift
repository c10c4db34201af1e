/// A JSON document whose objects keep their key order, for schemas that people and registries
/// compare as text (Avro field order is significant, and stable text keeps ids stable).
public indirect enum OrderedJSON: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])

    public static func == (lhs: OrderedJSON, rhs: OrderedJSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)): return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// Compact JSON text (no whitespace), keys in their given order.
    public var text: String {
        var out = ByteWriter(capacity: 1024)
        write(into: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    private func write(into out: inout ByteWriter) {
        switch self {
        case .null: out.write("null")
        case .bool(let b): out.write(b ? "true" : "false")
        case .int(let i): out.write(decimal: i)
        case .string(let s): JSONText.writeString(s, into: &out)
        case .array(let items):
            out.write(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.write(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.write(UInt8(ascii: "]"))
        case .object(let members):
            out.write(UInt8(ascii: "{"))
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out.write(UInt8(ascii: ",")) }
                JSONText.writeString(key, into: &out)
                out.write(UInt8(ascii: ":"))
                value.write(into: &out)
            }
            out.write(UInt8(ascii: "}"))
        }
    }
}
