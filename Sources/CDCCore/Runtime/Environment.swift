import Glibc

/// The environment variables cdcctl reads for defaults (the ones `scripts/stack env` prints).
public enum Environment {
    /// The value of `name`, or nil when unset or empty.
    public static func value(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        let value = String(cString: raw)
        return value.isEmpty ? nil : value
    }

    /// `CDCCTL_PG_URL`: the default PostgreSQL connection.
    public static var postgresURL: String? { value("CDCCTL_PG_URL") }

    /// `CDCCTL_REGISTRY_URL`: the default schema registry.
    public static var registryURL: String? { value("CDCCTL_REGISTRY_URL") }
}
