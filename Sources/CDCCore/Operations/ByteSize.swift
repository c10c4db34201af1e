/// A size in bytes as people write it (`1GB`, `512MB`, `64kB`, `1048576`) and print it
/// (`1.5 GB`). Units are PostgreSQL's: powers of 1024 (so `1GB` is what `max_wal_size = 1GB`
/// means), case-insensitive, with an optional space and a trailing `B`/`iB`.
public struct ByteSize: Comparable, Sendable, CustomStringConvertible {
    /// The number of bytes.
    public let bytes: Int64

    /// Wraps a byte count.
    public init(bytes: Int64) { self.bytes = bytes }

    /// Parses `N`, `NB`, `NkB`, `NMB`, `NGB`, `NTB` (also `K`, `M`, `G`, `T`, `KiB` …, and
    /// decimals such as `1.5GB`); nil when malformed, negative or too large.
    public init?(parsing text: String) {
        var number = Substring(text.trimmingSpaces())
        var digits = ""
        while let c = number.first, c.isNumber || c == "." {
            digits.append(c)
            number.removeFirst()
        }
        let unit = number.trimmingSpaces().lowercased()
        let factor: Double
        switch unit {
        case "", "b": factor = 1
        case "k", "kb", "kib": factor = 1024
        case "m", "mb", "mib": factor = 1024 * 1024
        case "g", "gb", "gib": factor = 1024 * 1024 * 1024
        case "t", "tb", "tib": factor = 1024 * 1024 * 1024 * 1024
        default: return nil
        }
        guard !digits.isEmpty, let value = Double(digits), value >= 0 else { return nil }
        let total = (value * factor).rounded()
        guard total < 9.0e18 else { return nil }
        bytes = Int64(total)
    }

    /// `0 bytes`, `812 bytes`, `16 kB`, `1.5 MB`, `12 GB`: one decimal below 10 units, as
    /// PostgreSQL's `pg_size_pretty` uses the same 1024-based unit names.
    public var description: String { Self.pretty(bytes) }

    /// The human-readable form of a (possibly negative) byte count.
    public static func pretty(_ bytes: Int64) -> String {
        let magnitude = Double(bytes.magnitude)
        let sign = bytes < 0 ? "-" : ""
        guard magnitude >= 1024 else { return "\(bytes) bytes" }
        var value = magnitude
        var unit = 0
        let units = ["bytes", "kB", "MB", "GB", "TB", "PB"]
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let text: String
        if value < 10 {
            let tenths = Int((value * 10).rounded())
            text = tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
        } else {
            text = "\(Int(value.rounded()))"
        }
        return sign + text + " " + units[unit]
    }

    public static func < (lhs: ByteSize, rhs: ByteSize) -> Bool { lhs.bytes < rhs.bytes }
}

extension StringProtocol {
    /// The text without leading and trailing spaces.
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
