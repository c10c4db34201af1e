/// A captured table as its events describe it: where it lives, its columns, and its key.
///
/// A class so that sinks can tell "same shape as last time" by identity: whoever learns of a
/// new shape (a snapshot's catalog read, a pgoutput Relation message) makes a new instance,
/// and a sink rebuilds its per-table state (schemas, renderers) only when the instance changes.
public final class EventTable {
    /// The logical server name (Debezium's `topic.prefix`).
    public let prefix: String
    /// The database, reported as `source.db`.
    public let database: String
    /// The table's schema-qualified name (empty parts for logical decoding messages).
    public let name: TableName
    /// The columns in attribute order.
    public let columns: [Column]
    /// Indices of the primary-key columns, in key order; empty when the table has no key.
    public let keyIndices: [Int]

    /// Describes a table; the key follows the columns' `primaryKeyPosition`.
    public init(prefix: String, database: String, name: TableName, columns: [Column]) {
        self.prefix = prefix
        self.database = database
        self.name = name
        self.columns = columns
        keyIndices = columns.primaryKeyIndices
    }

    /// Whether both describe the same columns of the same table (a sink's state carries over).
    func hasSameShape(as other: EventTable) -> Bool {
        name == other.name && columns == other.columns && prefix == other.prefix && database == other.database
    }
}
