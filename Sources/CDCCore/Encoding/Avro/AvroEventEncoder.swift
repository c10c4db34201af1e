import AvroCodec

/// Encodes one table's change events as Avro binary bodies (key and value) matching
/// `DebeziumAvroSchema`; the caller frames them with the registry's schema ids.
struct AvroEventEncoder {
    let schemas: DebeziumAvroSchema
    private let keyIndices: [Int]
    let prefix: String
    let database: String
    private let table: TableName
    private var walker: RowWalker
    private let hooks: AvroRowHooks
    private var sink = AvroValueSink()

    init(prefix: String, database: String, table: TableName, columns: [Column]) {
        self.init(prefix: prefix, database: database, table: table, columns: columns, layout: nil, envelope: .debezium)
    }

    /// An encoder for `table` as its events carry it (shaped columns and values), writing `envelope`.
    init(table: EventTable, envelope: EventEnvelope) {
        self.init(prefix: table.prefix, database: table.database, table: table.name, columns: table.columns, layout: table.layout, envelope: envelope)
    }

    private init(prefix: String, database: String, table: TableName, columns: [Column], layout: RowLayout?, envelope: EventEnvelope) {
        self.prefix = prefix
        self.database = database
        self.table = table
        walker = RowWalker(table: table, columns: columns, layout: layout)
        hooks = AvroRowHooks(columns: columns)
        keyIndices = columns.primaryKeyIndices
        schemas = DebeziumAvroSchema(prefix: prefix, table: table, columns: columns, rules: layout?.rules, envelope: envelope)
    }

    /// The Key record of `row`, or nil when the table has no primary key.
    mutating func encodeKey(_ row: RowSource) throws -> [UInt8]? {
        guard !keyIndices.isEmpty else { return nil }
        sink.writer.reset()
        try walker.walk(row, only: keyIndices, hooks: hooks, into: &sink)
        return sink.writer.bytes
    }

    /// The Envelope record of one event.
    mutating func encodeValue(op: Operation, before: RowSource?, after: RowSource?, position p: SourcePosition, nowNanos: Int64) throws -> [UInt8] {
        sink.writer.reset()
        try writeOptionalRow(before)
        try writeOptionalRow(after)
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

    /// The flat value record (`--envelope flat`) of `row`: its fields, `__deleted` when
    /// `deleted` is set, then `fields`.
    mutating func encodeFlatValue(_ row: RowSource, deleted: Bool?, fields: [FlatField], op: Operation, position p: SourcePosition, nowNanos: Int64) throws -> [UInt8] {
        sink.writer.reset()
        try walker.walk(row, hooks: hooks, into: &sink)
        if deleted != nil || !fields.isEmpty {
            FlatFieldWriter(prefix: prefix, database: database, table: table)
                .writeAvro(fields, deleted: deleted, op: op, position: p, nowNanos: nowNanos, into: &sink.writer)
        }
        return sink.writer.bytes
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
        if let origin = p.origin {
            w.writeUnionBranch(1)
            w.writeString(origin.name)
        } else {
            w.writeUnionBranch(0)
        }
        writeOptional(p.origin.map { Int64(bitPattern: $0.commitLSN.value) }, &w)
    }

    private func writeOptional(_ value: Int64?, _ w: inout AvroBinaryWriter) {
        if let value {
            w.writeUnionBranch(1)
            w.writeLong(value)
        } else {
            w.writeUnionBranch(0)
        }
    }

    /// A `["null", Value]` union: the row's record, or null.
    private mutating func writeOptionalRow(_ row: RowSource?) throws {
        if let row {
            sink.writer.writeUnionBranch(1)
            try walker.walk(row, hooks: hooks, into: &sink)
        } else {
            sink.writer.writeUnionBranch(0)
        }
    }
}
