/// One table's change events as Kafka records in Confluent's Avro wire format: the Debezium key
/// and value schemas registered under the TopicNameStrategy subjects (`<topic>-key`,
/// `<topic>-value`), and every body from `AvroEventEncoder` framed with its schema id.
///
/// One per table (the schemas follow its columns); a sink keeps one per topic and makes a new
/// one when a relation's columns change. Registration happens once, in `init`.
struct AvroTableEncoder {
    /// A framed Kafka record: a nil key for a table without a primary key.
    struct Record {
        let key: [UInt8]?
        let value: [UInt8]
    }

    /// The topic `<prefix>.<schema>.<table>`.
    let topic: String
    /// The id of the Key schema, or nil for a table without a primary key.
    let keySchemaID: Int32?
    /// The id of the Envelope schema.
    let valueSchemaID: Int32
    private var encoder: AvroEventEncoder
    private var framed = ByteWriter(capacity: 1024)

    /// Debezium's topic for a table's change events.
    static func topic(prefix: String, table: TableName) -> String { "\(prefix).\(table.schema).\(table.table)" }

    /// Builds the schemas for `columns` and registers them with `registry` under `topic`'s
    /// subjects (default: Debezium's topic for the table).
    init(prefix: String, database: String, table: TableName, columns: [Column], registry: SchemaRegistryClient, topic: String? = nil,
         subjects: SubjectNameStrategy = .topic) throws {
        try self.init(encoder: AvroEventEncoder(prefix: prefix, database: database, table: table, columns: columns), registry: registry,
                      topic: topic ?? Self.topic(prefix: prefix, table: table), subjects: subjects)
    }

    /// The encoder of `table` as its events carry it (shaped), writing `envelope`. When the
    /// registry refuses the value schema (409) because columns that are NOT NULL now are
    /// optional in the subject's latest version (`SET NOT NULL`), they stay optional.
    init(table: EventTable, envelope: EventEnvelope, registry: SchemaRegistryClient, topic: String, subjects: SubjectNameStrategy) throws {
        let encoder = AvroEventEncoder(table: table, envelope: envelope)
        do {
            try self.init(encoder: encoder, registry: registry, topic: topic, subjects: subjects)
        } catch let refused as RegistryClientError where refused.status == 409 {
            let subject = subjects.subject(topic: topic, isKey: false, schema: encoder.schemas.value)
            guard let latest = try registry.latestSchema(subject: subject) else { throw refused }
            let widen = RegisteredNullability.columnsToWiden(table.columns, latestSchema: latest)
            guard !widen.isEmpty else { throw refused }
            try self.init(encoder: AvroEventEncoder(table: table.allowingNull(at: widen), envelope: envelope), registry: registry,
                          topic: topic, subjects: subjects)
            StandardError.notice("columns \(widen.map { table.columns[$0].name }.joined(separator: ", ")) of \(table.name) are NOT NULL now "
                                 + "but optional in the latest schema of \(subject), which the registry would not let them leave: they stay optional")
        }
    }

    private init(encoder: AvroEventEncoder, registry: SchemaRegistryClient, topic: String, subjects: SubjectNameStrategy) throws {
        self.encoder = encoder
        self.topic = topic
        keySchemaID = try encoder.schemas.key.map {
            try registry.register(subject: subjects.subject(topic: topic, isKey: true, schema: $0), schema: $0.text)
        }
        let value = encoder.schemas.value
        valueSchemaID = try registry.register(subject: subjects.subject(topic: topic, isKey: false, schema: value), schema: value.text)
    }

    /// A snapshot read (`op: "r"`) of one `COPY … TO STDOUT` text line.
    mutating func snapshotRead(copyLine line: UnsafeRawBufferPointer, position: SourcePosition, nowNanos: Int64) throws -> Record {
        try record(op: .read, key: .copyLine(line), before: nil, after: .copyLine(line), position: position, nowNanos: nowNanos)
    }

    /// Any change event; the key comes from `key` (the new row, or the old one for a delete;
    /// nil for a truncate).
    mutating func record(op: Operation, key: RowSource?, before: RowSource?, after: RowSource?, position: SourcePosition, nowNanos: Int64) throws -> Record {
        let keyBody = try key.flatMap { try encoder.encodeKey($0) }
        let frameKey = try keyBody.map { body -> [UInt8] in try frame(body, keySchemaID) }
        let value = try frame(try encoder.encodeValue(op: op, before: before, after: after, position: position, nowNanos: nowNanos), valueSchemaID)
        return Record(key: frameKey, value: value)
    }

    /// A flat record (`--envelope flat`) of `row`, keyed by `key` (nil: a null key).
    mutating func flatRecord(_ row: RowSource, deleted: Bool?, fields: [FlatField], op: Operation, key: RowSource?, position: SourcePosition,
                             nowNanos: Int64) throws -> Record {
        let keyBody = try key.flatMap { try encoder.encodeKey($0) }
        let frameKey = try keyBody.map { body -> [UInt8] in try frame(body, keySchemaID) }
        let body = try encoder.encodeFlatValue(row, deleted: deleted, fields: fields, op: op, position: position, nowNanos: nowNanos)
        return Record(key: frameKey, value: try frame(body, valueSchemaID))
    }

    /// The framed key of `row` alone (a tombstone's), nil for a table without a key.
    mutating func key(_ row: RowSource) throws -> [UInt8]? {
        guard let body = try encoder.encodeKey(row) else { return nil }
        return try frame(body, keySchemaID)
    }

    private mutating func frame(_ body: [UInt8], _ id: Int32?) throws -> [UInt8] {
        guard let id else { throw StreamError("no key schema registered for \(topic)") }
        framed.reset()
        ConfluentWireFormat.write(schemaID: id, body: body, into: &framed)
        return framed.bytes
    }
}
