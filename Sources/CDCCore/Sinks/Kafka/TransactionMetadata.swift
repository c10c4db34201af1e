import AvroCodec

/// Debezium's transaction metadata (`provide.transaction.metadata`): a BEGIN and an END record
/// per transaction on the transaction topic, and each event's place in its transaction (the
/// envelope's `transaction` block).
struct TransactionMetadata {
    /// `<txId>:<commit LSN>` of the open transaction.
    private(set) var id = ""
    private var commitMicros: Int64 = 0
    private var total: Int64 = 0
    private var perTable: [TableName: Int64] = [:]
    private var tables: [TableName] = []

    mutating func begin(txId: Int64?, finalLSN: LSN, commitMicros: Int64) {
        id = "\(txId.map(String.init) ?? ""):\(finalLSN.value)"
        self.commitMicros = commitMicros
        total = 0
        perTable.removeAll(keepingCapacity: true)
        tables.removeAll(keepingCapacity: true)
    }

    /// The block of the transaction's next event, of `table`.
    mutating func next(_ table: TableName) -> TransactionBlock {
        total += 1
        let n = (perTable[table] ?? 0) + 1
        if n == 1 { tables.append(table) }
        perTable[table] = n
        return TransactionBlock(id: id, totalOrder: total, dataCollectionOrder: n)
    }

    // MARK: JSON records

    func jsonKey() -> [UInt8] {
        var w = ByteWriter(capacity: 64)
        w.write(#"{"id":"#)
        JSONText.writeString(id, into: &w)
        w.write(UInt8(ascii: "}"))
        return w.bytes
    }

    func jsonValue(end: Bool) -> [UInt8] {
        var w = ByteWriter(capacity: 256)
        w.write(end ? #"{"status":"END","id":"# : #"{"status":"BEGIN","id":"#)
        JSONText.writeString(id, into: &w)
        if end {
            w.write(#","event_count":"#)
            w.write(decimal: total)
            w.write(#","data_collections":["#)
            for (i, table) in tables.enumerated() {
                if i > 0 { w.write(UInt8(ascii: ",")) }
                w.write(#"{"data_collection":"#)
                JSONText.writeString("\(table.schema).\(table.table)", into: &w)
                w.write(#","event_count":"#)
                w.write(decimal: perTable[table] ?? 0)
                w.write(UInt8(ascii: "}"))
            }
            w.write(UInt8(ascii: "]"))
        } else {
            w.write(#","event_count":null,"data_collections":null"#)
        }
        w.write(#","ts_ms":"#)
        w.write(decimal: TextValueConverter.floorDiv(commitMicros, 1000))
        w.write(UInt8(ascii: "}"))
        return w.bytes
    }

    // MARK: Avro records (bodies; the caller frames them)

    func avroKey() -> [UInt8] {
        var w = AvroBinaryWriter(capacity: 32)
        w.writeString(id)
        return w.bytes
    }

    func avroValue(end: Bool) -> [UInt8] {
        var w = AvroBinaryWriter(capacity: 128)
        w.writeString(end ? "END" : "BEGIN")
        w.writeString(id)
        if end {
            w.writeUnionBranch(1)
            w.writeLong(total)
            w.writeUnionBranch(1)
            if !tables.isEmpty {
                w.writeLong(Int64(tables.count))
                for table in tables {
                    w.writeString("\(table.schema).\(table.table)")
                    w.writeLong(perTable[table] ?? 0)
                }
            }
            w.writeLong(0)
        } else {
            w.writeUnionBranch(0)
            w.writeUnionBranch(0)
        }
        w.writeLong(TextValueConverter.floorDiv(commitMicros, 1000))
        return w.bytes
    }

    static let keySchema: OrderedJSON = .object([
        ("type", .string("record")), ("name", .string("TransactionMetadataKey")), ("namespace", .string("io.debezium.connector.common")),
        ("fields", .array([DebeziumAvroSchema.field("id", .string("string"))])),
        ("connect.name", .string("io.debezium.connector.common.TransactionMetadataKey")),
    ])

    static let valueSchema: OrderedJSON = {
        let collection = OrderedJSON.object([
            ("type", .string("record")), ("name", .string("ConnectDefault")), ("namespace", .string("io.confluent.connect.avro")),
            ("fields", .array([
                DebeziumAvroSchema.field("data_collection", .string("string")), DebeziumAvroSchema.field("event_count", .string("long")),
            ])),
        ])
        let optionalLong = OrderedJSON.array([.string("null"), .string("long")])
        return .object([
            ("type", .string("record")), ("name", .string("TransactionMetadataValue")), ("namespace", .string("io.debezium.connector.common")),
            ("fields", .array([
                DebeziumAvroSchema.field("status", .string("string")), DebeziumAvroSchema.field("id", .string("string")),
                DebeziumAvroSchema.field("event_count", optionalLong, default: .null),
                DebeziumAvroSchema.field("data_collections", .array([.string("null"), .object([("type", .string("array")), ("items", collection)])]), default: .null),
                DebeziumAvroSchema.field("ts_ms", .string("long")),
            ])),
            ("connect.name", .string("io.debezium.connector.common.TransactionMetadataValue")),
        ])
    }()
}
