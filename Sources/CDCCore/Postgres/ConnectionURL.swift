import CLibPQ

/// Helpers for PostgreSQL connection strings as users type them.
public enum ConnectionURL {
    /// A display form (`postgresql://user@host:port/db`) built from the parsed fields, so it can
    /// never carry a password, however the string spelled it. Unparseable strings are not echoed.
    public static func redacted(_ conninfo: String) -> String {
        // libpq takes a string with neither "=" nor a URL scheme as a plain database name.
        if !conninfo.contains("=") && !conninfo.hasPrefix("postgres") { return "database \"\(conninfo)\"" }
        var error: UnsafeMutablePointer<CChar>? = nil
        guard let options = PQconninfoParse(conninfo, &error) else {
            if let error { PQfreemem(error) }
            return "the given connection string" // libpq's own message follows and says what is wrong
        }
        defer { PQconninfoFree(options) }
        var fields: [String: String] = [:]
        var entry = options
        while let keyword = entry.pointee.keyword {
            if let value = entry.pointee.val { fields[String(cString: keyword)] = String(cString: value) }
            entry += 1
        }
        var display = "postgresql://"
        if let user = fields["user"], !user.isEmpty { display += user + (fields["password"].map { $0.isEmpty ? "" : ":***" } ?? "") + "@" }
        display += fields["host"] ?? fields["hostaddr"] ?? ""
        if let port = fields["port"], !port.isEmpty { display += ":" + port }
        if let db = fields["dbname"], !db.isEmpty { display += "/" + db }
        return display
    }
}
