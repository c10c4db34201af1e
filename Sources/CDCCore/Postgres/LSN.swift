/// A PostgreSQL write-ahead-log position, printed and parsed as `%X/%X` like the server does.
public struct LSN: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The position as the 64-bit integer the wire protocol carries.
    public let value: UInt64

    /// The zero position (`0/0`), which the server treats as "no position".
    public static let zero = LSN(0)

    /// Wraps a raw 64-bit WAL position.
    public init(_ value: UInt64) { self.value = value }

    /// Parses `X/X` (hexadecimal halves, as `pg_current_wal_lsn()` prints); nil when malformed.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...8).contains(parts[0].count), (1...8).contains(parts[1].count),
              let high = UInt32(parts[0], radix: 16), let low = UInt32(parts[1], radix: 16)
        else { return nil }
        value = UInt64(high) << 32 | UInt64(low)
    }

    public var description: String {
        String(value >> 32, radix: 16, uppercase: true) + "/" + String(value & 0xFFFF_FFFF, radix: 16, uppercase: true)
    }

    public static func < (lhs: LSN, rhs: LSN) -> Bool { lhs.value < rhs.value }
}
