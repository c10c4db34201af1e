
/// The `--version` text: cdcctl's own version and the C libraries actually loaded.
public enum VersionReport {
    /// One line per component.
    public static var text: String {
        """
        cdcctl \(CDCCtlVersion.current)
        libpq \(PGConnection.libraryVersion)
        librdkafka \(KafkaLibrary.version)
        """
    }
}
