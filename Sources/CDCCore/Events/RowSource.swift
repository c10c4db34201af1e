/// Where a row's column values come from: a snapshot's COPY text line or a pgoutput tuple.
/// Borrowed: valid only during the sink call that receives it.
public struct RowSource {
    enum Storage {
        case copyLine(UnsafeRawBufferPointer)
        case tuple(TupleData)
    }

    let storage: Storage

    /// A `COPY … TO STDOUT` text line (without its newline).
    static func copyLine(_ line: UnsafeRawBufferPointer) -> RowSource { RowSource(storage: .copyLine(line)) }

    /// A pgoutput tuple.
    static func tuple(_ tuple: TupleData) -> RowSource { RowSource(storage: .tuple(tuple)) }
}
