/// Where a change stream comes from: the cluster, and the slot with its position. A sink that
/// keeps its own record of progress (`--exactly-once`) checks that the record belongs to this
/// origin before it skips anything by it.
public struct ReplicationOrigin: Hashable, Sendable {
    /// The cluster and timeline.
    public var server: ServerIdentity
    /// The replication slot's name.
    public var slot: String
    /// The slot's confirmed position, or nil when the slot does not exist yet (it will be
    /// created at or after `server.walFlush`).
    public var slotPosition: LSN?

    /// Where the stream starts at the earliest: nothing committed before it is decoded again.
    public var earliestStart: LSN { slotPosition ?? server.walFlush }
}
