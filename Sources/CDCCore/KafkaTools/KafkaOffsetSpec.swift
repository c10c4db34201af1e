/// Where `consume` starts and stops, from kcat's `-o` values: `beginning`, `end`, `stored`, `N`
/// (absolute), `-N` (N before the end), `s@TS` (first message at or after TS ms) and `e@TS`
/// (stop before the first message at or after TS ms). `-o` may be given twice, e.g. `s@…` and
/// `e@…`.
public struct KafkaOffsetSpec: Equatable, Sendable {
    /// Where to start.
    public enum Start: Equatable, Sendable {
        /// The first message still stored.
        case beginning
        /// Only messages produced from now on.
        case end
        /// The group's committed offset.
        case stored
        /// This offset.
        case absolute(Int64)
        /// This many messages before the end of each partition.
        case fromEnd(Int64)
        /// The first message whose timestamp is at or after this one (ms since the epoch).
        case timestamp(Int64)
    }

    /// Where to start; nil when no start was given (kcat's default is `beginning`).
    public var start: Start?
    /// Stop each partition at its first message with a timestamp at or after this one.
    public var stopTimestamp: Int64?

    /// Creates a spec.
    public init(start: Start? = nil, stopTimestamp: Int64? = nil) {
        self.start = start
        self.stopTimestamp = stopTimestamp
    }

    /// Parses `-o` values; a later start replaces an earlier one, as in kcat.
    public static func parse(_ values: [String]) throws -> KafkaOffsetSpec {
        var spec = KafkaOffsetSpec()
        for value in values {
            switch value {
            case "beginning": spec.start = .beginning
            case "end": spec.start = .end
            case "stored": spec.start = .stored
            default:
                if value.hasPrefix("s@") {
                    spec.start = .timestamp(try timestamp(value))
                } else if value.hasPrefix("e@") {
                    spec.stopTimestamp = try timestamp(value)
                } else if let n = Int64(value) {
                    spec.start = n < 0 ? .fromEnd(-n) : .absolute(n)
                } else {
                    throw KafkaUsageError(invalid: value)
                }
            }
        }
        return spec
    }

    private static func timestamp(_ value: String) throws -> Int64 {
        guard let ts = Int64(value.dropFirst(2)), ts >= 0 else { throw KafkaUsageError(invalid: value) }
        return ts
    }
}

/// A malformed `-o`, `-D`/`-K` or `-f` argument.
public struct KafkaUsageError: Error, CustomStringConvertible, Sendable {
    /// What is wrong and what was expected.
    public let description: String

    /// Creates an error with this text.
    public init(_ description: String) { self.description = description }

    init(invalid offset: String) {
        description = "invalid offset '\(offset)': expected beginning, end, stored, N, -N, s@TIMESTAMP_MS or e@TIMESTAMP_MS"
    }
}
