/// How a shaped table's events read its rows, beside its (shaped) columns: where each column sits
/// in a pgoutput tuple, which carries every published column, and what each column's values go
/// through (masks, truncation). A snapshot's COPY lines carry exactly the shaped columns, so the
/// positions only concern tuples. The identity layout (no shaping) costs the row walk nothing.
public struct RowLayout: Equatable, Sendable {
    /// Per shaped column, its position in a tuple; nil: the tuple's columns, in order.
    var tuplePositions: [Int]?
    /// How many columns a tuple has (the table's published columns).
    var tupleWidth: Int
    /// Per shaped column, its value rule; nil: none anywhere.
    var rules: [ValueRule?]?

    /// A layout for `count` columns read as they come.
    static func identity(_ count: Int) -> RowLayout { RowLayout(tuplePositions: nil, tupleWidth: count, rules: nil) }

    /// The tuple position of shaped column `column`.
    @inline(__always)
    func tuplePosition(_ column: Int) -> Int { tuplePositions?[column] ?? column }

    /// Whether every value passes unchanged.
    var isPlain: Bool { rules == nil }
}
