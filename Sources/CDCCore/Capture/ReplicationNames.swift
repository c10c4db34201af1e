/// The names a stream creates objects under, checked by PostgreSQL's own rules before anything
/// is created (a bad slot name used to fail only after the publication existed).
public enum ReplicationNames {
    /// PostgreSQL's longest name in bytes (NAMEDATALEN − 1); longer identifiers are truncated.
    public static let maximumLength = 63

    /// Why `name` cannot be a replication slot's name, or nil when it can. PostgreSQL's rule
    /// (`ReplicationSlotValidateName`): 1 to 63 bytes, each a lower-case ASCII letter, a digit or
    /// the underscore.
    public static func slotProblem(_ name: String) -> String? {
        if name.isEmpty { return "a replication slot name cannot be empty" }
        if name.utf8.count > maximumLength { return "replication slot name '\(name)' is longer than \(maximumLength) bytes" }
        let allowed = name.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_") }
        if !allowed {
            return "invalid replication slot name '\(name)': only lower-case letters, digits and the underscore are allowed"
        }
        return nil
    }

    /// Why `name` cannot be a publication's name, or nil when it can: 1 to 63 bytes (PostgreSQL
    /// would silently truncate a longer one, and cdcctl would not find it again).
    public static func publicationProblem(_ name: String) -> String? {
        if name.isEmpty { return "a publication name cannot be empty" }
        if name.utf8.count > maximumLength { return "publication name '\(name)' is longer than \(maximumLength) bytes" }
        if name.utf8.contains(0) { return "publication name '\(name)' contains a NUL byte" }
        return nil
    }
}
