/// Renders Debezium-shaped change events (JsonConverter, `schemas.enable=false`) as one JSON
/// line each. The constant pieces (connector name, database, table names) are escaped once.
public struct EventRenderer {
    /// The logical server name the source blocks carry.
    let prefix: String
    /// The database the source blocks carry.
    let database: String
    private let sourceHead: [UInt8]
    private var tableParts: [TableName: [UInt8]] = [:]
    private let clock: () -> Int64

    /// Creates a renderer for events of database `database` under topic prefix `prefix`.
    /// `clock` returns nanoseconds since the epoch (tests pin it).
    public init(prefix: String, database: String, clock: @escaping () -> Int64 = Clock.realtimeNanos) {
        self.prefix = prefix
        self.database = database
        var head = ByteWriter()
        head.write(#"{"version":"#)
        head.write(JSONText.quoted(CDCCtlVersion.current))
        head.write(#","connector":"postgresql","name":"#)
        head.write(JSONText.quoted(prefix))
        head.write(#","ts_ms":"#)
        sourceHead = head.bytes
        self.clock = clock
        dbPart = JSONText.quoted(database)
    }

    private let dbPart: [UInt8]

    /// Appends one event line (with its newline) to `out`. `before`/`after` are rendered row
    /// objects or nil for JSON null.
    public mutating func write(op: Operation, before: [UInt8]?, after: [UInt8]?, table: TableName, position: SourcePosition, into out: inout ByteWriter) {
        out.write(#"{"before":"#)
        if let before { out.write(before) } else { out.write("null") }
        out.write(#","after":"#)
        if let after { out.write(after) } else { out.write("null") }
        out.write(#","source":"#)
        writeSource(table: table, position: position, into: &out)
        out.write(#","op":""#)
        out.write(op.byte)
        let now = clock()
        out.write(#"","ts_ms":"#)
        out.write(decimal: now / 1_000_000)
        out.write(#","ts_us":"#)
        out.write(decimal: now / 1_000)
        out.write(#","ts_ns":"#)
        out.write(decimal: now)
        out.write(#","transaction":"#)
        if let block = position.transaction {
            out.write(#"{"id":"#)
            JSONText.writeString(block.id, into: &out)
            out.write(#","total_order":"#)
            out.write(decimal: block.totalOrder)
            out.write(#","data_collection_order":"#)
            out.write(decimal: block.dataCollectionOrder)
            out.write(UInt8(ascii: "}"))
        } else {
            out.write("null")
        }
        out.write(UInt8(ascii: "}"))
        out.write(UInt8(ascii: "\n"))
    }

    /// Appends a logical decoding message event (`op: "m"`), which carries
    /// `message: {prefix, content}` instead of rows.
    public mutating func writeMessage(prefix: String, content: [UInt8], table: TableName, position: SourcePosition, into out: inout ByteWriter) {
        out.write(#"{"before":null,"after":null,"source":"#)
        writeSource(table: table, position: position, into: &out)
        out.write(#","op":"m""#)
        let now = clock()
        out.write(#","ts_ms":"#)
        out.write(decimal: now / 1_000_000)
        out.write(#","ts_us":"#)
        out.write(decimal: now / 1_000)
        out.write(#","ts_ns":"#)
        out.write(decimal: now)
        out.write(#","transaction":null,"message":{"prefix":"#)
        JSONText.writeString(prefix, into: &out)
        out.write(#","content":""#)
        content.withUnsafeBytes { Base64.encode($0, into: &out) }
        out.write(#""}}"#)
        out.write(UInt8(ascii: "\n"))
    }

    private mutating func writeSource(table: TableName, position p: SourcePosition, into out: inout ByteWriter) {
        out.write(sourceHead)
        out.write(decimal: TextValueConverter.floorDiv(p.commitMicros, 1000))
        out.write(#","snapshot":""#)
        out.write(string: p.snapshot?.rawValue ?? "false")
        out.write(#"","db":"#)
        out.write(dbPart)
        out.write(#","sequence":"#)
        if let sequence = p.sequence {
            out.write(#""["#)
            if let last = sequence.lastCommitted {
                out.write(#"\""#)
                out.write(decimal: last.value)
                out.write(#"\""#)
            } else {
                out.write("null")
            }
            out.write(#",\""#)
            out.write(decimal: sequence.current.value)
            out.write(#"\"]""#)
        } else {
            out.write("null")
        }
        out.write(#","ts_us":"#)
        out.write(decimal: p.commitMicros)
        out.write(#","ts_ns":"#)
        out.write(decimal: p.commitMicros &* 1000)
        out.write(tableFields(table))
        out.write(#","txId":"#)
        if let txId = p.txId { out.write(decimal: txId) } else { out.write("null") }
        out.write(#","lsn":"#)
        if let lsn = p.lsn { out.write(decimal: lsn.value) } else { out.write("null") }
        out.write(#","xmin":null,"origin":"#)
        if let origin = p.origin {
            JSONText.writeString(origin.name, into: &out)
            out.write(#","origin_lsn":"#)
            out.write(decimal: origin.commitLSN.value)
            out.write(UInt8(ascii: "}"))
        } else {
            out.write(#"null,"origin_lsn":null}"#)
        }
    }

    private mutating func tableFields(_ table: TableName) -> [UInt8] {
        if let cached = tableParts[table] { return cached }
        var w = ByteWriter()
        w.write(#","schema":"#)
        w.write(JSONText.quoted(table.schema))
        w.write(#","table":"#)
        w.write(JSONText.quoted(table.table))
        tableParts[table] = w.bytes
        return w.bytes
    }
}
