/// The envelope's `transaction` block (Debezium's `event.block`): which transaction an event
/// belongs to and its place in it.
public struct TransactionBlock: Sendable, Equatable {
    /// `<txId>:<commit LSN>`, as in the BEGIN/END records.
    public var id: String
    /// The event's position among all events of the transaction (1-based).
    public var totalOrder: Int64
    /// … among the transaction's events of the same table.
    public var dataCollectionOrder: Int64

    /// Creates a block.
    public init(id: String, totalOrder: Int64, dataCollectionOrder: Int64) {
        self.id = id
        self.totalOrder = totalOrder
        self.dataCollectionOrder = dataCollectionOrder
    }
}
