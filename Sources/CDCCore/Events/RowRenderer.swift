/// Renders one table's rows as JSON objects (`{"col":value,…}`) from PostgreSQL's text form.
struct RowRenderer {
    let columns: [Column]
    private let keys: [[UInt8]]
    private var converter = TextValueConverter()
    private var sink = JSONValueSink()
    private var unescaped = ByteWriter(capacity: 256)

    init(columns: [Column]) {
        self.columns = columns
        keys = columns.map { JSONText.quoted($0.name) + [UInt8(ascii: ":")] }
    }

    /// Renders a `COPY … TO STDOUT` text line; the result is valid until the next call.
    mutating func render(copyLine line: UnsafeRawBufferPointer) throws -> [UInt8] {
        sink.reset()
        sink.out.write(UInt8(ascii: "{"))
        var fieldCount = 0
        // Detached for the call: the closure renders through `self`.
        var scratch = ByteWriter(capacity: 0)
        swap(&scratch, &unescaped)
        defer { swap(&scratch, &unescaped) }
        try CopyTextRow.forEachField(in: line, unescaped: &scratch) { index, raw in
            guard index < columns.count else { throw ConversionError("a row of \(columns.count) columns", line) }
            try renderField(index, raw)
            fieldCount += 1
        }
        guard fieldCount == columns.count else { throw ConversionError("a row of \(columns.count) columns", line) }
        sink.out.write(UInt8(ascii: "}"))
        return sink.out.bytes
    }

    /// Renders only the columns at `indices`, in that order (a key), from a COPY text line.
    mutating func render(copyLine line: UnsafeRawBufferPointer, only indices: [Int]) throws -> [UInt8] {
        // Key columns need not come in column order: keep their text until the line is split.
        var fields = [[UInt8]?](repeating: nil, count: indices.count)
        var scratch = ByteWriter(capacity: 0)
        swap(&scratch, &unescaped)
        defer { swap(&scratch, &unescaped) }
        var fieldCount = 0
        try CopyTextRow.forEachField(in: line, unescaped: &scratch) { index, raw in
            guard index < columns.count else { throw ConversionError("a row of \(columns.count) columns", line) }
            if let position = indices.firstIndex(of: index) { fields[position] = raw.map(Array.init) }
            fieldCount += 1
        }
        guard fieldCount == columns.count else { throw ConversionError("a row of \(columns.count) columns", line) }
        sink.reset()
        sink.out.write(UInt8(ascii: "{"))
        for (n, index) in indices.enumerated() {
            sink.key(keys[index], first: n == 0)
            guard let bytes = fields[n] else { sink.null(); continue }
            try bytes.withUnsafeBytes { raw in
                do {
                    try converter.convert(raw, as: columns[index].type, into: &sink)
                } catch let error as ConversionError {
                    throw ColumnConversionError(column: columns[index].name, typeName: columns[index].typeName, underlying: error)
                }
            }
        }
        sink.out.write(UInt8(ascii: "}"))
        return sink.out.bytes
    }

    private mutating func renderField(_ index: Int, _ raw: UnsafeRawBufferPointer?) throws {
        sink.key(keys[index], first: index == 0)
        guard let raw else { sink.null(); return }
        do {
            try converter.convert(raw, as: columns[index].type, into: &sink)
        } catch let error as ConversionError {
            throw ColumnConversionError(column: columns[index].name, typeName: columns[index].typeName, underlying: error)
        }
    }
}

/// A value that could not be converted, with the column it came from.
public struct ColumnConversionError: Error, CustomStringConvertible {
    /// The column's name.
    public let column: String
    /// The column's declared type.
    public let typeName: String
    /// What went wrong.
    public let underlying: ConversionError

    public var description: String { "column \(column) (\(typeName)): \(underlying)" }
}
