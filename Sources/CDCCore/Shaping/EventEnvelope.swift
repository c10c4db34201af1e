/// The record written for each change (`--envelope`).
public enum EventEnvelope: Sendable, Equatable {
    /// Debezium's envelope: `before`, `after`, `source`, `op`, `ts_*`, `transaction`.
    case debezium
    /// The row state alone, as Debezium's `ExtractNewRecordState` (unwrap) makes it.
    case flat(FlatRecord)
}

/// `--envelope flat`: Debezium's `ExtractNewRecordState` with `add.fields` and
/// `delete.tombstone.handling.mode`. The value is the row after the change (a delete's: nothing,
/// or the row before it with `rewrite`), then `__deleted` (`rewrite` only: `"true"` for a delete,
/// `"false"` otherwise), then the added fields, all optional. Truncates are dropped, Debezium's
/// own tombstones too; logical decoding messages pass unchanged. The value record keeps the row's
/// name, `<prefix>.<schema>.<table>.Value`.
public struct FlatRecord: Sendable, Equatable {
    /// The envelope fields copied into each record (`add.fields`).
    public var fields: [FlatField]
    /// What a delete becomes.
    public var deletes: DeleteHandling

    public init(fields: [FlatField] = [], deletes: DeleteHandling = .tombstone) {
        self.fields = fields
        self.deletes = deletes
    }

    /// The name of the field a `rewrite` adds.
    public static let deletedField = "__deleted"
}

/// What a flat record does with a delete (Debezium's `delete.tombstone.handling.mode`, whose
/// default is `tombstone`).
public enum DeleteHandling: String, CaseIterable, Sendable {
    /// A tombstone (the key, a null value) and nothing else: Kafka only.
    case tombstone
    /// The row before the delete, with `__deleted: "true"` (and `"false"` on every other record).
    case rewrite
    /// Nothing.
    case drop
}

/// One field of `--add-fields` (Debezium's `add.fields`): an envelope, `source` or `transaction`
/// field, written as `__<field>` (`__<struct>_<field>` when the struct is named: `source.ts_ms` is
/// `__source_ts_ms`), or under the name after a colon (`source.ts_ms:event_ms` is `__event_ms`).
public struct FlatField: Sendable, Equatable {
    /// Where the value comes from.
    public let source: Source
    /// The field's name in the record.
    public let name: String

    /// The envelope fields `--add-fields` can copy.
    public enum Source: String, Sendable, CaseIterable {
        case op, tsMs = "ts_ms", tsUs = "ts_us", tsNs = "ts_ns"
        case version, connector, serverName = "name", sourceTsMs = "source.ts_ms", snapshot, db, sequence
        case sourceTsUs = "source.ts_us", sourceTsNs = "source.ts_ns", schema, table, txId, lsn, xmin, origin, originLsn = "origin_lsn"
        case transactionId = "transaction.id", totalOrder = "transaction.total_order", dataCollectionOrder = "transaction.data_collection_order"

        /// Whether the value is a long (else a string).
        var isLong: Bool {
            switch self {
            case .tsMs, .tsUs, .tsNs, .sourceTsMs, .sourceTsUs, .sourceTsNs, .txId, .lsn, .xmin, .originLsn, .totalOrder, .dataCollectionOrder: return true
            default: return false
            }
        }
    }

    /// The prefix of every added field (Debezium's `add.fields.prefix` default).
    public static let prefix = "__"

    /// Parses `--add-fields` (`op,table,source.ts_ms,lsn:position`).
    public static func parseList(_ text: String) -> Result<[FlatField], ShapingSpecProblem> {
        var fields: [FlatField] = []
        for item in SpecSyntax.list(text) {
            let parts = item.split(separator: ":", maxSplits: 1).map(String.init)
            let reference = parts[0].trimmingSpaces()
            let segments = reference.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            // Debezium's FieldReference: an unqualified name lives in `source`, except op and
            // ts_ms (the envelope's) and id, total_order, data_collection_order (`transaction`'s).
            let structName: String?, field: String
            switch segments.count {
            case 1:
                field = segments[0]
                switch field {
                case "op", "ts_ms": structName = nil
                case "id", "total_order", "data_collection_order": structName = "transaction"
                default: structName = "source"
                }
            case 2:
                structName = segments[0]
                field = segments[1]
            default:
                return .failure(ShapingSpecProblem("unknown field '\(reference)'"))
            }
            guard let source = Self.source(struct: structName, field: field) else {
                let known = "op, ts_ms, ts_us, ts_ns, source.{version, connector, name, ts_ms, snapshot, db, sequence, ts_us, ts_ns, schema, table, txId, lsn, xmin, origin, origin_lsn}, transaction.{id, total_order, data_collection_order}"
                return .failure(ShapingSpecProblem("unknown field '\(reference)': expected \(known)"))
            }
            let name: String
            if parts.count == 2 {
                let renamed = parts[1].trimmingSpaces()
                guard !renamed.isEmpty else { return .failure(ShapingSpecProblem("'\(item)': an empty new name")) }
                name = prefix + renamed
            } else {
                name = prefix + (segments.count == 1 ? field : "\(segments[0])_\(field)")
            }
            guard !fields.contains(where: { $0.name == name }), name != FlatRecord.deletedField else {
                return .failure(ShapingSpecProblem("field \(name) is added twice"))
            }
            fields.append(FlatField(source: source, name: name))
        }
        return .success(fields)
    }

    /// The source of `field` in `structName` (nil: the envelope).
    private static func source(struct structName: String?, field: String) -> Source? {
        switch structName {
        case nil:
            switch field {
            case "op": return .op
            case "ts_ms": return .tsMs
            case "ts_us": return .tsUs
            case "ts_ns": return .tsNs
            default: return nil
            }
        case "source"?:
            switch field {
            case "ts_ms": return .sourceTsMs
            case "ts_us": return .sourceTsUs
            case "ts_ns": return .sourceTsNs
            case "name": return .serverName
            case "origin_lsn": return .originLsn
            case "version", "connector", "snapshot", "db", "sequence", "schema", "table", "txId", "lsn", "xmin", "origin":
                return Source(rawValue: field)
            default: return nil
            }
        case "transaction"?:
            return Source(rawValue: "transaction.\(field)")
        default:
            return nil
        }
    }
}
