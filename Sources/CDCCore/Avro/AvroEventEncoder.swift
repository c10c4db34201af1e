import AvroCodec

/// Encodes one table's change events as Avro binary bodies (key and value) matching
/// `DebeziumAvroSchema`; the caller frames them with the registry's schema ids.
struct AvroEventEncoder {
    let schemas: DebeziumAvroSchema
    private let columns: [Column]
    private let keyIndices: [Int]
    let prefix: String
    let database: String
    private let table: TableName
    private var converter = TextValueConverter()
    private var sink = AvroValueSink()
    private var unescaped = ByteWriter(capacity: 256)

    init(prefix: String, database: String, table: TableName, columns: [Column]) {
        self.prefix = prefix
        self.database = database
        self.table = table
        self.columns = columns
        keyIndices = columns.primaryKeyIndices
        schemas = DebeziumAvroSchema(prefix: prefix, table: table, columns: columns)
    }

    /// The Key record of `row`, or nil when the table has no primary key.
    mutating func encodeKey(_ row: RowSource) throws -> [UInt8]? {
        guard !keyIndices.isEmpty else { return nil }
        sink.writer.reset()
        try writeRow(row, only: keyIndices)
        return sink.writer.bytes
    }

    /// The Envelope record of one event.
    mutating func encodeValue(op: Operation, before: RowSource?, after: RowSource?, position p: SourcePosition, nowNanos: Int64) throws -> [UInt8] {
        sink.writer.reset()
        for row in [before, after] {
            if let row {
                sink.writer.writeUnionBranch(1)
                try writeRow(row, only: nil)
            } else {
                sink.writer.writeUnionBranch(0)
            }
        }
        var w = sink.writer
        sink.writer = AvroBinaryWriter(capacity: 0)
        defer { sink.writer = w }
        writeSource(p, into: &w)
        // op, ts_ms, ts_us, ts_ns, transaction
        w.writeString(op.rawValue)
        writeOptional(nowNanos / 1_000_000, &w)
        writeOptional(nowNanos / 1_000, &w)
        writeOptional(nowNanos, &w)
        if let block = p.transaction {
            w.writeUnionBranch(1)
            w.writeString(block.id)
            w.writeLong(block.totalOrder)
            w.writeLong(block.dataCollectionOrder)
        } else {
            w.writeUnionBranch(0)
        }
        return w.bytes
    }

    /// The MessageKey record of a logical decoding message.
    func encodeMessageKey(prefix: String) -> [UInt8] {
        var w = AvroBinaryWriter(capacity: prefix.utf8.count + 4)
        w.writeUnionBranch(1)
        w.writeString(prefix)
        return w.bytes
    }

    /// The MessageValue record of a logical decoding message (`DebeziumAvroSchema.messageValue`).
    func encodeMessageValue(prefix messagePrefix: String, content: [UInt8], position p: SourcePosition, nowNanos: Int64) -> [UInt8] {
        var w = AvroBinaryWriter(capacity: 256 + content.count)
        w.writeString(Operation.message.rawValue)
        writeOptional(nowNanos / 1_000_000, &w)
        writeSource(p, into: &w)
        w.writeUnionBranch(1)
        w.writeString(messagePrefix)
        w.writeUnionBranch(1)
        content.withUnsafeBytes { w.writeBytes($0) }
        return w.bytes
    }

    /// The `io.debezium.connector.postgresql.Source` record.
    private func writeSource(_ p: SourcePosition, into w: inout AvroBinaryWriter) {
        w.writeString(CDCCtlVersion.current)
        w.writeString("postgresql")
        w.writeString(prefix)
        w.writeLong(TextValueConverter.floorDiv(p.commitMicros, 1000))
        w.writeUnionBranch(0)
        w.writeString(p.snapshot?.rawValue ?? "false")
        w.writeString(database)
        if let sequence = p.sequence {
            w.writeUnionBranch(1)
            let last = sequence.lastCommitted.map { "\"\($0.value)\"" } ?? "null"
            w.writeString("[\(last),\"\(sequence.current.value)\"]")
        } else {
            w.writeUnionBranch(0)
        }
        writeOptional(p.commitMicros, &w)
        writeOptional(p.commitMicros &* 1000, &w)
        w.writeString(table.schema)
        w.writeString(table.table)
        writeOptional(p.txId, &w)
        writeOptional(p.lsn.map { Int64(bitPattern: $0.value) }, &w)
        writeOptional(nil, &w)
    }

