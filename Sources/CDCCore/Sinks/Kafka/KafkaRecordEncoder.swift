/// Turns the Kafka sink's calls into records: a change becomes its table's topic, key = the
/// primary key, value = the envelope (Avro in Confluent's wire format, or Debezium JSON) and a
/// tombstone after a delete; a logical decoding message goes to the message topic; with a
/// transaction topic, BEGIN/END records and each event's `transaction` block.
///
/// Owns the per-table state (topic, Avro encoder with its registered schema ids), rebuilt when
/// a table's shape changes, and every schema registration. Records are handed to `emit` as
/// borrowed bytes, valid for the call only.
struct KafkaRecordEncoder {
    /// Receives one record: its topic, key and value (nil: NULL), borrowed for the call.
    typealias Emit = (_ topic: String, _ key: UnsafeRawBufferPointer?, _ value: UnsafeRawBufferPointer?) throws -> Void

    private struct TableState {
        let topic: String
        var avro: AvroTableEncoder?
    }

    private let options: KafkaSinkOptions
    private let registry: SchemaRegistryClient?
    private let topics: KafkaTopicCreator
    private let clock: () -> Int64

    private var tables = TableStateCache<TableState>()
    private var json: JSONEventRenderer
    private var value = ByteWriter(capacity: 1024)
    private var messageSchemaIDs: (key: Int32, value: Int32)?
    private var messageEncoder: AvroEventEncoder?
    private var metadata = TransactionMetadata()
    private var metadataSchemaIDs: (key: Int32, value: Int32)?

    /// The id of the transaction whose events are being encoded, if it has one.
    private(set) var transactionID: Int64?

    /// An encoder for `options.format`; `registry` is required for Avro. Topics are made sure
    /// of through `topics` before their first record; `clock` stamps `ts_ms`.
    init(options: KafkaSinkOptions, registry: SchemaRegistryClient?, topics: KafkaTopicCreator, clock: @escaping () -> Int64) throws {
        if options.format == .avro && registry == nil { throw KafkaSinkError.avroNeedsRegistry }
        self.options = options
        self.registry = registry
        self.topics = topics
        self.clock = clock
        json = JSONEventRenderer(clock: clock, envelope: options.envelope)
    }

    /// Whether a transaction (with an id) is open: its events get `transaction` blocks.
    var isInTransaction: Bool { transactionID != nil }

    /// A transaction starts: with a transaction topic, its BEGIN record.
    mutating func beginTransaction(id: Int64?, finalLSN: LSN, commitMicros: Int64, emit: Emit) throws {
        transactionID = id
        guard let topic = options.transactionTopic else { return }
        metadata.begin(txId: id, finalLSN: finalLSN, commitMicros: commitMicros)
        try emitMetadata(topic: topic, end: false, emit)
    }

    /// The transaction ends: with a transaction topic, its END record.
    mutating func endTransaction(emit: Emit) throws {
        if let topic = options.transactionTopic, transactionID != nil {
            transactionID = nil
            try emitMetadata(topic: topic, end: true, emit)
        }
        transactionID = nil
    }

    /// The transaction ends without records (skipped, or abandoned to be handed over again).
    mutating func forgetTransaction() {
        transactionID = nil
    }

    /// One change of a row: its record, then a tombstone after a delete (unless turned off).
    mutating func change(_ op: Operation, table: EventTable, before: RowSource?, after: RowSource?, position: SourcePosition, emit: Emit) throws {
        // A new shape (ALTER TABLE) gets its schemas registered here, before its first event.
        let i = try tables.knownIndex(of: table) ?? tables.store(try makeState(table), for: table)
        let topic = tables.states[i].topic
        let keyRow = op == .delete ? before : after
        // A change a flat record drops is no event of the transaction (its END record's counts).
        if case .flat(let flat) = options.envelope, case .skip = flat.decide(op, before: before, after: after) { return }
        var position = position
        if options.transactionTopic != nil && transactionID != nil { position.transaction = metadata.next(table.name) }
        let now = clock()
        if case .flat(let flat) = options.envelope {
            return try flatChange(flat, op, at: i, table: table, before: before, after: after, position: position, nowNanos: now, emit: emit)
        }
        let tombstone = op == .delete && options.tombstones
        if tables.states[i].avro != nil {
            let record = try tables.states[i].avro!.record(op: op, key: op == .truncate ? nil : keyRow, before: before, after: after, position: position, nowNanos: now)
            try withOptionalBytes(record.key) { key in
                try record.value.withUnsafeBytes { value in try emit(topic, key, value) }
                if tombstone, let key { try emit(topic, key, nil) }
            }
        } else {
            value.reset()
            try json.writeEvent(op, table: table, before: before, after: after, position: position, into: &value)
            let key = op == .truncate ? nil : try keyRow.flatMap { try json.key(table: table, row: $0) }
            try withOptionalBytes(key) { key in
                try value.bytes.withUnsafeBytes { event in
                    // The line's newline is NDJSON framing, not part of the record.
                    try emit(topic, key, UnsafeRawBufferPointer(rebasing: event.dropLast()))
                }
                if tombstone, let key { try emit(topic, key, nil) }
            }
        }
    }

