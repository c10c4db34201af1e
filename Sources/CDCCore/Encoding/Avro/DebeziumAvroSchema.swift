/// The Avro schemas of a table's change events, as Debezium's PostgreSQL connector and
/// Confluent's AvroConverter write them: key `<prefix>.<schema>.<table>.Key`, value
/// `<prefix>.<schema>.<table>.Envelope`, semantic types as `connect.*` properties.
public struct DebeziumAvroSchema {
    /// The Key record, or nil for a table without a primary key (null Kafka key).
    public let key: OrderedJSON?
    /// The Envelope record.
    public let value: OrderedJSON

    /// The source block's enum of snapshot markers, in Debezium's order.
    static let snapshotMarkers = "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental"

    /// Builds both schemas for `table`'s `columns` under topic prefix `prefix`.
    public init(prefix: String, table: TableName, columns: [Column]) {
        self.init(prefix: prefix, table: table, columns: columns, rules: nil, envelope: .debezium)
    }

    /// Builds both schemas of a shaped table: masked and cut columns carry Debezium's
    /// `connect.parameters` (`masked`, `truncateLength`); with a flat envelope the value is the
    /// row's `Value` record with the flat record's fields (`FlatRecord.avroSchema`).
    init(prefix: String, table: TableName, columns: [Column], rules: [ValueRule?]?, envelope: EventEnvelope) {
        let namespace = AvroName.adjustedNamespace(prefix.split(separator: ".").map(String.init) + [table.schema, table.table])
        var names = Set<String>()
        let keyIndices = columns.primaryKeyIndices
        key = keyIndices.isEmpty ? nil : Self.record("Key", namespace: namespace, columns: keyIndices.map { columns[$0] },
                                                     rules: rules.map { r in keyIndices.map { r[$0] } }, names: &names)
        var valueNames = Set<String>()
        let row = Self.record("Value", namespace: namespace, columns: columns, rules: rules, names: &valueNames)
        if case .flat(let flat) = envelope {
            value = flat.avroSchema(row: row)
            return
        }
        let fields: [OrderedJSON] = [
            Self.field("before", .array([.string("null"), row]), default: .null),
            Self.field("after", .array([.string("null"), .string("\(namespace).Value")]), default: .null),
            Self.field("source", Self.source),
            Self.field("op", .string("string")),
            Self.field("ts_ms", .array([.string("null"), .string("long")]), default: .null),
            Self.field("ts_us", .array([.string("null"), .string("long")]), default: .null),
            Self.field("ts_ns", .array([.string("null"), .string("long")]), default: .null),
            Self.field("transaction", .array([.string("null"), Self.transactionBlock]), default: .null),
        ]
        value = .object([
            ("type", .string("record")), ("name", .string("Envelope")), ("namespace", .string(namespace)),
            ("fields", .array(fields)), ("connect.version", .int(2)), ("connect.name", .string("\(namespace).Envelope")),
        ])
    }

    static func field(_ name: String, _ type: OrderedJSON, default value: OrderedJSON? = nil) -> OrderedJSON {
        var members: [(String, OrderedJSON)] = [("name", .string(name)), ("type", type)]
        if let value { members.append(("default", value)) }
        return .object(members)
    }

    static func record(_ name: String, namespace: String, columns: [Column], rules: [ValueRule?]? = nil, names: inout Set<String>) -> OrderedJSON {
        let fields = columns.indices.map { i -> OrderedJSON in
            let column = columns[i]
            var type = AvroColumnType.schema(for: column.type, names: &names)
            // Debezium's column mappers mark the field's schema (AvroConverter: connect.parameters).
            switch rules?[i] {
            case .hash?, .constant?: type = .object([("type", type), ("connect.parameters", .object([("masked", .string("true"))]))])
            case .truncate(let n)?: type = .object([("type", type), ("connect.parameters", .object([("truncateLength", .string(String(n)))]))])
            case .null?, nil: break
            }
            let name = AvroName.adjusted(column.name)
            var field = column.nullable ? field(name, .array([.string("null"), type]), default: .null)
                                        : field(name, type, default: AvroFieldDefault.json(for: column))
            // A name that had to change keeps PostgreSQL's spelling beside it.
            if name != column.name, case .object(var members) = field {
                members.append(("cdcctl.column.name", .string(column.name)))
                field = .object(members)
            }
            return field
        }
        return .object([
            ("type", .string("record")), ("name", .string(name)), ("namespace", .string(namespace)),
            ("fields", .array(fields)), ("connect.name", .string("\(namespace).\(name)")),
        ])
    }

