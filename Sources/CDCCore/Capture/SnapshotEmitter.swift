/// Turns the stream of snapshot rows into `op: "r"` events with Debezium's `source.snapshot`
/// markers.
///
/// A row's marker depends on what follows it (last in table, last overall), so one row's COPY
/// line is held back until the next arrives. Precedence: `last`, `first`,
/// `last_in_data_collection`, `first_in_data_collection`, else `true`.
struct SnapshotEmitter {
    private var position: SourcePosition
    private var pending = ByteWriter(capacity: 1024)
    private var pendingTable: EventTable?
    private var pendingIsFirstInTable = false
    private var pendingIsFirstOverall = true
    private var pendingIsLastInTable = false
    private var currentTable: EventTable?
    private var nextIsFirstInTable = false
    private var emittedAny = false

    init(position: SourcePosition) {
        self.position = position
    }

    mutating func beginTable(_ table: EventTable) {
        if pendingTable != nil { pendingIsLastInTable = true }
        currentTable = table
        nextIsFirstInTable = true
    }

    mutating func row(copyLine line: UnsafeRawBufferPointer, into sink: inout some ChangeEventSink) throws {
        if pendingTable != nil { try emitPending(isLastOverall: false, into: &sink) }
        pending.reset()
        pending.write(line)
        pendingTable = currentTable
        pendingIsFirstInTable = nextIsFirstInTable
        pendingIsFirstOverall = !emittedAny
        pendingIsLastInTable = false
        nextIsFirstInTable = false
    }

    mutating func finish(into sink: inout some ChangeEventSink) throws {
        if pendingTable != nil { try emitPending(isLastOverall: true, into: &sink) }
    }

    private mutating func emitPending(isLastOverall: Bool, into sink: inout some ChangeEventSink) throws {
        guard let table = pendingTable else { return }
        let lastInTable = pendingIsLastInTable || isLastOverall
        position.snapshot =
            isLastOverall ? .last
            : pendingIsFirstOverall ? .first
            : lastInTable ? .lastInDataCollection
            : pendingIsFirstInTable ? .firstInDataCollection
            : .inner
        let position = position
        try pending.bytes.withUnsafeBytes { line in
            try sink.change(.read, table: table, before: nil, after: .copyLine(line), position: position)
        }
        emittedAny = true
        pendingTable = nil
    }
}
