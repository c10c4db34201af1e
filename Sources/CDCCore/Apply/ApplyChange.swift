/// One change `apply` makes to a target table, decoded from an input record.
public struct ApplyChange: Sendable {
    /// What the change does.
    public enum Kind: Sendable, Equatable {
        /// Insert or update the row (`c`, `r`, `u`, a flat or plain row).
        case upsert
        /// Delete the row with the key.
        case delete
        /// Empty the table (`t`).
        case truncate
    }

    public var kind: Kind
    /// Where the table name comes from: the event's `source` (schema, table), or nil.
    public var sourceTable: TableName?
    /// The Kafka topic, when the record came from one.
    public var topic: String?
    /// The row's fields (`after` for an upsert, `before` for a delete), in order.
    public var row: [(String, ApplyJSON)]
    /// The record key's fields (Kafka record key), when there is one.
    public var recordKey: [(String, ApplyJSON)]?
    /// Column types the record's schema states (Avro), for `--create-tables` and `--evolve`.
    public var columnTypes: [String: String]? = nil

    public init(kind: Kind, sourceTable: TableName?, topic: String?, row: [(String, ApplyJSON)], recordKey: [(String, ApplyJSON)]? = nil) {
        self.kind = kind
        self.sourceTable = sourceTable
        self.topic = topic
        self.row = row
        self.recordKey = recordKey
    }
}

/// Where a record was read: what `cdcctl_apply_offsets` stores and errors name.
public enum ApplyPosition: Sendable, Equatable {
    /// A Kafka record.
    case kafka(topic: String, partition: Int32, offset: Int64)
    /// A line of standard input (1-based), with the event's source position when it has one.
    case stdin(line: Int64, source: SourcePoint?)

    /// For messages: `topic t [0] at offset 5`, `stdin line 12`.
    public var description: String {
        switch self {
        case .kafka(let topic, let partition, let offset): return "topic \(topic) [\(partition)] at offset \(offset)"
        case .stdin(let line, _): return "stdin line \(line)"
        }
    }
}

/// A change event's place in its source's commit order, from cdcctl's (Debezium's) `source`
/// block: the transaction it belongs to and its index in that transaction as read.
///
/// `lastCommitted` is `source.sequence[0]`, the end of the transaction committed before this
/// one; it grows with commit order, so two transactions that both carry it compare by it. The
/// first transaction after a stream (re)starts has none (nor has a snapshot): such a transaction
/// is recognised by its identity (`tx<txId>`, `snapshot<lsn>`) instead.
public struct SourcePoint: Sendable, Equatable {
    public var lastCommitted: Int64?
    /// `tx<txId>` or `snapshot<lsn>`.
    public var identity: String
    /// 1-based index of the event within its transaction, in input order.
    public var index: Int64
}
