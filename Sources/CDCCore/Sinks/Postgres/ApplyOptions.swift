/// How `apply` writes rows (`--insert-mode`).
public enum ApplyInsertMode: String, Sendable, CaseIterable {
    /// `INSERT`: a row that exists is an error.
    case insert
    /// `INSERT … ON CONFLICT (key) DO UPDATE`: insert or replace (the default).
    case upsert
    /// `UPDATE`: rows that do not exist are not created.
    case update
}

/// What `apply` does with a record that can never be applied (`--errors`).
public enum ApplyErrorPolicy: String, Sendable, CaseIterable {
    /// Stop, with the position left before the record (the default).
    case stop
    /// Record its position as applied, hand it to the dead letter output, go on.
    case skip
}

/// What `apply` does, apart from where records come from.
public struct ApplyOptions: Sendable {
    /// The target table of a record: `{schema}`, `{table}` (from `source`, or flat rows'
    /// `__schema`/`__table`), `{topic}` (dots become underscores). nil: `{schema}.{table}` when
    /// the record names its table, `{topic}` otherwise.
    public var tableTemplate: String?
    public var insertMode: ApplyInsertMode = .upsert
    /// Apply deletes (and tombstones).
    public var deletes = true
    /// Apply truncates.
    public var truncates = true
    /// The key columns, instead of the target table's primary key (`--primary-key`, `--key-fields`).
    public var primaryKey: [String]?
    /// Create missing tables from the records' fields.
    public var createTables = false
    /// Add columns for fields the table does not have.
    public var evolve = false
    /// The input's name in `cdcctl_apply_offsets` (the consumer group, or `stdin`).
    public var offsetsName = "stdin"
    public var errors: ApplyErrorPolicy = .stop
    /// Standard input without source positions is the same input as before (a file): lines up to
    /// the stored one are skipped.
    public var replayLines = false

    public init() {}
}
