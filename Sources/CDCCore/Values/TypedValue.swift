/// A converted column value as a tree: what tests compare and non-streaming consumers use.
public indirect enum TypedValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    /// A float as PostgreSQL printed it, so NaN and the exact digits compare reliably.
    case float(String)
    /// An exact decimal as text.
    case decimal(String)
    case string(String)
    case bytes([UInt8])
    case array([TypedValue])
    case record([Field])

    /// One named field of a record value.
    public struct Field: Equatable, Sendable {
        public let name: String
        public let value: TypedValue
    }

    /// Converts PostgreSQL's text form of a value of `type` (nil for SQL NULL).
    public static func convert(text: String?, as type: ColumnType) throws -> TypedValue {
        guard var text else { return .null }
        var builder = TypedValueBuilder()
        var converter = TextValueConverter()
        try text.withUTF8 { try converter.convert(UnsafeRawBufferPointer($0), as: type, into: &builder) }
        return builder.result
    }
}

/// Builds a `TypedValue` from sink events.
struct TypedValueBuilder: ValueSink {
    private var stack: [[TypedValue]] = [[]]
    private var names: [[String]] = [[]]

    var result: TypedValue { stack[0].first ?? .null }

    private mutating func add(_ value: TypedValue) { stack[stack.count - 1].append(value) }
    mutating func null() { add(.null) }
    mutating func bool(_ value: Bool) { add(.bool(value)) }
    mutating func int(_ value: Int64) { add(.int(value)) }
    mutating func float(text: UnsafeRawBufferPointer) { add(.float(String(decoding: text, as: UTF8.self))) }
    mutating func decimal(text: UnsafeRawBufferPointer) { add(.decimal(String(decoding: text, as: UTF8.self))) }
    mutating func string(_ utf8: UnsafeRawBufferPointer) { add(.string(String(decoding: utf8, as: UTF8.self))) }
    mutating func bytes(_ raw: UnsafeRawBufferPointer) { add(.bytes(Array(raw))) }
    mutating func beginArray() { stack.append([]); names.append([]) }
    mutating func endArray() {
        let items = stack.removeLast()
        names.removeLast()
        add(.array(items))
    }
    mutating func beginRecord() { stack.append([]); names.append([]) }
    mutating func field(_ name: StaticString) { names[names.count - 1].append(name.description) }
    mutating func beginMap(count: Int) { beginRecord() }
    mutating func mapKey(_ utf8: UnsafeRawBufferPointer) { names[names.count - 1].append(String(decoding: utf8, as: UTF8.self)) }
    mutating func endMap() { endRecord() }
    mutating func endRecord() {
        let values = stack.removeLast()
        let fieldNames = names.removeLast()
        add(.record(zip(fieldNames, values).map { TypedValue.Field(name: $0, value: $1) }))
    }
}
