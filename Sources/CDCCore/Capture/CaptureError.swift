/// Why the change stream cannot start or go on, as data: the CLI words each case with the
/// flags that fix it, the `description` says what is wrong in the library's own terms.
public enum CaptureError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The server's `wal_level` (on `server`, a redacted connection string) is not `logical`.
    case walLevelNotLogical(level: String, server: String)
    /// The publication does not exist and no tables were given to create it with.
    case publicationMissing(publication: String)
    /// The slot does not exist and creating it was not allowed.
    case slotMissing(slot: String)
    /// An initial-only snapshot needs a new slot, but this one exists.
    case slotExistsForInitialOnly(slot: String)
    /// Another walsender (process `pid`) streams from the slot.
    case slotInUse(slot: String, pid: String)
    /// The slot decodes with another output plugin than pgoutput.
    case slotPluginNotPgOutput(slot: String, plugin: String)
    /// The slot was created in `database`, not in the one connected to (`connected`).
    case slotInOtherDatabase(slot: String, database: String, connected: String)
    /// A table to capture that the existing publication does not cover: its changes would
    /// never arrive.
    case tableNotPublished(table: String, publication: String, fix: String)
    /// The slot was invalidated (`wal_status = lost`, past `max_slot_wal_keep_size`): the WAL it
    /// needs is gone, so it can never resume.
    case slotLost(slot: String)
    /// After a lost connection the same address reached another cluster (`now` and `was` are
    /// system identifiers) or, for `timeline`, a server on another timeline (a promoted
    /// standby): the slot there is not the one whose position this stream holds.
    case serverChanged(slot: String, what: String, was: String, now: String)
    /// A row change named a relation no Relation message described first.
    case relationNotDescribed(relationID: UInt32)
    /// The server sent a pgoutput message (`tag`) of a mode cdcctl does not request.
    case unexpectedMessage(tag: UInt8)
    /// A slot or publication name PostgreSQL would refuse (or truncate): `problem` says which and why.
    case invalidName(problem: String)
    /// The role cannot read, or record, whether a slot's snapshot completed (`SnapshotStateTable`).
    case snapshotStateInaccessible(problem: String)

    /// What is wrong, on one line, in the library's terms.
    public var description: String {
        switch self {
        case let .walLevelNotLogical(level, server):
            return "wal_level is '\(level)' on \(server): logical replication needs wal_level = logical in postgresql.conf (and a server restart)"
        case let .publicationMissing(publication):
            return "publication \(publication) does not exist and no tables were given to create it"
        case let .slotMissing(slot):
            return "replication slot \(slot) does not exist and creating it was not allowed"
        case let .slotExistsForInitialOnly(slot):
            return "an initial-only snapshot needs a new slot, but \(slot) exists: drop it or use another slot"
        case let .slotInUse(slot, pid):
            return "replication slot \(slot) is in use by process \(pid): stop the other consumer or use another slot"
        case let .slotPluginNotPgOutput(slot, plugin):
            return "replication slot \(slot) uses plugin \(plugin), not pgoutput: use another slot"
        case let .slotInOtherDatabase(slot, database, connected):
            return "replication slot \(slot) belongs to database \(database), not \(connected)"
        case let .tableNotPublished(table, publication, fix):
            return "table \(table) is not in publication \(publication), so none of its changes would arrive: add it (\(fix)) or use another publication"
        case let .slotLost(slot):
            return "replication slot \(slot) is lost (wal_status = lost): the server removed WAL it still needed (max_slot_wal_keep_size), so it can never resume; re-snapshot: drop it (cdcctl slots drop \(slot)) and start the stream again, which creates a new slot and snapshots the tables"
        case let .serverChanged(slot, what, was, now):
            return "after reconnecting, the server is another \(what) (\(now), was \(was)): a failover or a different server behind the same address; "
                + "replication slot \(slot) there does not hold the position this stream acknowledged, so it stops instead of resuming: "
                + "check which changes reached the sink, then start the stream again (a new slot takes a new snapshot)"
        case let .relationNotDescribed(relationID):
            return "change for relation \(relationID) arrived before its Relation message"
        case let .invalidName(problem), let .snapshotStateInaccessible(problem):
            return problem
        case let .unexpectedMessage(tag):
            return "unexpected pgoutput message '\(Character(Unicode.Scalar(tag)))': cdcctl does not request streaming or two-phase decoding"
        }
    }
}
