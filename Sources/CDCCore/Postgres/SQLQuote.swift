/// Quoting of SQL identifiers and string literals, for the statements and walsender commands
/// cdcctl builds from names a user passed (tables, slots, publications, snapshots).
public enum SQLQuote {
    /// `"name"`, with embedded double quotes doubled: any name becomes one identifier.
    public static func identifier(_ name: String) -> String {
        "\"" + name.replacingAll("\"", with: "\"\"") + "\""
    }

    /// `'text'`, with embedded single quotes doubled (standard-conforming strings, which the
    /// walsender command parser also follows).
    public static func literal(_ text: String) -> String {
        "'" + text.replacingAll("'", with: "''") + "'"
    }
}
