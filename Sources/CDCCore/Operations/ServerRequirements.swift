/// What a PostgreSQL server and role need for logical replication, checked over an ordinary
/// SQL connection. `cdcctl check` reports every one; `cdcctl stream` stops at the first
/// problem, before it creates a publication or a slot.
public enum ServerRequirements {
    /// `wal_level` must be `logical`.
    public static func walLevel(_ connection: PGConnection) throws -> PreflightCheck {
        let level = try setting("wal_level", connection)
        guard level == "logical" else {
            return .problem("wal_level", "wal_level is '\(level)' on \(connection.displayName), logical replication needs 'logical'",
                            fix: "set wal_level = logical in postgresql.conf (or ALTER SYSTEM SET wal_level = logical) and restart the server")
        }
        return .ok("wal_level", "wal_level is logical")
    }

    /// The connecting role must be a superuser or have the REPLICATION attribute.
    public static func replicationPrivilege(_ connection: PGConnection) throws -> PreflightCheck {
        let result = try connection.query("SELECT rolname::text, rolsuper, rolreplication FROM pg_roles WHERE rolname = current_user",
                                          context: "cannot read the attributes of the connecting role")
        let role = result.string(0, 0)
        if result.value(0, 1) == "t" { return .ok("replication_privilege", "role \(role) is a superuser") }
        if result.value(0, 2) == "t" { return .ok("replication_privilege", "role \(role) has the REPLICATION attribute") }
        return .problem("replication_privilege",
                        "role \(role) has neither the REPLICATION attribute nor superuser, so it cannot open a replication connection",
                        fix: "ALTER ROLE \(SQLQuote.identifier(role)) REPLICATION (as a superuser)")
    }

    /// A free replication slot for a new one: slots in use vs `max_replication_slots`.
    public static func slotHeadroom(_ connection: PGConnection) throws -> PreflightCheck {
        try headroom(connection, check: "replication_slots", setting: "max_replication_slots", what: "replication slots",
                     count: "SELECT count(*) FROM pg_replication_slots", none: "no free replication slot",
                     fix: "drop unused slots (cdcctl slots, cdcctl slots drop NAME) or raise max_replication_slots and restart the server")
    }

    /// A free walsender for the stream's connection: walsenders running vs `max_wal_senders`.
    public static func walSenderHeadroom(_ connection: PGConnection) throws -> PreflightCheck {
        try headroom(connection, check: "wal_senders", setting: "max_wal_senders", what: "walsenders",
                     count: "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'walsender'", none: "no free walsender",
                     fix: "stop idle replication clients (cdcctl slots shows which slots are active) or raise max_wal_senders and restart the server")
    }

    /// `count` in use against the server `setting` that limits it.
    private static func headroom(_ connection: PGConnection, check: String, setting name: String, what: String, count: String,
                                 none: String, fix: String) throws -> PreflightCheck {
        let limit = Int(try setting(name, connection)) ?? 0
        let used = Int(try connection.query(count, context: "cannot count the \(what)").string(0, 0)) ?? 0
        let summary = "\(used) of \(name) = \(limit) in use"
        guard used < limit else { return .problem(check, "\(none): \(summary)", fix: fix) }
        return .ok(check, "\(what): \(summary)")
    }

    private static func setting(_ name: String, _ connection: PGConnection) throws -> String {
        try connection.query("SELECT current_setting($1)", [name], context: "cannot read \(name)").string(0, 0)
    }
}
