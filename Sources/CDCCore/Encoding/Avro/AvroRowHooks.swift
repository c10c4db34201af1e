/// The Avro record's side of a row walk (`DebeziumAvroSchema`'s row records): a nullable
/// column is a `["null", T]` union, so its value comes after the union branch; a NOT NULL column
/// with no value gets its constant default, else its type's zero (`RequiredFieldFallback.swift`);
/// an unchanged TOASTed value is Debezium's placeholder where the type can spell it, and
/// missing otherwise.
struct AvroRowHooks: RowFieldHooks {
    private let columns: [Column]

    init(columns: [Column]) { self.columns = columns }

    /// The sink's decimal scale and float width follow the column's type.
    func beginField(_ column: Int, position: Int, into sink: inout AvroValueSink) { sink.type = columns[column].type }

    func null(_ column: Int) -> MissingValue { columns[column].nullable ? .null : .fallback }

    func unchangedToast(_ column: Int) -> MissingValue {
        // Debezium's placeholder fits string and bytes columns; other types have no spelling
        // for "unavailable" and travel as null.
        switch columns[column].type {
        case .text, .bytea, .json, .xml, .uuid, .otherText, .enumeration, .ltree, .tsvector, .hstoreJSON: return .unavailablePlaceholder
        default: return null(column)
        }
    }

    /// A NOT NULL column with a constant default carries it, as Debezium writes it (and as the
    /// field's Avro default says); without one, its type's zero.
    func absent(_ column: Int, hasDefault: Bool) -> MissingValue {
        !columns[column].nullable && hasDefault ? .columnDefault : null(column)
    }

    func writeNull(_ column: Int, into sink: inout AvroValueSink) { sink.writer.writeUnionBranch(0) }

    func beginValue(_ column: Int, into sink: inout AvroValueSink) {
        if columns[column].nullable { sink.writer.writeUnionBranch(1) }
    }

    func endValue(into sink: inout AvroValueSink) throws {
        if let failure = sink.takeFailure() { throw failure }
    }
}
