/// `cdcctl slots`: every logical replication slot on a server, with how much WAL each one
/// keeps the server from recycling, so a stopped consumer's slot is seen before the disk fills.
public struct SlotReport: Sendable {
    /// One logical slot.
    public struct Slot: Sendable, Equatable {
        /// The slot's name.
        public var name: String
        /// Its output plugin (`pgoutput` for cdcctl's slots).
        public var plugin: String
        /// The database it decodes.
        public var database: String
        /// Whether a walsender streams from it now.
        public var active: Bool
        /// That walsender's process id.
        public var activePID: Int32?
        /// The streaming client's `address:port` from `pg_stat_replication` (`local` for a Unix
        /// socket), when active.
        public var client: String?
        /// The oldest WAL position the slot still needs (`restart_lsn`).
        public var restartLSN: LSN?
        /// The position the consumer confirmed (`confirmed_flush_lsn`).
        public var confirmedFlushLSN: LSN?
        /// WAL the slot keeps on disk: the server's current position minus `restart_lsn`.
        public var retainedBytes: Int64?
        /// How far the consumer is behind: the current position minus `confirmed_flush_lsn`.
        public var lagBytes: Int64?
        /// `reserved`, `extended`, `unreserved` or `lost` (PostgreSQL 13 and later).
        public var walStatus: String?
        /// Bytes that may still be written before the slot is in danger of `lost` (only when
        /// `max_slot_wal_keep_size` is set).
        public var safeWALSize: Int64?
        /// The publication(s) the active walsender asked for in START_REPLICATION, read from
        /// `pg_stat_activity`; nil when the slot is inactive (PostgreSQL does not keep it with
        /// the slot, and cdcctl records it nowhere) or the query text is not visible to this role.
        public var publication: String?

        /// Whether `retainedBytes` passes `threshold`.
        public func retains(moreThan threshold: ByteSize) -> Bool { (retainedBytes ?? 0) > threshold.bytes }
    }

    /// The slots, by name.
    public var slots: [Slot]
    /// The threshold of `--warn-retained`, if any.
    public var warnRetained: ByteSize?
    /// Slots of the connected database whose initial snapshot `cdcctl.snapshot_state` records
    /// as `pending` (being taken, or interrupted: the next stream takes a fresh one).
    public var pendingSnapshots: [String] = []

    /// Creates a report of `slots`.
    public init(slots: [Slot], warnRetained: ByteSize? = nil) {
        self.slots = slots
        self.warnRetained = warnRetained
    }

    /// The slots that retain more WAL than `warnRetained`.
    public var slotsOverThreshold: [Slot] {
        guard let warnRetained else { return [] }
        return slots.filter { $0.retains(moreThan: warnRetained) }
    }

    /// Reads every logical slot of the server `connection` is on (any database).
    public static func fetch(connection: PGConnection, warnRetained: ByteSize? = nil) throws -> SlotReport {
        let walColumns = connection.serverVersion >= 130000 ? "s.wal_status, s.safe_wal_size::text" : "NULL::text, NULL::text"
        let result = try connection.query("""
            WITH now AS (SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END AS lsn)
            SELECT s.slot_name::text, s.plugin::text, s.database::text, s.active, s.active_pid,
                   CASE WHEN r.pid IS NULL THEN NULL
                        WHEN r.client_addr IS NULL THEN 'local'
                        ELSE host(r.client_addr) || ':' || r.client_port END,
                   s.restart_lsn::text, s.confirmed_flush_lsn::text,
                   pg_wal_lsn_diff(now.lsn, s.restart_lsn)::bigint::text,
                   pg_wal_lsn_diff(now.lsn, s.confirmed_flush_lsn)::bigint::text,
                   \(walColumns), a.query
            FROM pg_replication_slots s CROSS JOIN now
            LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid
            LEFT JOIN pg_stat_activity a ON a.pid = s.active_pid
            WHERE s.slot_type = 'logical'
            ORDER BY s.slot_name
            """, context: "cannot list the replication slots on \(connection.displayName)")
        let slots = (0..<result.rowCount).map { row in
            Slot(name: result.string(row, 0), plugin: result.string(row, 1), database: result.string(row, 2),
                 active: result.value(row, 3) == "t", activePID: result.value(row, 4).flatMap { Int32($0) },
                 client: result.value(row, 5),
                 restartLSN: result.value(row, 6).flatMap { LSN($0) }, confirmedFlushLSN: result.value(row, 7).flatMap { LSN($0) },
                 retainedBytes: result.value(row, 8).flatMap { Int64($0) }, lagBytes: result.value(row, 9).flatMap { Int64($0) },
                 walStatus: result.value(row, 10), safeWALSize: result.value(row, 11).flatMap { Int64($0) },
                 publication: result.value(row, 12).flatMap(Self.publicationNames(inStartReplication:)))
        }
        var report = SlotReport(slots: slots, warnRetained: warnRetained)
        report.pendingSnapshots = slots.filter { $0.database == connection.database }.map(\.name).filter {
            (try? SnapshotStateTable.read(slot: $0, connection: connection)) == .pending
        }
        return report
    }

