/// Renders one table's rows (COPY text lines or pgoutput tuples) as JSON objects
/// (`{"col":value,…}`) through `RowWalker`: NULL is `null`, an unchanged TOASTed value is
/// Debezium's placeholder.
struct JSONRowRenderer {
    private var walker: RowWalker
    private let hooks: JSONRowHooks
    private var sink = JSONValueSink()

    /// A renderer for the rows of `table`, whose columns are `columns`.
    init(table: TableName, columns: [Column]) {
        walker = RowWalker(table: table, columns: columns)
        hooks = JSONRowHooks(columns: columns)
    }

    /// A renderer for the rows of `table` as its events carry them (shaped: some columns of its
    /// tuples, masked or cut values).
    init(table: EventTable) {
        walker = RowWalker(table: table)
        hooks = JSONRowHooks(columns: table.columns)
    }

    /// Renders `row`; with `only`, just those column indices, in that order (a key). The result
    /// is valid until the next call.
    mutating func render(_ row: RowSource, only indices: [Int]? = nil) throws -> [UInt8] {
        sink.reset()
        sink.out.write(UInt8(ascii: "{"))
        try walker.walk(row, only: indices, hooks: hooks, into: &sink)
        sink.out.write(UInt8(ascii: "}"))
        return sink.out.bytes
    }
}

/// The JSON object's side of a row walk: each field after its `"name":` key.
struct JSONRowHooks: RowFieldHooks {
    /// `"name":` of each column, escaped once.
    private let keys: [[UInt8]]
    /// Whether each column may hold NULL.
    private let nullable: [Bool]

    init(columns: [Column]) {
        keys = columns.map { JSONText.quoted($0.name) + [UInt8(ascii: ":")] }
        nullable = columns.map(\.nullable)
    }

    func beginField(_ column: Int, position: Int, into sink: inout JSONValueSink) { sink.key(keys[column], first: position == 0) }
    func null(_ column: Int) -> MissingValue { .null }
    func unchangedToast(_ column: Int) -> MissingValue { .unavailablePlaceholder }
    /// A NOT NULL column with a constant default carries it, as Debezium writes it; any other
    /// column the old tuple does not carry is null (Debezium: the type's zero when NOT NULL).
    func absent(_ column: Int, hasDefault: Bool) -> MissingValue { hasDefault && !nullable[column] ? .columnDefault : .null }
    func writeNull(_ column: Int, into sink: inout JSONValueSink) { sink.null() }
    func beginValue(_ column: Int, into sink: inout JSONValueSink) {}
    func endValue(into sink: inout JSONValueSink) throws {}
}
