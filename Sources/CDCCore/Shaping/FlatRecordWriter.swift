import AvroCodec

/// What a flat record (`--envelope flat`) makes of one change.
enum FlatDecision {
    /// A record of this row; `deleted`: the `__deleted` field's value (`rewrite` only).
    case row(RowSource, deleted: Bool?)
    /// A tombstone: the key of this row and a null value.
    case tombstone(RowSource)
    /// Nothing.
    case skip
}

extension FlatRecord {
    /// What becomes of `op` with rows `before` / `after`, as ExtractNewRecordState decides:
    /// truncates are dropped; a delete is a tombstone, the row before it, or nothing.
    func decide(_ op: Operation, before: RowSource?, after: RowSource?) -> FlatDecision {
        switch op {
        case .truncate, .message:
            return .skip
        case .delete:
            guard let before else { return .skip }
            switch deletes {
            case .tombstone: return .tombstone(before)
            case .rewrite: return .row(before, deleted: true)
            case .drop: return .skip
            }
        case .create, .update, .read:
            guard let after else { return .skip }
            return .row(after, deleted: deletes == .rewrite ? false : nil)
        }
    }

    /// The Avro schema of the flat value: the row's `Value` record (`row`, a Debezium row record)
    /// with `__deleted` (rewrite) and the added fields appended, each optional.
    func avroSchema(row: OrderedJSON) -> OrderedJSON {
        guard case .object(var members) = row, let i = members.firstIndex(where: { $0.0 == "fields" }), case .array(var fields) = members[i].1 else {
            return row
        }
        if deletes == .rewrite {
            fields.append(DebeziumAvroSchema.field(FlatRecord.deletedField, .array([.string("null"), .string("string")]), default: .null))
        }
        for field in self.fields {
            fields.append(DebeziumAvroSchema.field(field.name, .array([.string("null"), .string(field.source.isLong ? "long" : "string")]), default: .null))
        }
        members[i].1 = .array(fields)
        return .object(members)
    }
}

/// The values of `--add-fields` (and `__deleted`) for one event, as JSON members or Avro fields.
struct FlatFieldWriter {
    let prefix: String
    let database: String
    let table: TableName

    /// Appends `,"__deleted":"…"` and `,"name":value` for each field (without a leading comma
    /// when `first`).
    func writeJSON(_ fields: [FlatField], deleted: Bool?, op: Operation, position p: SourcePosition, nowNanos: Int64, first: Bool, into out: inout ByteWriter) {
        var first = first
        func key(_ name: String) {
            if !first { out.write(UInt8(ascii: ",")) }
            first = false
            JSONText.writeString(name, into: &out)
            out.write(UInt8(ascii: ":"))
        }
        if let deleted {
            key(FlatRecord.deletedField)
            out.write(deleted ? #""true""# : #""false""#)
        }
        for field in fields {
            key(field.name)
            switch value(field.source, op: op, position: p, nowNanos: nowNanos) {
            case .missing: out.write("null")
            case .long(let v): out.write(decimal: v)
            case .string(let s): JSONText.writeString(s, into: &out)
            }
        }
    }

    /// Appends `__deleted` and each field as `["null", T]` unions.
    func writeAvro(_ fields: [FlatField], deleted: Bool?, op: Operation, position p: SourcePosition, nowNanos: Int64, into w: inout AvroBinaryWriter) {
        if let deleted {
            w.writeUnionBranch(1)
            w.writeString(deleted ? "true" : "false")
        }
        for field in fields {
            switch value(field.source, op: op, position: p, nowNanos: nowNanos) {
            case .missing: w.writeUnionBranch(0)
            case .long(let v):
                w.writeUnionBranch(1)
                w.writeLong(v)
            case .string(let s):
                w.writeUnionBranch(1)
                w.writeString(s)
            }
        }
    }

    private enum Value {
        case missing, long(Int64), string(String)
    }

    /// The field's value, as the envelope's own field holds it.
    private func value(_ source: FlatField.Source, op: Operation, position p: SourcePosition, nowNanos: Int64) -> Value {
        switch source {
        case .op: return .string(op.rawValue)
        case .tsMs: return .long(nowNanos / 1_000_000)
        case .tsUs: return .long(nowNanos / 1_000)
        case .tsNs: return .long(nowNanos)
        case .version: return .string(CDCCtlVersion.current)
        case .connector: return .string("postgresql")
        case .serverName: return .string(prefix)
        case .sourceTsMs: return .long(TextValueConverter.floorDiv(p.commitMicros, 1000))
        case .sourceTsUs: return .long(p.commitMicros)
        case .sourceTsNs: return .long(p.commitMicros &* 1000)
        case .snapshot: return .string(p.snapshot?.rawValue ?? "false")
        case .db: return .string(database)
        case .sequence:
            guard let sequence = p.sequence else { return .missing }
            let last = sequence.lastCommitted.map { "\"\($0.value)\"" } ?? "null"
            return .string("[\(last),\"\(sequence.current.value)\"]")
        case .schema: return .string(table.schema)
        case .table: return .string(table.table)
        case .txId: return p.txId.map { .long($0) } ?? .missing
        case .lsn: return p.lsn.map { .long(Int64(bitPattern: $0.value)) } ?? .missing
        case .xmin: return .missing
        case .origin: return p.origin.map { .string($0.name) } ?? .missing
        case .originLsn: return p.origin.map { .long(Int64(bitPattern: $0.commitLSN.value)) } ?? .missing
        case .transactionId: return p.transaction.map { .string($0.id) } ?? .missing
        case .totalOrder: return p.transaction.map { .long($0.totalOrder) } ?? .missing
        case .dataCollectionOrder: return p.transaction.map { .long($0.dataCollectionOrder) } ?? .missing
        }
    }
}
