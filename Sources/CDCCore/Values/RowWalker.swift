/// Walks one table's rows, whatever they come from (a COPY text line, a pgoutput tuple), field
/// by field: each value goes through `TextValueConverter` into a `ValueSink`, and the encoder's
/// `RowFieldHooks` decide what differs (keys, nulls, placeholders, fallbacks).
///
/// The row checks are made here, once for every encoder: a row whose column count does not
/// match the table's, a value in binary format, and a value that does not convert (thrown as
/// `ColumnConversionError`). Keeps its scratch buffers between rows, so walking a row
/// allocates nothing in the steady state.
struct RowWalker {
    /// What an unchanged TOASTed value carries instead of its (unsent) content, as Debezium's
    /// `unavailable.value.placeholder` default does.
    static let unavailableValue: StaticString = "__debezium_unavailable_value"

    /// The table's columns, in attribute order.
    let columns: [Column]
    /// Per column: whether its constant default (`Column.defaultText`) converts as its type, so
    /// a column absent from a key-only old tuple can carry it.
    private let hasDefault: [Bool]
    private let table: TableName
    private var converter = TextValueConverter()
    /// A COPY field's text after its escapes are undone.
    private var unescaped = ByteWriter(capacity: 256)
    /// The key fields of a COPY line, back to back, kept until the line is split.
    private var keyBytes = ByteWriter(capacity: 64)
    /// Where each key field sits in `keyBytes`, by key position; nil for NULL.
    private var keyRanges: [Range<Int>?] = []

    /// Where the columns sit in a tuple (`RowLayout.tuplePositions`), how wide a tuple is.
    private let layout: RowLayout
    /// Per column, what its values go through (masks, truncation); nil when nothing does.
    private let rules: [ValueRule?]?
    /// Digest contexts and scratch of the rules.
    private var masker = ValueMasker()

    /// A walker for the rows of `table` (named in errors), whose columns are `columns`, read
    /// through `layout` (a shaped table's tuple positions and value rules).
    init(table: TableName, columns: [Column], layout: RowLayout? = nil) {
        self.table = table
        self.columns = columns
        self.layout = layout ?? .identity(columns.count)
        rules = self.layout.rules
        hasDefault = columns.map { column in
            column.defaultText.map { (try? TypedValue.convert(text: $0, as: column.type)) != nil } ?? false
        }
    }

    /// A walker for the rows of `table` as its events carry them.
    init(table: EventTable) {
        self.init(table: table.name, columns: table.columns, layout: table.layout)
    }

    /// Writes the fields of `row` into `sink`: every column in order, or with `indices` only
    /// those columns, in that order (a key, whose order need not be column order).
    mutating func walk<Hooks: RowFieldHooks>(_ row: RowSource, only indices: [Int]? = nil, hooks: Hooks, into sink: inout Hooks.Sink) throws {
        switch row.storage {
        case .copyLine(let line):
            if let indices {
                try walk(copyLine: line, only: indices, hooks: hooks, into: &sink)
            } else {
                try walk(copyLine: line, hooks: hooks, into: &sink)
            }
        case .tuple(let tuple):
            guard tuple.count == layout.tupleWidth else {
                throw StreamError("a tuple of \(tuple.count) columns does not match the \(layout.tupleWidth) columns of \(table)")
            }
            // A complete old row of another shape (never sent by the server) is not consulted.
            let old = row.oldImage.flatMap { $0.count == tuple.count ? $0 : nil }
            if let indices {
                for (position, column) in indices.enumerated() { try writeField(column, position: position, of: tuple, old: old, keyOnly: row.keyOnly, hooks, &sink) }
            } else {
                for column in 0..<columns.count { try writeField(column, position: column, of: tuple, old: old, keyOnly: row.keyOnly, hooks, &sink) }
            }
        }
    }

    // MARK: COPY text lines