    /// The `publication_names` of a walsender's `START_REPLICATION … (…, publication_names
    /// '"a","b"', …)` command, as `a,b`; nil when the text has none.
    static func publicationNames(inStartReplication command: String) -> String? {
        guard command.hasPrefix("START_REPLICATION"), let key = command.range(of: "publication_names") else { return nil }
        var rest = command[key.upperBound...].drop(while: { $0 == " " || $0 == "\"" })
        guard rest.first == "'" else { return nil }
        rest.removeFirst()
        // The literal, with '' as an embedded quote.
        var literal = ""
        while let c = rest.first {
            rest.removeFirst()
            if c == "'" {
                if rest.first == "'" { literal.append("'"); rest.removeFirst(); continue }
                break
            }
            literal.append(c)
        }
        // A comma-separated list of identifiers, each possibly "quoted" with "" inside.
        var names: [String] = []
        var current = ""
        var quoted = false
        var chars = Substring(literal)
        while let c = chars.first {
            chars.removeFirst()
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { current.append("\""); chars.removeFirst() } else { quoted = false }
                } else {
                    current.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                names.append(current.trimmingSpaces())
                current = ""
            } else {
                current.append(c)
            }
        }
        names.append(current.trimmingSpaces())
        let joined = names.filter { !$0.isEmpty }.joined(separator: ",")
        return joined.isEmpty ? nil : joined
    }

    // MARK: - output

    /// Aligned columns with a header line; `-` for what does not apply, `unknown` for a
    /// publication the server does not tell.
    public func text() -> String {
        var header = ["SLOT", "PLUGIN", "DATABASE", "ACTIVE", "PID", "CLIENT", "CONFIRMED_FLUSH", "RETAINED_BYTES", "RETAINED",
                      "LAG_BYTES", "WAL_STATUS", "SAFE_WAL_SIZE", "PUBLICATION"]
        if warnRetained != nil { header.append("WARN") }
        let rows = slots.map { slot -> [String] in
            var row = [slot.name, slot.plugin, slot.database, slot.active ? "yes" : "no"]
            row.append(Self.cell(slot.activePID))
            row.append(slot.client ?? "-")
            row.append(Self.cell(slot.confirmedFlushLSN))
            row.append(Self.cell(slot.retainedBytes))
            row.append(slot.retainedBytes.map(Self.compactSize) ?? "-")
            row.append(Self.cell(slot.lagBytes))
            row.append(slot.walStatus ?? "-")
            row.append(Self.cell(slot.safeWALSize))
            row.append(slot.publication ?? "unknown")
            if let warnRetained {
                row.append(slot.retains(moreThan: warnRetained) ? "retained>" + Self.compactSize(warnRetained.bytes) : "-")
            }
            return row
        }
        return ReportFormatting.table(header: header, rows: rows)
    }

    /// A value's text, or `-` when there is none.
    private static func cell<T: CustomStringConvertible>(_ value: T?) -> String { value.map(\.description) ?? "-" }

    /// `12MB`, `56B`: the readable size without its space, so columns split on blanks.
    private static func compactSize(_ bytes: Int64) -> String {
        let pretty = ByteSize.pretty(bytes)
        return pretty.hasSuffix(" bytes") ? String(pretty.dropLast(6)) + "B" : pretty.replacingAll(" ", with: "")
    }

    /// One JSON object per slot, one per line.
    public func jsonLines() -> ByteWriter {
        var out = ByteWriter(capacity: 512 * max(1, slots.count))
        for slot in slots {
            typealias V = ReportFormatting.Value
            var fields: [(String, V)] = [
                ("slot", .string(slot.name)), ("plugin", .string(slot.plugin)), ("database", .string(slot.database)),
                ("active", .bool(slot.active)), ("active_pid", .optional(slot.activePID.map(Int64.init))),
                ("client", .optional(slot.client)),
                ("restart_lsn", .optional(slot.restartLSN.map { "\($0)" })),
                ("confirmed_flush_lsn", .optional(slot.confirmedFlushLSN.map { "\($0)" })),
                ("retained_bytes", .optional(slot.retainedBytes)), ("retained", .optional(slot.retainedBytes.map(ByteSize.pretty))),
                ("lag_bytes", .optional(slot.lagBytes)), ("wal_status", .optional(slot.walStatus)),
                ("safe_wal_size", .optional(slot.safeWALSize)), ("publication", .optional(slot.publication)),
            ]
            if let warnRetained { fields.append(("warn_retained", .bool(slot.retains(moreThan: warnRetained)))) }
            ReportFormatting.jsonLine(fields, into: &out)
        }
        return out
    }
}
