/// The stdout form of routed outbox records, one NDJSON line each:
///
///     {"topic":"outbox.event.order","key":"42","headers":{"id":"…","type":"OrderPlaced"},"value":{…}}
///
/// `key` and the header values are JSON strings (null for NULL); `value` is the payload: a json
/// or jsonb payload is the JSON document itself (its line breaks, only possible between tokens,
/// become spaces so the record stays one line), a bytea payload a base64 string, any other a
/// JSON string of its text; null for NULL.
struct OutboxLineRenderer {
    private var router: OutboxRouter

    /// Renders the records `router` makes.
    init(router: OutboxRouter) { self.router = router }

    /// Whether `table` is the outbox table.
    @inline(__always)
    func isOutbox(_ table: EventTable) -> Bool { router.isOutbox(table) }

    /// Whether the outbox table's ordinary change events are left out.
    var only: Bool { router.only }

    /// Appends the line of a change of the outbox table, if it is routed.
    mutating func write(_ op: Operation, table: EventTable, after: RowSource?, into out: inout ByteWriter) throws {
        guard let record = try router.route(op, table: table, after: after) else { return }
        out.write(#"{"topic":"#)
        JSONText.writeString(record.topic, into: &out)
        out.write(#","key":"#)
        Self.writeString(record.key, into: &out)
        out.write(#","headers":{"#)
        for (i, header) in record.headers.enumerated() {
            if i > 0 { out.write(UInt8(ascii: ",")) }
            JSONText.writeString(header.name, into: &out)
            out.write(UInt8(ascii: ":"))
            Self.writeString(header.value, into: &out)
        }
        out.write(#"},"value":"#)
        if let payload = record.payload {
            switch record.payloadKind {
            case .json:
                for byte in payload { out.write(byte == 0x0A || byte == 0x0D ? 0x20 : byte) }
            case .bytes:
                out.write(UInt8(ascii: "\""))
                payload.withUnsafeBytes { Base64.encode($0, into: &out) }
                out.write(UInt8(ascii: "\""))
            case .text:
                payload.withUnsafeBytes { JSONText.writeString($0, into: &out) }
            }
        } else {
            out.write("null")
        }
        out.write("}\n")
    }

    private static func writeString(_ value: ArraySlice<UInt8>?, into out: inout ByteWriter) {
        guard let value else { out.write("null"); return }
        value.withUnsafeBytes { JSONText.writeString($0, into: &out) }
    }
}
