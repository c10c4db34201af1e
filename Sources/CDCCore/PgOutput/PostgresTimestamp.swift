/// A PostgreSQL `timestamptz` as the replication protocol carries it: microseconds since
/// 2000-01-01 00:00:00 UTC.
///
/// Kept in the server's own epoch so values round-trip into status updates bit-exactly;
/// `Int64.max` and `Int64.min` are the server's `infinity` and `-infinity`.
public struct PostgresTimestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Microseconds between the Unix epoch and the PostgreSQL epoch (2000-01-01 UTC).
    public static let unixEpochOffsetMicroseconds: Int64 = 946_684_800 * 1_000_000

    /// Microseconds since 2000-01-01 00:00:00 UTC.
    public let microsecondsSince2000: Int64

    /// Wraps a raw wire value.
    public init(microsecondsSince2000: Int64) {
        self.microsecondsSince2000 = microsecondsSince2000
    }

    /// Converts from microseconds since 1970-01-01 UTC, saturating at the representable range.
    public init(unixMicroseconds: Int64) {
        let (value, overflow) = unixMicroseconds.subtractingReportingOverflow(Self.unixEpochOffsetMicroseconds)
        microsecondsSince2000 = overflow ? Int64.min : value
    }

    /// Microseconds since 1970-01-01 UTC; saturates rather than trapping because the input is
    /// untrusted wire data and `infinity` must stay `infinity`.
    public var unixMicroseconds: Int64 {
        let (value, overflow) = microsecondsSince2000.addingReportingOverflow(Self.unixEpochOffsetMicroseconds)
        return overflow ? Int64.max : value
    }

    /// The raw value with its epoch, for logs.
    public var description: String { String(microsecondsSince2000) + "µs since 2000-01-01" }

    /// Orders timestamps chronologically.
    public static func < (lhs: PostgresTimestamp, rhs: PostgresTimestamp) -> Bool {
        lhs.microsecondsSince2000 < rhs.microsecondsSince2000
    }
}