    /// Every field of a COPY line, converted as the line is split.
    private mutating func walk<Hooks: RowFieldHooks>(copyLine line: UnsafeRawBufferPointer, hooks: Hooks, into sink: inout Hooks.Sink) throws {
        // Detached for the call: the closure writes through `self`.
        var unescaped = ByteWriter(capacity: 0)
        swap(&unescaped, &self.unescaped)
        defer { swap(&unescaped, &self.unescaped) }
        var count = 0
        try CopyTextRow.forEachField(in: line, unescaped: &unescaped) { column, raw in
            guard column < columns.count else { throw rowShapeError(line) }
            if let raw {
                try writeValue(column, position: column, raw, hooks, &sink)
            } else {
                try writeMissing(hooks.null(column), column, position: column, hooks, &sink)
            }
            count += 1
        }
        guard count == columns.count else { throw rowShapeError(line) }
    }

    /// The fields at `indices` of a COPY line: their text is kept until the line is split (they
    /// need not come in column order), then converted in `indices` order.
    private mutating func walk<Hooks: RowFieldHooks>(copyLine line: UnsafeRawBufferPointer, only indices: [Int], hooks: Hooks, into sink: inout Hooks.Sink) throws {
        // Detached for the call: the conversions below write through `self`.
        var unescaped = ByteWriter(capacity: 0), keyBytes = ByteWriter(capacity: 0), keyRanges: [Range<Int>?] = []
        swap(&unescaped, &self.unescaped)
        swap(&keyBytes, &self.keyBytes)
        swap(&keyRanges, &self.keyRanges)
        defer {
            swap(&unescaped, &self.unescaped)
            swap(&keyBytes, &self.keyBytes)
            swap(&keyRanges, &self.keyRanges)
        }
        keyBytes.reset()
        keyRanges.removeAll(keepingCapacity: true)
        keyRanges.append(contentsOf: repeatElement(nil, count: indices.count))
        var count = 0
        try CopyTextRow.forEachField(in: line, unescaped: &unescaped) { column, raw in
            guard column < columns.count else { throw rowShapeError(line) }
            if let raw, let position = indices.firstIndex(of: column) {
                let start = keyBytes.count
                keyBytes.write(raw)
                keyRanges[position] = start..<keyBytes.count
            }
            count += 1
        }
        guard count == columns.count else { throw rowShapeError(line) }
        try keyBytes.bytes.withUnsafeBytes { keyText in
            for (position, column) in indices.enumerated() {
                if let range = keyRanges[position] {
                    try writeValue(column, position: position, UnsafeRawBufferPointer(rebasing: keyText[range]), hooks, &sink)
                } else {
                    try writeMissing(hooks.null(column), column, position: position, hooks, &sink)
                }
            }
        }
    }

    /// A COPY line whose field count is not the table's.
    private func rowShapeError(_ line: UnsafeRawBufferPointer) -> ConversionError {
        ConversionError("a row of \(columns.count) columns", line)
    }

    // MARK: pgoutput tuples

    /// Column `column` of `tuple`. An unchanged TOASTed value is taken from `old` (a complete old
    /// row) when that holds it; a NULL of a key-only tuple is a column the server did not send.
    private mutating func writeField<Hooks: RowFieldHooks>(_ column: Int, position: Int, of tuple: TupleData, old: TupleData?, keyOnly: Bool,
                                                           _ hooks: Hooks, _ sink: inout Hooks.Sink) throws {
        let source = layout.tuplePosition(column)
        switch tuple.kind(at: source) {
        case .null where keyOnly:
            try writeMissing(hooks.absent(column, hasDefault: hasDefault[column]), column, position: position, hooks, &sink)
        case .null:
            try writeMissing(hooks.null(column), column, position: position, hooks, &sink)
        case .unchangedToast:
            if let old, old.kind(at: source) == .text {
                _ = try old.withValue(at: source) { raw in try writeValue(column, position: position, raw, hooks, &sink) }
            } else {
                try writeMissing(hooks.unchangedToast(column), column, position: position, hooks, &sink)
            }
        case .text:
            _ = try tuple.withValue(at: source) { raw in try writeValue(column, position: position, raw, hooks, &sink) }
        case .binary:
            throw StreamError("column \(columns[column].name) arrived in binary format, which cdcctl does not request")
        }
    }

    // MARK: Fields