    /// One change as a flat record (`--envelope flat`): the row's record, a tombstone, or nothing.
    private mutating func flatChange(_ flat: FlatRecord, _ op: Operation, at i: Int, table: EventTable, before: RowSource?, after: RowSource?,
                                     position: SourcePosition, nowNanos: Int64, emit: Emit) throws {
        let topic = tables.states[i].topic
        let decision = flat.decide(op, before: before, after: after)
        if tables.states[i].avro != nil {
            switch decision {
            case .skip:
                return
            case .tombstone(let row):
                // A tombstone needs a key: a table without one has nothing to compact away.
                guard let key = try tables.states[i].avro!.key(row) else { return }
                try key.withUnsafeBytes { try emit(topic, $0, nil) }
            case let .row(row, deleted):
                let record = try tables.states[i].avro!.flatRecord(row, deleted: deleted, fields: flat.fields, op: op, key: row,
                                                                   position: position, nowNanos: nowNanos)
                try withOptionalBytes(record.key) { key in try record.value.withUnsafeBytes { value in try emit(topic, key, value) } }
            }
            return
        }
        value.reset()
        switch try json.writeEvent(op, table: table, before: before, after: after, position: position, into: &value) {
        case .nothing:
            return
        case .tombstone(let row):
            guard let key = try json.key(table: table, row: row) else { return }
            try key.withUnsafeBytes { try emit(topic, $0, nil) }
        case .event:
            let keyRow = op == .delete ? before : after
            let key = try keyRow.flatMap { try json.key(table: table, row: $0) }
            try withOptionalBytes(key) { key in
                // The line's newline is NDJSON framing, not part of the record.
                try value.bytes.withUnsafeBytes { event in try emit(topic, key, UnsafeRawBufferPointer(rebasing: event.dropLast())) }
            }
        }
    }

    /// A logical decoding message, to the message topic of `origin`'s prefix.
    mutating func message(prefix: String, content: [UInt8], origin: EventTable, position: SourcePosition, emit: Emit) throws {
        let topic = options.messageTopic(prefix: origin.prefix)
        try topics.ensure(topic)
        switch options.format {
        case .avro:
            let ids = try messageSchemas(topic: topic)
            if messageEncoder?.prefix != origin.prefix || messageEncoder?.database != origin.database {
                messageEncoder = AvroEventEncoder(prefix: origin.prefix, database: origin.database, table: origin.name, columns: [])
            }
            let encoder = messageEncoder!
            var key = ByteWriter(capacity: 64)
            ConfluentWireFormat.write(schemaID: ids.key, body: encoder.encodeMessageKey(prefix: prefix), into: &key)
            var record = ByteWriter(capacity: 256 + content.count)
            ConfluentWireFormat.write(schemaID: ids.value, body: encoder.encodeMessageValue(prefix: prefix, content: content, position: position, nowNanos: clock()),
                                      into: &record)
            try key.bytes.withUnsafeBytes { k in try record.bytes.withUnsafeBytes { v in try emit(topic, k, v) } }
        case .json:
            value.reset()
            json.writeMessage(prefix: prefix, content: content, origin: origin, position: position, into: &value)
            var key = ByteWriter(capacity: 64)
            key.write(#"{"prefix":"#)
            JSONText.writeString(prefix, into: &key)
            key.write(UInt8(ascii: "}"))
            try key.bytes.withUnsafeBytes { k in
                try value.bytes.withUnsafeBytes { v in try emit(topic, k, UnsafeRawBufferPointer(rebasing: v.dropLast())) }
            }
        }
    }

    // MARK: transaction metadata

    private mutating func emitMetadata(topic: String, end: Bool, _ emit: Emit) throws {
        try topics.ensure(topic)
        let key: [UInt8], value: [UInt8]
        switch options.format {
        case .json:
            key = metadata.jsonKey()
            value = metadata.jsonValue(end: end)
        case .avro:
            if metadataSchemaIDs == nil {
                metadataSchemaIDs = try registerPair(topic: topic, key: TransactionMetadata.keySchema, value: TransactionMetadata.valueSchema)
            }
            let ids = metadataSchemaIDs!
            key = ConfluentWireFormat.frame(schemaID: ids.key, body: metadata.avroKey())
            value = ConfluentWireFormat.frame(schemaID: ids.value, body: metadata.avroValue(end: end))
        }
        try key.withUnsafeBytes { k in try value.withUnsafeBytes { v in try emit(topic, k, v) } }
    }

    // MARK: topics and schemas

    private func makeState(_ table: EventTable) throws -> TableState {
        let topic = options.topic(prefix: table.prefix, table: table.name)
        try topics.ensure(topic)
        var avro: AvroTableEncoder?
        if options.format == .avro, let registry {
            avro = try AvroTableEncoder(table: table, envelope: options.envelope, registry: registry, topic: topic, subjects: options.subjectStrategy)
        }
        return TableState(topic: topic, avro: avro)
    }

    private mutating func messageSchemas(topic: String) throws -> (key: Int32, value: Int32) {
        if let ids = messageSchemaIDs { return ids }
        let ids = try registerPair(topic: topic, key: DebeziumAvroSchema.messageKey, value: DebeziumAvroSchema.messageValue)
        messageSchemaIDs = ids
        return ids
    }

    private func registerPair(topic: String, key: OrderedJSON, value: OrderedJSON) throws -> (key: Int32, value: Int32) {
        guard let registry else { throw KafkaSinkError.avroNeedsRegistry }
        let strategy = options.subjectStrategy
        return (try registry.register(subject: strategy.subject(topic: topic, isKey: true, schema: key), schema: key.text),
                try registry.register(subject: strategy.subject(topic: topic, isKey: false, schema: value), schema: value.text))
    }
}
