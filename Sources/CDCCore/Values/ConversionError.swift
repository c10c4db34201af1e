/// A column value whose text form cdcctl could not read as its declared type.
public struct ConversionError: Error, CustomStringConvertible, Sendable {
    /// The type that was expected, e.g. "timestamp".
    public let expected: String
    /// The offending text (truncated to 64 bytes).
    public let text: String

    init(_ expected: String, _ raw: UnsafeRawBufferPointer) {
        self.expected = expected
        self.text = String(decoding: raw.prefix(64), as: UTF8.self)
    }

    public var description: String { "cannot read \"\(text)\" as \(expected)" }
}
