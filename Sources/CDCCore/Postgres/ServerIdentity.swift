/// Which PostgreSQL cluster a walsender connection reaches, as `IDENTIFY_SYSTEM` reports it.
public struct ServerIdentity: Hashable, Sendable {
    /// The cluster's system identifier (set by initdb; kept by physical replicas and backups).
    public var systemID: String
    /// The timeline the server is on (a promotion or point-in-time recovery starts a new one).
    public var timeline: UInt32
    /// How far the server's WAL is flushed: no position of this WAL history lies beyond it.
    public var walFlush: LSN
}