    /// One field with a value in PostgreSQL's text form.
    @inline(__always)
    private mutating func writeValue<Hooks: RowFieldHooks>(_ column: Int, position: Int, _ raw: UnsafeRawBufferPointer, _ hooks: Hooks, _ sink: inout Hooks.Sink) throws {
        hooks.beginField(column, position: position, into: &sink)
        if let rules, let rule = rules[column], try writeReplaced(rule, column, hooks, &sink) { return }
        try convert(column, raw, hooks, &sink)
    }

    /// Writes what `rule` puts in place of any value (a constant, NULL); false for a rule that
    /// works on the value (a hash, a truncation).
    private mutating func writeReplaced<Hooks: RowFieldHooks>(_ rule: ValueRule, _ column: Int, _ hooks: Hooks, _ sink: inout Hooks.Sink) throws -> Bool {
        switch rule {
        case .constant(let text):
            hooks.beginValue(column, into: &sink)
            text.withUnsafeBytes { sink.string($0) }
            try hooks.endValue(into: &sink)
            return true
        case .null:
            hooks.writeNull(column, into: &sink)
            return true
        case .hash, .truncate:
            return false
        }
    }

    /// One field without a value, spelled as the hooks say.
    private mutating func writeMissing<Hooks: RowFieldHooks>(_ spelling: MissingValue, _ column: Int, position: Int, _ hooks: Hooks, _ sink: inout Hooks.Sink) throws {
        hooks.beginField(column, position: position, into: &sink)
        if let rules, let rule = rules[column], try writeReplaced(rule, column, hooks, &sink) { return }
        switch spelling {
        case .null:
            hooks.writeNull(column, into: &sink)
        case .unavailablePlaceholder:
            hooks.beginValue(column, into: &sink)
            Self.unavailableValue.withUTF8Buffer { raw in
                if columns[column].type == .bytea { sink.bytes(UnsafeRawBufferPointer(raw)) } else { sink.string(UnsafeRawBufferPointer(raw)) }
            }
            try hooks.endValue(into: &sink)
        case .fallback:
            var text = columns[column].type.fallbackText
            try text.withUTF8 { try convert(column, UnsafeRawBufferPointer($0), hooks, &sink) }
        case .columnDefault:
            // Only chosen where `hasDefault` holds: the text is there and converts.
            var text = columns[column].defaultText ?? columns[column].type.fallbackText
            try text.withUTF8 { try convert(column, UnsafeRawBufferPointer($0), hooks, &sink) }
        }
    }

    /// Converts `raw` as column `column`'s type into `sink`; any failure names the column.
    private mutating func convert<Hooks: RowFieldHooks>(_ column: Int, _ raw: UnsafeRawBufferPointer, _ hooks: Hooks, _ sink: inout Hooks.Sink) throws {
        do {
            hooks.beginValue(column, into: &sink)
            if let rules, let rule = rules[column] {
                try convert(column, raw, rule, &sink)
            } else {
                try converter.convert(raw, as: columns[column].type, into: &sink)
            }
            try hooks.endValue(into: &sink)
        } catch let error as ConversionError {
            throw ColumnConversionError(columns[column], error)
        } catch {
            throw ColumnConversionError(columns[column], ConversionError("\(error)", raw))
        }
    }

    /// Converts `raw` through a rule that works on the value: its hash, or its first characters.
    private mutating func convert<Sink: ValueSink>(_ column: Int, _ raw: UnsafeRawBufferPointer, _ rule: ValueRule, _ sink: inout Sink) throws {
        switch rule {
        case let .hash(algorithm, salt, form, maxLength):
            try masker.hash(raw, algorithm: algorithm, salt: salt, form: form, maxLength: maxLength) { sink.string($0) }
        case .truncate(let characters):
            let cut = UnsafeRawBufferPointer(rebasing: raw.prefix(ValueMasker.prefixLength(raw, characters: characters)))
            try converter.convert(cut, as: columns[column].type, into: &sink)
        case .constant, .null:
            // Written in place of the value before conversion (`writeReplaced`).
            try converter.convert(raw, as: columns[column].type, into: &sink)
        }
    }
}
