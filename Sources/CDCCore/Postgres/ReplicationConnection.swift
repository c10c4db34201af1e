/// A walsender connection (`replication=database`) with typed replication commands: create,
/// start and drop a logical slot, read the decoded stream, report progress.
///
/// Wraps one `PGConnection`; blocks the calling thread like it, and like it is used by one
/// thread at a time. Plain SQL (the session settings) also works on it.
public final class ReplicationConnection {
    private let connection: PGConnection

    /// What one `readMessage(timeout:)` produced.
    public enum Read: Hashable, Sendable {
        /// One decoded walsender message.
        case message(ReplicationMessage)
        /// Nothing arrived within the wait.
        case timeout
        /// The server ended the stream (e.g. after `endCopy()`).
        case end
    }

    /// Connects to the database of `conninfo` as a walsender.
    public init(conninfo: String) throws {
        connection = try PGConnection(conninfo: conninfo, replication: true)
    }

    /// Whether the connection is still usable (false after the server went away).
    public var isAlive: Bool { connection.isAlive }

    /// `IDENTIFY_SYSTEM`: which cluster and timeline the connection reaches, and how far its WAL
    /// is flushed. Run it before `createSlot` (a command ends the exported snapshot's life).
    public func identifySystem() throws -> ServerIdentity {
        let result = try connection.simpleQuery(WalsenderCommand.identifySystem.text, context: "cannot identify the server (IDENTIFY_SYSTEM)")
        // Columns: systemid, timeline, xlogpos, dbname.
        return ServerIdentity(systemID: result.string(0, 0), timeline: UInt32(result.string(0, 1)) ?? 0, walFlush: LSN(result.string(0, 2)) ?? .zero)
    }

    /// Creates a logical pgoutput slot; with `exportSnapshot`, the snapshot it exports stays
    /// usable until this connection runs its next command.
    public func createSlot(name: String, exportSnapshot: Bool) throws -> (consistentPoint: LSN, snapshotName: String?) {
        let result = try connection.simpleQuery(WalsenderCommand.createSlot(name: name, exportSnapshot: exportSnapshot).text,
                                                context: "cannot create replication slot \(name)")
        // Columns: slot_name, consistent_point, snapshot_name, output_plugin.
        return (LSN(result.string(0, 1)) ?? .zero, exportSnapshot ? result.value(0, 2) : nil)
    }

    /// Starts streaming `slot` from `from`; the connection then only reads messages, sends
    /// status updates and ends the copy.
    public func startReplication(slot: String, from: LSN, protocolVersion: Int, publications: [String], messages: Bool) throws {
        let command = WalsenderCommand.startReplication(slot: slot, from: from, protocolVersion: protocolVersion,
                                                        publications: publications, messages: messages)
        try connection.startCopyBoth(command.text, context: "cannot start replication from slot \(slot)")
    }

    /// Reports `flushed` (as written, flushed and applied) with the current time; with
    /// `replyRequested` the server answers with a keepalive carrying its WAL end.
    public func sendStatus(flushed: LSN, replyRequested: Bool) throws {
        let update = StandbyStatusUpdate(flushed: flushed, clientTime: PostgresTimestamp(unixMicroseconds: Clock.realtimeNanos() / 1000),
                                         replyRequested: replyRequested)
        try connection.sendCopyData(update.encoded())
    }

    /// Reads and decodes the next message, waiting at most `timeout` seconds.
    public func readMessage(timeout: Double) throws -> Read {
        switch try connection.readCopyData(timeout: timeout) {
        case .data(let bytes): return .message(try ReplicationMessage.decode(bytes))
        case .timeout: return .timeout
        case .end: return .end
        }
    }

    /// Ends the stream from this side and drains what the server still sends.
    public func endCopy() { connection.endCopyBoth() }

    /// Drops `name` (not while it streams: after `endCopy()`, or before starting).
    public func dropSlot(name: String) throws {
        _ = try connection.simpleQuery(WalsenderCommand.dropSlot(name: name).text, context: "cannot drop replication slot \(name)")
    }
}
