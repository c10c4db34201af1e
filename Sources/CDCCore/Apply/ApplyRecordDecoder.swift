import AvroCodec
/// The shape of the records `apply` reads (`--envelope`).
public enum ApplyEnvelope: String, Sendable, CaseIterable {
    /// Debezium's change event envelope (cdcctl's own, or Debezium's; with or without the
    /// JsonConverter's `schema`/`payload` wrapper): `op`, `before`, `after`, `source`.
    case debezium
    /// A flat row (Debezium's ExtractNewRecordState): the columns at the top level, plus optional
    /// `__deleted` ("true" for a delete), `__op` (`d` deletes, `t` truncates), `__table`, `__schema`; other `__` fields dropped.
    case flat
    /// A plain JSON document: every record is an upsert of its fields (`--key-fields` names the key).
    case plain
}

/// A decoded record: the change, and its source position when the event carries one.
public struct DecodedRecord: Sendable {
    public var change: ApplyChange
    /// (`source.sequence[0]`, identity) of a change event's transaction.
    public var transaction: (lastCommitted: Int64?, identity: String)? = nil
    /// The Kafka position a flat row or plain document carries in `__topic`, `__partition` and
    /// `__offset` (e.g. from `consume -J | jq`): standard input then resumes by it.
    public var kafkaPosition: (topic: String, partition: Int32, offset: Int64)? = nil
}

/// Turns a record (a JSON value, and for Kafka the JSON key) into an `ApplyChange`.
public struct ApplyRecordDecoder: Sendable {
    public let envelope: ApplyEnvelope

    public init(envelope: ApplyEnvelope) { self.envelope = envelope }

    /// The change a record stands for; nil for records that change nothing (logical decoding
    /// messages, transaction metadata). `value` nil is a Kafka tombstone.
    public func decode(value: ApplyJSON?, key: ApplyJSON?, topic: String?) throws -> DecodedRecord? {
        let recordKey = try key.map { try fields($0, what: "the record key") }
        guard let value else {
            guard let recordKey else { return nil }   // a tombstone without a key deletes nothing
            return DecodedRecord(change: ApplyChange(kind: .delete, sourceTable: nil, topic: topic, row: recordKey, recordKey: recordKey))
        }
        switch envelope {
        case .plain:
            var row = try fields(value, what: "the record")
            let position = Self.kafkaPosition(in: row)
            if position != nil { row.removeAll { $0.0 == "__topic" || $0.0 == "__partition" || $0.0 == "__offset" } }
            return DecodedRecord(change: ApplyChange(kind: .upsert, sourceTable: nil, topic: topic, row: row, recordKey: recordKey), kafkaPosition: position)
        case .flat:
            let all = try fields(value, what: "the record")
            var deleted = false
            var truncated = false
            var table: String? = nil
            var schema: String? = nil
            var row: [(String, ApplyJSON)] = []
            for (name, v) in all {
                guard name.hasPrefix("__") else { row.append((name, v)); continue }
                switch name {
                case "__deleted": deleted = deleted || v == .string("true") || v == .bool(true)
                case "__op":
                    deleted = deleted || v == .string("d")
                    truncated = v == .string("t")
                case "__table": table = v.string
                case "__schema": schema = v.string
                default: break
                }
            }
            let source = table.map { TableName(schema: schema ?? "public", table: $0) }
            return DecodedRecord(change: ApplyChange(kind: truncated ? .truncate : deleted ? .delete : .upsert, sourceTable: source, topic: topic, row: row, recordKey: recordKey),
                                 kafkaPosition: Self.kafkaPosition(in: all))
        case .debezium:
            var event = value
            var decimalScales: [String: Int] = [:]
            if case .object(let members) = value, members.count == 2, let payload = value["payload"], let schema = value["schema"] {
                event = payload
                decimalScales = Self.decimalScales(in: schema)
            }
            guard case .object = event else { throw ApplyInputError("not a change event: expected a JSON object") }
            guard let op = event["op"]?.string else {
                // Transaction metadata (BEGIN/END) records change nothing.
                if event["status"] != nil, event["id"] != nil { return nil }
                throw ApplyInputError("not a change event: no \"op\" field (a flat row needs --envelope flat, a plain document --envelope plain)")
            }
            let source = event["source"]
            var table: TableName? = nil
            if let schema = source?["schema"]?.string, let name = source?["table"]?.string { table = TableName(schema: schema, table: name) }
            let transaction = sourceTransaction(source, op: op)
            let kind: ApplyChange.Kind
            var row: [(String, ApplyJSON)]
            switch op {
            case "c", "r", "u":
                kind = .upsert
                guard let after = event["after"], case .object = after else { throw ApplyInputError("a \"\(op)\" event without an \"after\" row") }
                row = Self.decodingDecimals(try fields(after, what: "\"after\""), scales: decimalScales)
            case "d":
                kind = .delete
                if let before = event["before"], case .object = before {
                    row = Self.decodingDecimals(try fields(before, what: "\"before\""), scales: decimalScales)
                } else {
                    row = recordKey ?? []
                }
            case "t":
                kind = .truncate
                row = []
            case "m":
                return nil
            default:
                throw ApplyInputError("unknown op \"\(op)\"")
            }
            return DecodedRecord(change: ApplyChange(kind: kind, sourceTable: table, topic: topic, row: row, recordKey: recordKey), transaction: transaction)
        }
    }