    private func writeOptional(_ value: Int64?, _ w: inout AvroBinaryWriter) {
        if let value {
            w.writeUnionBranch(1)
            w.writeLong(value)
        } else {
            w.writeUnionBranch(0)
        }
    }

    private mutating func writeRow(_ row: RowSource, only indices: [Int]?) throws {
        switch row.storage {
        case .copyLine(let line):
            var scratch = ByteWriter(capacity: 0)
            swap(&scratch, &unescaped)
            defer { swap(&scratch, &unescaped) }
            var count = 0
            // A key's fields go in primary-key order, which need not be column order: keep
            // them until the line is split, then write them in order.
            var keyFields = [[UInt8]?](repeating: nil, count: indices?.count ?? 0)
            try CopyTextRow.forEachField(in: line, unescaped: &scratch) { index, raw in
                guard index < columns.count else { throw ConversionError("a row of \(columns.count) columns", line) }
                count += 1
                if let indices {
                    if let position = indices.firstIndex(of: index) { keyFields[position] = raw.map(Array.init) }
                } else {
                    try writeField(index, raw.map { .text($0) } ?? .null)
                }
            }
            guard count == columns.count else { throw ConversionError("a row of \(columns.count) columns", line) }
            for (position, index) in (indices ?? []).enumerated() {
                if let bytes = keyFields[position] {
                    try bytes.withUnsafeBytes { try writeField(index, .text($0)) }
                } else {
                    try writeField(index, .null)
                }
            }
        case .tuple(let tuple):
            guard tuple.count == columns.count else {
                throw StreamError("a tuple of \(tuple.count) columns does not match the \(columns.count) columns of \(table)")
            }
            for index in indices ?? Array(columns.indices) {
                switch tuple.kind(at: index) {
                case .null: try writeField(index, .null)
                case .unchangedToast: try writeField(index, .unavailable)
                case .text: _ = try tuple.withValue(at: index) { try writeField(index, .text($0)) }
                case .binary: throw StreamError("column \(columns[index].name) arrived in binary format, which cdcctl does not request")
                }
            }
        }
    }

    private enum Field { case null, unavailable, text(UnsafeRawBufferPointer) }

    private mutating func writeField(_ index: Int, _ field: Field) throws {
        let column = columns[index]
        sink.type = column.type
        var field = field
        if case .unavailable = field {
            // Debezium's placeholder fits string and bytes columns; other types have no
            // spelling for "unavailable" and travel as null.
            switch column.type {
            case .text, .bytea, .json, .xml, .uuid, .otherText, .enumeration, .ltree, .tsvector:
                if column.nullable { sink.writer.writeUnionBranch(1) }
                TupleRenderer.unavailableValue.withUTF8Buffer { sink.writer.writeBytes(UnsafeRawBufferPointer($0)) }
                return
            default:
                field = .null
            }
        }
        switch field {
        case .null, .unavailable:
            guard column.nullable else {
                var fallback = column.type.fallbackText
                try fallback.withUTF8 { try writeValue(column, UnsafeRawBufferPointer($0)) }
                return
            }
            sink.writer.writeUnionBranch(0)
        case .text(let raw):
            try writeValue(column, raw)
        }
    }

    private mutating func writeValue(_ column: Column, _ raw: UnsafeRawBufferPointer) throws {
        if column.nullable { sink.writer.writeUnionBranch(1) }
        do {
            try converter.convert(raw, as: column.type, into: &sink)
            if let failure = sink.takeFailure() { throw failure }
        } catch let error as ConversionError {
            throw ColumnConversionError(column: column.name, typeName: column.typeName, underlying: error)
        } catch {
            throw ColumnConversionError(column: column.name, typeName: column.typeName, underlying: ConversionError("\(error)", raw))
        }
    }
}
