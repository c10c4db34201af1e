/// Renders pgoutput tuples as JSON row objects with the same converter as the snapshot.
struct TupleRenderer {
    /// What an unchanged TOASTed value carries instead of its (unsent) content, as Debezium's
    /// `unavailable.value.placeholder` default does.
    static let unavailableValue: StaticString = "__debezium_unavailable_value"

    let columns: [Column]
    private let keys: [[UInt8]]
    private var converter = TextValueConverter()
    private var sink = JSONValueSink()

    init(columns: [Column]) {
        self.columns = columns
        keys = columns.map { JSONText.quoted($0.name) + [UInt8(ascii: ":")] }
    }

    /// Renders `tuple`; with `only`, just those column indices (a key). Valid until the next call.
    mutating func render(_ tuple: TupleData, only indices: [Int]? = nil) throws -> [UInt8] {
        guard tuple.count == columns.count else {
            throw StreamError("a tuple of \(tuple.count) columns does not match the \(columns.count) columns of its relation")
        }
        sink.reset()
        sink.out.write(UInt8(ascii: "{"))
        if let indices {
            for (n, i) in indices.enumerated() { try renderColumn(i, of: tuple, first: n == 0) }
        } else {
            for i in 0..<columns.count { try renderColumn(i, of: tuple, first: i == 0) }
        }
        sink.out.write(UInt8(ascii: "}"))
        return sink.out.bytes
    }

    private mutating func renderColumn(_ i: Int, of tuple: TupleData, first: Bool) throws {
        sink.key(keys[i], first: first)
        switch tuple.kind(at: i) {
        case .null:
            sink.null()
        case .unchangedToast:
            Self.unavailableValue.withUTF8Buffer { raw in
                if columns[i].type == .bytea { sink.bytes(UnsafeRawBufferPointer(raw)) } else { sink.string(UnsafeRawBufferPointer(raw)) }
            }
        case .text:
            let column = columns[i]
            do {
                _ = try tuple.withValue(at: i) { raw in try converter.convert(raw, as: column.type, into: &sink) }
            } catch let error as ConversionError {
                throw ColumnConversionError(column: column.name, typeName: "\(column.type)", underlying: error)
            }
        case .binary:
            throw StreamError("column \(columns[i].name) arrived in binary format, which cdcctl does not request")
        }
    }

    /// Whether the key columns hold the same bytes in both tuples.
    static func sameKey(_ a: TupleData, _ b: TupleData, keys: [Int]) -> Bool {
        for i in keys {
            if a.kind(at: i) != b.kind(at: i) { return false }
            if a.kind(at: i) == .unchangedToast { continue }
            let equal = a.withValue(at: i) { x in b.withValue(at: i) { y in x.elementsEqual(y) } ?? false } ?? true
            if !equal { return false }
        }
        return true
    }
}
