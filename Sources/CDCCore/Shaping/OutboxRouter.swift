/// Routes the rows of the outbox table (`OutboxSettings`): for each insert (or snapshot read) the
/// record Debezium's EventRouter makes of it: topic from the template, key, payload and headers,
/// each taken from its column in PostgreSQL's text form (a bytea payload as its bytes). Updates
/// are ignored with a warning, deletes and truncates silently.
///
/// One per sink. The columns it reads are looked up once per shape of the table (an
/// `EventTable` instance); the values of a row are walked into one buffer that the record
/// borrows until the next row.
struct OutboxRouter {
    /// How the payload's bytes are to be taken.
    enum PayloadKind: Equatable {
        /// json or jsonb: the JSON document's text.
        case json
        /// bytea: the raw bytes.
        case bytes
        /// Any other type: its text form.
        case text
    }

    let settings: OutboxSettings
    private let template: OutboxTopicTemplate
    private let warn: (String) -> Void
    private var shape: Shape?
    private var sink = OutboxValueSink()
    private var topicScratch = ByteWriter(capacity: 64)
    /// Topics by their bytes: a topic name is made and checked once.
    private var topics: [[UInt8]: String] = [:]
    private var ignoredUpdates = 0

    /// How the current shape of the outbox table is read: which columns, at which positions of
    /// the walk.
    private struct Shape {
        let table: EventTable
        var walker: RowWalker
        let hooks: OutboxRowHooks
        /// The columns walked, each once.
        let indices: [Int]
        let id: Int
        let key: Int
        let payload: Int
        let payloadKind: PayloadKind
        let headers: [(name: String, position: Int)]
        /// Per template part: a literal's bytes, or the position of a placeholder's value.
        let topicParts: [(literal: [UInt8], position: Int?)]
        /// The column name of each position, for messages.
        let names: [String]
    }

    /// A router for `settings`; `warn` hears of ignored updates.
    init(settings: OutboxSettings, warn: @escaping (String) -> Void = { _ in }) throws {
        self.settings = settings
        template = try OutboxTopicTemplate(parsing: settings.topicTemplate)
        self.warn = warn
    }

    /// Whether `table` is the outbox table.
    @inline(__always)
    func isOutbox(_ table: EventTable) -> Bool { table.name == settings.table }

    /// Whether the outbox table's ordinary change events are left out.
    var only: Bool { settings.only }

    /// Checks that `columns` (the outbox table's) have every column the settings read; throws
    /// `OutboxError.missingColumn` naming the first one missing.
    static func check(_ settings: OutboxSettings, columns: [Column]) throws {
        _ = try resolve(settings, columns: columns, template: try OutboxTopicTemplate(parsing: settings.topicTemplate))
    }

    /// The record of a change of the outbox table, or nil when the change is not routed. The
    /// record's bytes are valid until the next call.
    mutating func route(_ op: Operation, table: EventTable, after: RowSource?) throws -> OutboxRecord? {
        switch op {
        case .create, .read:
            break
        case .update:
            ignoredUpdates += 1
            if ignoredUpdates == 1 || ignoredUpdates % 1000 == 0 {
                warn("ignored \(ignoredUpdates == 1 ? "an UPDATE" : "\(ignoredUpdates) UPDATEs") of outbox table \(table.name): outbox rows are routed when inserted, never when updated")
            }
            return nil
        case .delete, .truncate, .message:
            return nil
        }
        guard let after else { return nil }
        if shape?.table !== table { shape = try makeShape(table) }
        sink.reset(positions: shape!.indices.count)
        try shape!.walker.walk(after, only: shape!.indices, hooks: shape!.hooks, into: &sink)
        let shape = shape!
        return OutboxRecord(topic: try topic(shape), key: sink.value(at: shape.key), payload: sink.value(at: shape.payload),
                            payloadKind: shape.payloadKind, headers: shape.headers.map { ($0.name, sink.value(at: $0.position)) })
    }

    /// The rendered topic of the walked row.
    private mutating func topic(_ shape: Shape) throws -> String {
        topicScratch.reset()
        for part in shape.topicParts {
            guard let position = part.position else { topicScratch.write(part.literal); continue }
            guard let value = sink.value(at: position) else {
                throw OutboxError.nullTopicValue(table: settings.table, column: shape.names[position], eventID: eventID(shape))
            }
            value.withUnsafeBytes { topicScratch.write($0) }
        }
        if let known = topics[topicScratch.bytes] { return known }
        let topic = String(decoding: topicScratch.bytes, as: UTF8.self)
        guard OutboxTopicTemplate.isValidTopic(topicScratch.bytes) else {
            throw OutboxError.invalidTopic(table: settings.table, topic: topic, eventID: eventID(shape))
        }
        topics[topicScratch.bytes] = topic
        return topic
    }

    private func eventID(_ shape: Shape) -> String {
        sink.value(at: shape.id).map { String(decoding: $0, as: UTF8.self) } ?? "(NULL id)"
    }

