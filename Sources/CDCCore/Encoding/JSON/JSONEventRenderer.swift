/// Renders sink calls as Debezium JSON (JsonConverter, `schemas.enable=false`): the envelope
/// of an event and its key, for NDJSON lines and for JSON Kafka records alike.
///
/// Writes the envelope with `EventRenderer` and the rows with one `JSONRowRenderer` per table,
/// mutated in place; a table whose `EventTable` instance changes with the same shape keeps it.
/// With `--envelope flat`, the row state alone and the added fields (`FlatRecord`).
struct JSONEventRenderer {
    private var renderer: EventRenderer?
    private var tables = TableStateCache<JSONRowRenderer>()
    private let clock: () -> Int64
    private var before = ByteWriter(capacity: 256)
    /// The record each change becomes.
    let envelope: EventEnvelope

    /// `clock` returns nanoseconds since the epoch (tests pin it).
    init(clock: @escaping () -> Int64 = Clock.realtimeNanos, envelope: EventEnvelope = .debezium) {
        self.clock = clock
        self.envelope = envelope
    }

    /// What `writeEvent` wrote.
    enum Written {
        /// An event line.
        case event
        /// Nothing; a tombstone (the key of this row, a null value) stands for the change.
        case tombstone(RowSource)
        /// Nothing at all (a flat record's truncate, or a delete dropped).
        case nothing
    }

    /// Appends the record of one event (the envelope, or the flat row) and a newline to `out`.
    @discardableResult
    mutating func writeEvent(_ op: Operation, table: EventTable, before beforeRow: RowSource?, after afterRow: RowSource?,
                             position: SourcePosition, into out: inout ByteWriter) throws -> Written {
        if case .flat(let flat) = envelope {
            return try writeFlat(flat, op, table: table, before: beforeRow, after: afterRow, position: position, into: &out)
        }
        useRenderer(for: table)
        let i = stateIndex(table)
        var beforeBytes: [UInt8]? = nil
        if let beforeRow {
            before.reset()
            before.write(try render(beforeRow, at: i, only: nil))
            beforeBytes = before.bytes
        }
        let afterBytes = try afterRow.map { try render($0, at: i, only: nil) }
        renderer!.write(op: op, before: beforeBytes, after: afterBytes, table: table.name, position: position, into: &out)
        return .event
    }

    /// A flat record: the row's object with `__deleted` and the added fields before its `}`.
    private mutating func writeFlat(_ flat: FlatRecord, _ op: Operation, table: EventTable, before: RowSource?, after: RowSource?,
                                    position: SourcePosition, into out: inout ByteWriter) throws -> Written {
        switch flat.decide(op, before: before, after: after) {
        case .skip:
            return .nothing
        case .tombstone(let row):
            return .tombstone(row)
        case let .row(row, deleted):
            let object = try render(row, at: stateIndex(table), only: nil)
            if deleted == nil && flat.fields.isEmpty {
                out.write(object)
            } else {
                object.withUnsafeBytes { out.write(UnsafeRawBufferPointer(rebasing: $0.dropLast())) }
                FlatFieldWriter(prefix: table.prefix, database: table.database, table: table.name)
                    .writeJSON(flat.fields, deleted: deleted, op: op, position: position, nowNanos: clock(), first: object.count <= 2, into: &out)
                out.write(UInt8(ascii: "}"))
            }
            out.write(UInt8(ascii: "\n"))
            return .event
        }
    }

    /// Appends a logical decoding message event and a newline to `out`.
    mutating func writeMessage(prefix: String, content: [UInt8], origin: EventTable, position: SourcePosition, into out: inout ByteWriter) {
        useRenderer(for: origin)
        renderer!.writeMessage(prefix: prefix, content: content, table: origin.name, position: position, into: &out)
    }

    /// The key object (`{"id":1}`) of `row`, or nil when the table has no key. Valid until the
    /// next call.
    mutating func key(table: EventTable, row: RowSource) throws -> [UInt8]? {
        guard !table.keyIndices.isEmpty else { return nil }
        return try render(row, at: stateIndex(table), only: table.keyIndices)
    }

    private mutating func useRenderer(for table: EventTable) {
        if let renderer, renderer.prefix == table.prefix, renderer.database == table.database { return }
        renderer = EventRenderer(prefix: table.prefix, database: table.database, clock: clock)
    }

    private mutating func stateIndex(_ table: EventTable) -> Int {
        tables.index(of: table) { JSONRowRenderer(table: $0) }
    }

    private mutating func render(_ row: RowSource, at i: Int, only indices: [Int]?) throws -> [UInt8] {
        try tables.states[i].render(row, only: indices)
    }
}
