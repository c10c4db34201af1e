import Glibc

/// `cdcctl slots drop`: removes a replication slot, so the server can recycle the WAL it held.
/// An active slot is only dropped when forced, after its walsender is terminated.
public enum SlotDrop {
    /// What the drop did, for the one line the CLI prints.
    public struct Outcome: Sendable, Equatable {
        /// The slot dropped.
        public var slot: String
        /// The walsender terminated first (with `force`).
        public var terminatedPID: Int32?
        /// That walsender's client address.
        public var terminatedClient: String?

        /// `dropped replication slot s` (`terminated walsender 123 (127.0.0.1:5000) and dropped …`).
        public var description: String {
            guard let pid = terminatedPID else { return "dropped replication slot \(slot)" }
            let client = terminatedClient.map { " (client \($0))" } ?? ""
            return "terminated walsender process \(pid)\(client) and dropped replication slot \(slot)"
        }
    }

    /// Drops `slot`. Without `force` an active slot is refused; with it, its walsender is
    /// terminated (`pg_terminate_backend`) and the slot dropped as soon as it is released, again
    /// if a consumer reconnects in between (cdcctl stream retries a lost connection), for up to
    /// `timeout` seconds.
    public static func drop(slot: String, force: Bool, connection: PGConnection, timeout: Double = 10) throws -> Outcome {
        let deadline = Clock.monotonicSeconds() + timeout
        var terminated: (pid: Int32, client: String?)? = nil
        while true {
            guard let state = try activeState(slot: slot, connection: connection) else {
                throw OperationsError.slotMissing(slot: slot, server: connection.displayName)
            }
            if let pid = state.pid {
                guard force else { throw OperationsError.slotActive(slot: slot, pid: pid, client: state.client) }
                guard Clock.monotonicSeconds() < deadline else {
                    throw OperationsError.slotStaysActive(slot: slot, pid: pid, seconds: timeout)
                }
                let result = try connection.query("SELECT pg_terminate_backend($1::int)", ["\(pid)"],
                                                  context: "cannot terminate walsender process \(pid) of replication slot \(slot)")
                guard result.value(0, 0) == "t" else {
                    throw OperationsError.slotActive(slot: slot, pid: pid, client: state.client)
                }
                if terminated == nil { terminated = (pid, state.client) }
                // The backend exits asynchronously; the slot is released as it does.
                usleep(50_000)
                continue
            }
            do {
                try connection.execute("SELECT pg_drop_replication_slot(\(SQLQuote.literal(slot)))",
                                       context: "cannot drop replication slot \(slot)")
                // Its snapshot mark goes with it (a slot of the name created later starts afresh).
                try? SnapshotStateTable.forget(slot: slot, connection: connection)
                return Outcome(slot: slot, terminatedPID: terminated?.pid, terminatedClient: terminated?.client)
            } catch let error as PostgresError where error.sqlState == "55006" && force && Clock.monotonicSeconds() < deadline {
                // A consumer took the slot again between the check and the drop: terminate it too.
                continue
            } catch let error as PostgresError where error.sqlState == "55006" {
                // Taken by a consumer between the check and the drop.
                let again = try activeState(slot: slot, connection: connection)
                throw OperationsError.slotActive(slot: slot, pid: again?.pid ?? 0, client: again?.client)
            } catch let error as PostgresError where error.sqlState == "42704" {
                throw OperationsError.slotMissing(slot: slot, server: connection.displayName)
            }
        }
    }

    /// nil when the slot does not exist; else its walsender's pid and client (nil when inactive).
    private static func activeState(slot: String, connection: PGConnection) throws -> (pid: Int32?, client: String?)? {
        let result = try connection.query("""
            SELECT s.active_pid, CASE WHEN r.pid IS NULL THEN NULL WHEN r.client_addr IS NULL THEN 'local'
                                      ELSE host(r.client_addr) || ':' || r.client_port END
            FROM pg_replication_slots s LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid
            WHERE s.slot_name = $1
            """, [slot], context: "cannot look up replication slot \(slot)")
        guard result.rowCount == 1 else { return nil }
        return (result.value(0, 0).flatMap { Int32($0) }, result.value(0, 1))
    }
}
