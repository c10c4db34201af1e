/// What differs per encoder when `RowWalker` writes a row's fields into a `ValueSink`: what comes
/// before a field (a JSON object key), how a missing value is spelled (JSON null, an Avro union
/// branch, a required field's fallback), and what wraps a converted value (an Avro union branch,
/// a failure the sink recorded). The walker does the rest: splitting, conversion, errors.
protocol RowFieldHooks {
    /// Where the values go.
    associatedtype Sink: ValueSink

    /// Called before each field: column `column`, the `position`-th field of this walk (0-based).
    func beginField(_ column: Int, position: Int, into sink: inout Sink)
    /// How column `column`'s NULL is written.
    func null(_ column: Int) -> MissingValue
    /// How column `column`'s unchanged TOASTed value (not sent by the server) is written, when no
    /// complete old row holds it.
    func unchangedToast(_ column: Int) -> MissingValue
    /// How column `column` is written when a key-only old tuple does not carry it (a non-key
    /// column of a delete under REPLICA IDENTITY DEFAULT); `hasDefault`: the column has a
    /// constant default that converts (`MissingValue.columnDefault` may be chosen).
    func absent(_ column: Int, hasDefault: Bool) -> MissingValue
    /// Writes a null for column `column` (what `MissingValue.null` means).
    func writeNull(_ column: Int, into sink: inout Sink)
    /// Called before a value of column `column` goes into the sink.
    func beginValue(_ column: Int, into sink: inout Sink)
    /// Called after a value went into the sink; throws what the sink could not encode.
    func endValue(into sink: inout Sink) throws
}

/// How a field without a value (NULL, or an unchanged TOASTed value) is written.
enum MissingValue {
    /// A null (`RowFieldHooks.writeNull`).
    case null
    /// Debezium's `__debezium_unavailable_value`: bytes for a bytea column, a string otherwise.
    case unavailablePlaceholder
    /// The conversion of the column type's `fallbackText`: the zero a required field carries.
    case fallback
    /// The conversion of the column's constant default (`Column.defaultText`), as Debezium
    /// writes it for a NOT NULL column the old tuple does not carry.
    case columnDefault
}
