/// Turns the stream of snapshot rows into events with Debezium's `source.snapshot` markers.
///
/// A row's marker depends on what follows it (last in table, last overall), so one row is
/// held back until the next arrives. Precedence: `last`, `first`, `last_in_data_collection`,
/// `first_in_data_collection`, else `true`.
struct SnapshotEmitter {
    private var renderer: EventRenderer
    private var position: SourcePosition
    private var pending = ByteWriter(capacity: 1024)
    private var pendingTable: TableName?
    private var pendingIsFirstInTable = false
    private var pendingIsFirstOverall = true
    private var pendingIsLastInTable = false
    private var currentTable: TableName?
    private var nextIsFirstInTable = false
    private var emittedAny = false
    private var lines = ByteWriter(capacity: 1 << 16)

    init(renderer: EventRenderer, position: SourcePosition) {
        self.renderer = renderer
        self.position = position
    }

    mutating func beginTable(_ table: TableName) {
        if pendingTable != nil { pendingIsLastInTable = true }
        currentTable = table
        nextIsFirstInTable = true
    }

    mutating func row(_ after: [UInt8], into output: inout some EventOutput) throws {
        if pendingTable != nil { try emitPending(isLastOverall: false, into: &output) }
        pending.reset()
        pending.write(after)
        pendingTable = currentTable
        pendingIsFirstInTable = nextIsFirstInTable
        pendingIsFirstOverall = !emittedAny
        pendingIsLastInTable = false
        nextIsFirstInTable = false
        if lines.count >= 1 << 16 { try output.write(lines: lines); lines.reset() }
    }

    mutating func finish(into output: inout some EventOutput) throws {
        if pendingTable != nil { try emitPending(isLastOverall: true, into: &output) }
        try output.write(lines: lines)
        lines.reset()
    }

    private mutating func emitPending(isLastOverall: Bool, into output: inout some EventOutput) throws {
        guard let table = pendingTable else { return }
        let lastInTable = pendingIsLastInTable || isLastOverall
        position.snapshot =
            isLastOverall ? .last
            : pendingIsFirstOverall ? .first
            : lastInTable ? .lastInDataCollection
            : pendingIsFirstInTable ? .firstInDataCollection
            : .inner
        renderer.write(op: .read, before: nil, after: pending.bytes, table: table, position: position, into: &lines)
        emittedAny = true
        pendingTable = nil
    }
}