    /// Kafka Connect's JsonConverter with schemas writes a `Decimal` as base64 of its unscaled
    /// value; the envelope's schema gives the scale. Field name → scale, from `after`'s schema.
    static func decimalScales(in schema: ApplyJSON) -> [String: Int] {
        guard case .array(let envelopeFields)? = schema["fields"] else { return [:] }
        var scales: [String: Int] = [:]
        for part in envelopeFields where part["field"]?.string == "after" || part["field"]?.string == "before" {
            guard case .array(let columns)? = part["fields"] else { continue }
            for column in columns where column["name"]?.string == "org.apache.kafka.connect.data.Decimal" {
                if let name = column["field"]?.string, let scale = column["parameters"]?["scale"]?.int64 { scales[name] = Int(scale) }
            }
        }
        return scales
    }

    static func decodingDecimals(_ row: [(String, ApplyJSON)], scales: [String: Int]) -> [(String, ApplyJSON)] {
        guard !scales.isEmpty else { return row }
        return row.map { field in
            guard let scale = scales[field.0], case .string(let text) = field.1, !PostgresTextInput.isUnavailable(field.1),
                  let bytes = Base64Decoding.decode(text) else { return field }
            return (field.0, .string(AvroDecimal.string(unscaled: bytes, scale: scale)))
        }
    }

    static func kafkaPosition(in fields: [(String, ApplyJSON)]) -> (topic: String, partition: Int32, offset: Int64)? {
        guard let topic = fields.last(where: { $0.0 == "__topic" })?.1.string,
              let partition = fields.last(where: { $0.0 == "__partition" })?.1.int64.flatMap({ Int32(exactly: $0) }),
              let offset = fields.last(where: { $0.0 == "__offset" })?.1.int64 else { return nil }
        return (topic, partition, offset)
    }

    private func fields(_ value: ApplyJSON, what: String) throws -> [(String, ApplyJSON)] {
        guard case .object(let members) = value else { throw ApplyInputError("\(what) is not a JSON object") }
        return members
    }

    /// The transaction a change event belongs to, from its `source` block.
    private func sourceTransaction(_ source: ApplyJSON?, op: String) -> (lastCommitted: Int64?, identity: String)? {
        guard let source else { return nil }
        let snapshot = source["snapshot"]?.string
        if op == "r" || (snapshot != nil && snapshot != "false" && snapshot != "incremental") {
            guard let lsn = source["lsn"]?.int64 else { return nil }
            return (nil, "snapshot\(lsn)")
        }
        guard let txId = source["txId"]?.int64 else { return nil }
        var last: Int64? = nil
        if let sequence = source["sequence"]?.string, let parsed = try? ApplyJSON.parse(sequence), case .array(let items) = parsed, let first = items.first {
            last = first.int64
        }
        return (last, "tx\(txId)")
    }
}

/// A record that is not what `--envelope` says.
public struct ApplyInputError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
