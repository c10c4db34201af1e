/// A failure writing events.
public struct OutputError: Error, CustomStringConvertible {
    /// What failed.
    public let description: String
}
