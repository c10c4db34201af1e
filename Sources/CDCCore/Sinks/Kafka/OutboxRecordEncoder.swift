import AvroCodec

/// The Kafka records of routed outbox rows (`OutboxRouter`): on the row's topic, with its headers.
///
/// With `--format json` the key is the aggregate id's text and the value the payload's bytes as
/// they are (a json/jsonb payload is the JSON document, a bytea payload its bytes): what
/// Debezium writes with `StringConverter` keys and `table.expand.json.payload` (or
/// `BinaryDataConverter`) values. With `--format avro` both are Avro in Confluent's wire format,
/// as Debezium's AvroConverter writes them: the key an Avro string, the value an Avro string
/// (`io.debezium.data.Json` for json/jsonb) or bytes (bytea), schemas registered per topic.
struct OutboxRecordEncoder {
    /// Receives one record: topic, key and value (nil: NULL) and headers, borrowed for the call.
    typealias Emit = (_ topic: String, _ key: UnsafeRawBufferPointer?, _ value: UnsafeRawBufferPointer?, _ headers: [KafkaHeader]) throws -> Void

    private var router: OutboxRouter
    private let format: KafkaSinkOptions.Format
    private let registry: SchemaRegistryClient?
    private let topics: KafkaTopicCreator
    private let subjects: SubjectNameStrategy
    /// Schema ids per topic and payload kind.
    private var schemaIDs: [String: (kind: OutboxRouter.PayloadKind, key: Int32, value: Int32)] = [:]
    private var key = ByteWriter(capacity: 128)
    private var value = ByteWriter(capacity: 1024)
    private var headers: [KafkaHeader] = []

    /// An encoder of `router`'s records in `format` (Avro needs `registry`); topics are made sure
    /// of through `topics` before their first record.
    init(router: OutboxRouter, format: KafkaSinkOptions.Format, registry: SchemaRegistryClient?, topics: KafkaTopicCreator, subjects: SubjectNameStrategy) throws {
        if format == .avro && registry == nil { throw KafkaSinkError.avroNeedsRegistry }
        self.router = router
        self.format = format
        self.registry = registry
        self.topics = topics
        self.subjects = subjects
    }

    /// Whether `table` is the outbox table.
    @inline(__always)
    func isOutbox(_ table: EventTable) -> Bool { router.isOutbox(table) }

    /// Whether the outbox table's ordinary change events are left out.
    var only: Bool { router.only }

    /// Emits the record of a change of the outbox table, if it is routed.
    mutating func change(_ op: Operation, table: EventTable, after: RowSource?, emit: Emit) throws {
        guard let record = try router.route(op, table: table, after: after) else { return }
        try topics.ensure(record.topic)
        headers.removeAll(keepingCapacity: true)
        for header in record.headers { headers.append(KafkaHeader(name: header.name, value: header.value.map(Array.init))) }
        switch format {
        case .json:
            try withOptionalBytes(record.key) { key in
                try withOptionalBytes(record.payload) { value in try emit(record.topic, key, value, headers) }
            }
        case .avro:
            let ids = try schemas(topic: record.topic, kind: record.payloadKind)
            if let k = record.key { Self.frame(k, schemaID: ids.key, into: &key) }
            if let v = record.payload { Self.frame(v, schemaID: ids.value, into: &value) }
            try key.bytes.withUnsafeBytes { k in
                try value.bytes.withUnsafeBytes { v in
                    try emit(record.topic, record.key == nil ? nil : k, record.payload == nil ? nil : v, headers)
                }
            }
        }
    }

    /// Confluent's framing of an Avro string or bytes (the same encoding: length, then bytes).
    private static func frame(_ bytes: ArraySlice<UInt8>, schemaID: Int32, into out: inout ByteWriter) {
        var body = AvroBinaryWriter(capacity: bytes.count + 10)
        bytes.withUnsafeBytes { body.writeBytes($0) }
        out.reset()
        ConfluentWireFormat.write(schemaID: schemaID, body: body.bytes, into: &out)
    }

    /// The value schema of a payload kind, as Debezium's AvroConverter registers it.
    static func valueSchema(_ kind: OutboxRouter.PayloadKind) -> OrderedJSON {
        switch kind {
        case .json: return .object([("type", .string("string")), ("connect.version", .int(1)), ("connect.name", .string("io.debezium.data.Json"))])
        case .bytes: return .string("bytes")
        case .text: return .string("string")
        }
    }

    private mutating func schemas(topic: String, kind: OutboxRouter.PayloadKind) throws -> (key: Int32, value: Int32) {
        if let ids = schemaIDs[topic], ids.kind == kind { return (ids.key, ids.value) }
        guard let registry else { throw KafkaSinkError.avroNeedsRegistry }
        let keySchema = OrderedJSON.string("string"), valueSchema = Self.valueSchema(kind)
        let ids = (key: try registry.register(subject: subjects.subject(topic: topic, isKey: true, schema: keySchema), schema: keySchema.text),
                   value: try registry.register(subject: subjects.subject(topic: topic, isKey: false, schema: valueSchema), schema: valueSchema.text))
        schemaIDs[topic] = (kind, ids.key, ids.value)
        return ids
    }
}

/// Calls `body` with the bytes of `slice`, or nil.
private func withOptionalBytes<R>(_ slice: ArraySlice<UInt8>?, _ body: (UnsafeRawBufferPointer?) throws -> R) rethrows -> R {
    guard let slice else { return try body(nil) }
    return try slice.withUnsafeBytes { try body($0) }
}
