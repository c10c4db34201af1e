/// A failure of the change stream, worded for the person running it.
public struct StreamError: Error, CustomStringConvertible, Sendable {
    /// The one-line description.
    public let description: String
    init(_ description: String) { self.description = description }
}
