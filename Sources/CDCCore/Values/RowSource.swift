/// Where a row's column values come from: a snapshot's COPY text line or a pgoutput tuple.
/// Borrowed: valid only during the sink call that receives it.
public struct RowSource {
    enum Storage {
        case copyLine(UnsafeRawBufferPointer)
        case tuple(TupleData)
    }

    let storage: Storage
    /// A complete old row (REPLICA IDENTITY FULL) whose values stand in for this tuple's
    /// unchanged TOASTed columns, as Debezium takes them from the before image.
    private(set) var oldImage: TupleData?
    /// Whether this is a key-only old tuple (REPLICA IDENTITY DEFAULT or USING INDEX): its NULLs
    /// are columns the server did not send, not NULL values.
    private(set) var keyOnly = false

    /// A `COPY … TO STDOUT` text line (without its newline).
    static func copyLine(_ line: UnsafeRawBufferPointer) -> RowSource { RowSource(storage: .copyLine(line)) }

    /// A pgoutput tuple that carries every column (an insert's, an update's new row).
    static func tuple(_ tuple: TupleData) -> RowSource { RowSource(storage: .tuple(tuple)) }

    /// An update's new row, whose unchanged TOASTed values come from `old` when it is complete.
    static func newTuple(_ tuple: TupleData, old: OldTuple?) -> RowSource {
        var row = RowSource(storage: .tuple(tuple))
        if let old, old.isFull { row.oldImage = old.tuple }
        return row
    }

    /// An update's or delete's old row: complete, or only the replica identity's columns.
    static func oldTuple(_ old: OldTuple) -> RowSource {
        var row = RowSource(storage: .tuple(old.tuple))
        row.keyOnly = !old.isFull
        return row
    }
}
