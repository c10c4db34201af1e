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
    /// Indices of the NOT NULL columns.
    let requiredIndices: [Int]
    /// Where the columns sit in a pgoutput tuple and what their values go through (shaping);
    /// the identity layout for an unshaped table.
    let layout: RowLayout
    /// The tuple positions of the key columns (`keyIndices` through `layout`).
    let keyTuplePositions: [Int]

    /// Describes a table; the key follows the columns' `primaryKeyPosition`.
    public convenience init(prefix: String, database: String, name: TableName, columns: [Column]) {
        self.init(prefix: prefix, database: database, name: name, columns: columns, layout: .identity(columns.count))
    }

    /// Describes a shaped table: `columns` as events carry them, read through `layout`.
    init(prefix: String, database: String, name: TableName, columns: [Column], layout: RowLayout) {
        self.prefix = prefix
        self.database = database
        self.name = name
        self.columns = columns
        self.layout = layout
        keyIndices = columns.primaryKeyIndices
        requiredIndices = columns.indices.filter { !columns[$0].nullable }
        keyTuplePositions = keyIndices.map { layout.tuplePosition($0) }
    }

    /// The same table with the columns at `indices` nullable: a change written while they
    /// still allowed NULL (before `SET NOT NULL`) shows that the catalog's nullability is newer
    /// than the row.
    func allowingNull(at indices: [Int]) -> EventTable {
        var widened = columns
        for i in indices {
            let column = widened[i]
            var nullable = Column(name: column.name, type: column.type, typeName: column.typeName, nullable: true,
                                  primaryKeyPosition: column.primaryKeyPosition)
            nullable.defaultText = column.defaultText
            widened[i] = nullable
        }
        return EventTable(prefix: prefix, database: database, name: name, columns: widened, layout: layout)
    }

    /// Whether both describe the same columns of the same table, read the same way (a sink's
    /// state carries over).
    func hasSameShape(as other: EventTable) -> Bool {
        name == other.name && columns == other.columns && prefix == other.prefix && database == other.database && layout == other.layout
    }
}
