/// cdcctl's own version, reported in `source.version` and `--version`.
public enum CDCCtlVersion {
    /// The release version.
    public static let current = "0.1.0"
}