    static let source: OrderedJSON = {
        let optionalLong = OrderedJSON.array([.string("null"), .string("long")])
        let snapshot = OrderedJSON.object([
            ("type", .string("string")), ("connect.version", .int(1)),
            ("connect.parameters", .object([("allowed", .string(snapshotMarkers))])),
            ("connect.default", .string("false")), ("connect.name", .string("io.debezium.data.Enum")),
        ])
        let fields: [OrderedJSON] = [
            field("version", .string("string")), field("connector", .string("string")), field("name", .string("string")),
            field("ts_ms", .string("long")), field("snapshot", .array([snapshot, .string("null")]), default: .string("false")),
            field("db", .string("string")), field("sequence", .array([.string("null"), .string("string")]), default: .null),
            field("ts_us", optionalLong, default: .null), field("ts_ns", optionalLong, default: .null),
            field("schema", .string("string")), field("table", .string("string")),
            field("txId", optionalLong, default: .null), field("lsn", optionalLong, default: .null), field("xmin", optionalLong, default: .null),
            // Debezium 3.x: the replication origin of a replayed transaction.
            field("origin", .array([.string("null"), .string("string")]), default: .null), field("origin_lsn", optionalLong, default: .null),
        ]
        return .object([
            ("type", .string("record")), ("name", .string("Source")), ("namespace", .string("io.debezium.connector.postgresql")),
            ("fields", .array(fields)), ("connect.name", .string("io.debezium.connector.postgresql.Source")),
        ])
    }()

    /// The key of logical decoding messages (`<prefix>.message` topic), as Debezium names it.
    public static let messageKey: OrderedJSON = .object([
        ("type", .string("record")), ("name", .string("MessageKey")), ("namespace", .string("io.debezium.connector.postgresql")),
        ("fields", .array([field("prefix", .array([.string("null"), .string("string")]), default: .null)])),
        ("connect.name", .string("io.debezium.connector.postgresql.MessageKey")),
    ])

    /// The value of logical decoding messages: `op` "m", `ts_ms`, the source block, and the
    /// message's prefix and content.
    public static let messageValue: OrderedJSON = {
        let message = OrderedJSON.object([
            ("type", .string("record")), ("name", .string("Message")), ("namespace", .string("io.debezium.connector.postgresql")),
            ("fields", .array([
                field("prefix", .array([.string("null"), .string("string")]), default: .null),
                field("content", .array([.string("null"), .string("bytes")]), default: .null),
            ])),
            ("connect.name", .string("io.debezium.connector.postgresql.Message")),
        ])
        return .object([
            ("type", .string("record")), ("name", .string("MessageValue")), ("namespace", .string("io.debezium.connector.postgresql")),
            ("fields", .array([
                field("op", .string("string")), field("ts_ms", .array([.string("null"), .string("long")]), default: .null),
                field("source", source), field("message", message),
            ])),
            ("connect.name", .string("io.debezium.connector.postgresql.MessageValue")),
        ])
    }()

    static let transactionBlock: OrderedJSON = .object([
        ("type", .string("record")), ("name", .string("block")), ("namespace", .string("event")),
        ("fields", .array([field("id", .string("string")), field("total_order", .string("long")), field("data_collection_order", .string("long"))])),
        ("connect.version", .int(1)), ("connect.name", .string("event.block")),
    ])
}
