/// A value that could not be converted, with the column it came from: `column c (integer):
/// cannot read "x" as integer`. `RowWalker` throws it for COPY lines and tuples alike, whichever
/// encoder the value was for.
public struct ColumnConversionError: Error, CustomStringConvertible {
    /// The column's name.
    public let column: String
    /// The column's declared type as PostgreSQL spells it (`Column.typeName`).
    public let typeName: String
    /// What went wrong.
    public let underlying: ConversionError

    /// Names `column` (and its SQL type) in `underlying`.
    init(_ column: Column, _ underlying: ConversionError) {
        self.column = column.name
        typeName = column.typeName
        self.underlying = underlying
    }

    public var description: String { "column \(column) (\(typeName)): \(underlying)" }
}
