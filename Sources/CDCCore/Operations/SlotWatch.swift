/// Watches the stream's slot on the catalog connection every few seconds: the server's WAL
/// position (for the lag), the WAL the slot retains (`--max-retained-wal` warns past it), and
/// `wal_status = lost`, which ends the stream: an invalidated slot can never resume.
struct SlotWatch {
    /// One reading of the slot.
    struct Reading: Equatable {
        /// The server's current WAL position (the replay position on a standby).
        var serverWAL: LSN
        /// `pg_current_wal_lsn() - restart_lsn`; nil when the slot has no restart_lsn.
        var retainedBytes: Int64?
        /// `wal_status` (PostgreSQL 13 and later), nil before.
        var walStatus: String?
    }

    let slot: String
    /// Seconds between readings.
    let interval: Double
    /// Warn on stderr when the slot retains more WAL than this.
    let maxRetained: ByteSize?
    private var nextAt = 0.0
    private var overLimit = false

    init(slot: String, interval: Double, maxRetained: ByteSize?) {
        self.slot = slot
        self.interval = interval
        self.maxRetained = maxRetained
    }

    /// Whether a reading is due at `now`.
    func isDue(now: Double) -> Bool { now >= nextAt }

    /// Reads the slot when a reading is due (else nil); warns through `log` when the retained
    /// WAL first passes `maxRetained` (again after it fell back below); throws `slotLost`.
    mutating func readIfDue(catalog: PGConnection, now: Double, warn: (String) -> Void) throws -> Reading? {
        guard now >= nextAt else { return nil }
        nextAt = now + interval
        guard let reading = try Self.read(slot: slot, catalog: catalog) else { return nil }
        if reading.walStatus == "lost" { throw CaptureError.slotLost(slot: slot) }
        if let maxRetained, let retained = reading.retainedBytes {
            if retained > maxRetained.bytes && !overLimit {
                warn("warning: replication slot \(slot) retains \(ByteSize.pretty(retained)) of WAL (\(retained) bytes), more than --max-retained-wal \(maxRetained): the stream is not keeping up, or its sink holds it back; the server keeps that WAL on disk until the slot confirms it")
            }
            overLimit = retained > maxRetained.bytes
        }
        return reading
    }

    /// One reading of `slot`, nil when it does not exist.
    static func read(slot: String, catalog: PGConnection) throws -> Reading? {
        let status = catalog.serverVersion >= 130000 ? "wal_status" : "NULL::text"
        let result = try catalog.query("""
            SELECT w.lsn::text, (w.lsn - s.restart_lsn)::int8::text, \(status)
            FROM pg_replication_slots s,
                 (SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END AS lsn) w
            WHERE s.slot_name = $1
            """, [slot], context: "cannot read the state of replication slot \(slot)")
        guard result.rowCount == 1, let lsn = result.value(0, 0).flatMap({ LSN($0) }) else { return nil }
        return Reading(serverWAL: lsn, retainedBytes: result.value(0, 1).flatMap { Int64($0) }, walStatus: result.value(0, 2))
    }
}
