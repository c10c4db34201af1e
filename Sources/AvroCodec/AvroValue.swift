/// A generic Avro datum, shaped like its schema.
///
/// Only `.union` is stored indirectly (it is the one case that nests an `AvroValue` directly);
/// keeping scalars inline saves a heap box per decoded number. Logical types carry their underlying representation (decimal → `.bytes`/`.fixed` unscaled
/// two's complement, date → `.int` days, timestamp-micros → `.long`, uuid → `.string`); see
/// `AvroDecimal` and `AvroTemporal` for conversions.
public enum AvroValue: Sendable {
    case null
    case boolean(Bool)
    case int(Int32)
    case long(Int64)
    case float(Float)
    case double(Double)
    case bytes([UInt8])
    case string(String)
    case fixed([UInt8])
    /// Symbol index in the schema's list plus its name (the writer checks they agree).
    case enumSymbol(index: Int, name: String)
    case array([AvroValue])
    /// Entries in encoding order; keys are expected to be unique.
    case map([(String, AvroValue)])
    /// Field values in the schema's field order.
    case record([AvroValue])
    /// Zero-based branch index into the union's types, and the branch's value.
    indirect case union(branch: Int, AvroValue)
}

extension AvroValue: Equatable {
    /// Structural equality; floats compare by bit pattern so NaN payloads and -0.0 round-trip checks are exact.
    public static func == (lhs: AvroValue, rhs: AvroValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.boolean(let a), .boolean(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.long(let a), .long(let b)): return a == b
        case (.float(let a), .float(let b)): return a.bitPattern == b.bitPattern
        case (.double(let a), .double(let b)): return a.bitPattern == b.bitPattern
        case (.bytes(let a), .bytes(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.fixed(let a), .fixed(let b)): return a == b
        case (.enumSymbol(let i, let n), .enumSymbol(let j, let m)): return i == j && n == m
        case (.array(let a), .array(let b)): return a == b
        case (.map(let a), .map(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.record(let a), .record(let b)): return a == b
        case (.union(let i, let a), .union(let j, let b)): return i == j && a == b
        default: return false
        }
    }
}

extension AvroValue: CustomStringConvertible {
    /// A compact debugging rendering (not JSON; use `AvroJSON` for that).
    public var description: String {
        switch self {
        case .null: return "null"
        case .boolean(let b): return "\(b)"
        case .int(let i): return "int(\(i))"
        case .long(let l): return "long(\(l))"
        case .float(let f): return "float(\(f))"
        case .double(let d): return "double(\(d))"
        case .bytes(let b): return "bytes(\(b))"
        case .string(let s): return "\"\(s)\""
        case .fixed(let b): return "fixed(\(b))"
        case .enumSymbol(let i, let n): return "enum(\(i):\(n))"
        case .array(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .map(let entries): return "{" + entries.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}"
        case .record(let fields): return "record(" + fields.map(\.description).joined(separator: ", ") + ")"
        case .union(let branch, let v): return "union[\(branch)](\(v))"
        }
    }
}

extension AvroValue {
    /// The kind name used in error messages ("int", "record", ...).
    var kindName: String {
        switch self {
        case .null: return "null"
        case .boolean: return "boolean"
        case .int: return "int"
        case .long: return "long"
        case .float: return "float"
        case .double: return "double"
        case .bytes: return "bytes"
        case .string: return "string"
        case .fixed: return "fixed"
        case .enumSymbol: return "enum"
        case .array: return "array"
        case .map: return "map"
        case .record: return "record"
        case .union: return "union"
        }
    }
}