    private func makeShape(_ table: EventTable) throws -> Shape {
        let resolved = try Self.resolve(settings, columns: table.columns, template: template)
        // Every column read as its text (bytea as its bytes): the walker's conversion is the
        // COPY / pgoutput unescaping only.
        let columns = table.columns.map { column -> Column in
            var text = Column(name: column.name, type: column.type == .bytea ? .bytea : .text, typeName: column.typeName,
                              nullable: true, primaryKeyPosition: nil)
            text.defaultText = nil
            return text
        }
        let payloadType = table.columns[resolved.indices[resolved.payload]].type
        let kind: PayloadKind = payloadType == .json ? .json : payloadType == .bytea ? .bytes : .text
        return Shape(table: table, walker: RowWalker(table: table.name, columns: columns), hooks: OutboxRowHooks(),
                     indices: resolved.indices, id: resolved.id, key: resolved.key, payload: resolved.payload, payloadKind: kind,
                     headers: resolved.headers, topicParts: resolved.topicParts, names: resolved.indices.map { table.columns[$0].name })
    }

    /// The columns `settings` read, as positions in the list of column indices to walk.
    private static func resolve(_ settings: OutboxSettings, columns: [Column], template: OutboxTopicTemplate) throws
        -> (indices: [Int], id: Int, key: Int, payload: Int, headers: [(name: String, position: Int)], topicParts: [(literal: [UInt8], position: Int?)]) {
        var indices: [Int] = []
        func position(_ column: String, use: String, field: OutboxSettings.Field?) throws -> Int {
            guard let index = columns.firstIndex(where: { $0.name == column }) else {
                throw OutboxError.missingColumn(table: settings.table, column: column, use: use, field: field)
            }
            if let known = indices.firstIndex(of: index) { return known }
            indices.append(index)
            return indices.count - 1
        }
        func field(_ field: OutboxSettings.Field) throws -> Int { try position(settings.column(of: field), use: field.use, field: field) }
        let id = try field(.id)
        let key = try field(.aggregateid)
        let payload = try field(.payload)
        let topicParts = try template.parts.map { part -> (literal: [UInt8], position: Int?) in
            switch part {
            case .literal(let text): return (Array(text.utf8), nil)
            case .placeholder(let name):
                let known = OutboxSettings.Field(rawValue: name)
                return ([], try position(settings.column(for: name), use: known.map(\.use) ?? "named in the topic template", field: known))
            }
        }
        let headers = try settings.headers.map { header -> (name: String, position: Int) in
            let known = OutboxSettings.Field(rawValue: header.source)
            return (header.name, try position(settings.column(for: header.source), use: known.map(\.use) ?? "header \(header.name)", field: known))
        }
        return (indices, id, key, payload, headers, topicParts)
    }
}

/// A routed outbox row: the slices borrow the router's buffer until its next row.
struct OutboxRecord {
    let topic: String
    /// The key's bytes; nil for NULL.
    let key: ArraySlice<UInt8>?
    /// The payload's bytes (text, JSON text or raw bytes as `payloadKind` says); nil for NULL.
    let payload: ArraySlice<UInt8>?
    let payloadKind: OutboxRouter.PayloadKind
    /// The headers in order; a nil value for NULL.
    let headers: [(name: String, value: ArraySlice<UInt8>?)]
}

/// Collects the walked values of an outbox row, by position, in one buffer.
struct OutboxValueSink: ValueSink {
    private(set) var buffer = ByteWriter(capacity: 1024)
    private var ranges: [Range<Int>?] = []
    /// The position the next value is for.
    var position = 0

    mutating func reset(positions: Int) {
        buffer.reset()
        ranges.removeAll(keepingCapacity: true)
        ranges.append(contentsOf: repeatElement(nil, count: positions))
    }

    /// The value at `position`; nil for NULL.
    func value(at position: Int) -> ArraySlice<UInt8>? { ranges[position].map { buffer.bytes[$0] } }

    private mutating func record(_ raw: UnsafeRawBufferPointer) {
        let start = buffer.count
        buffer.write(raw)
        ranges[position] = start..<buffer.count
    }

    mutating func null() { ranges[position] = nil }
    mutating func string(_ utf8: UnsafeRawBufferPointer) { record(utf8) }
    mutating func bytes(_ raw: UnsafeRawBufferPointer) { record(raw) }
    // Every column is walked as text or bytea: nothing else arrives.
    mutating func bool(_ value: Bool) {}
    mutating func int(_ value: Int64) {}
    mutating func float(text: UnsafeRawBufferPointer) { record(text) }
    mutating func decimal(text: UnsafeRawBufferPointer) { record(text) }
    mutating func beginArray() {}
    mutating func endArray() {}
    mutating func beginRecord() {}
    mutating func field(_ name: StaticString) {}
    mutating func endRecord() {}
    mutating func beginMap(count: Int) {}
    mutating func mapKey(_ utf8: UnsafeRawBufferPointer) {}
    mutating func endMap() {}
}

/// The outbox walk's hooks: each value lands at its position; whatever has no value is NULL.
struct OutboxRowHooks: RowFieldHooks {
    func beginField(_ column: Int, position: Int, into sink: inout OutboxValueSink) { sink.position = position }
    func null(_ column: Int) -> MissingValue { .null }
    func unchangedToast(_ column: Int) -> MissingValue { .null }
    func absent(_ column: Int, hasDefault: Bool) -> MissingValue { .null }
    func writeNull(_ column: Int, into sink: inout OutboxValueSink) { sink.null() }
    func beginValue(_ column: Int, into sink: inout OutboxValueSink) {}
    func endValue(into sink: inout OutboxValueSink) throws {}
}
