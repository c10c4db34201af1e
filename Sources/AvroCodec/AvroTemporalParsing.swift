/// Parsing the texts `AvroTemporal` prints: the inverse conversions `produce --json-form natural` needs.
extension AvroTemporal {
    /// Days since 1970-01-01 of "YYYY-MM-DD" (a year of four or more digits, optionally signed); nil if malformed.
    public static func days(parsing text: String) -> Int? {
        var scanner = Scanner(text)
        guard let days = scanner.date(), scanner.atEnd else { return nil }
        return days
    }

    /// The time of day of "HH:MM:SS[.f…]" in 10^-digits seconds; nil if malformed or finer than the unit.
    public static func time(parsing text: String, fractionDigits digits: Int) -> Int64? {
        var scanner = Scanner(text)
        guard let value = scanner.time(fractionDigits: digits), scanner.atEnd else { return nil }
        return value
    }

    /// 10^-digits seconds since the epoch of "YYYY-MM-DDTHH:MM:SS[.f…]", which for `utc` ends in
    /// "Z" or an offset ±HH:MM (converted to UTC) and otherwise has no zone; nil if malformed.
    public static func timestamp(parsing text: String, fractionDigits digits: Int, utc: Bool = true) -> Int64? {
        var scanner = Scanner(text)
        guard let days = scanner.date(), scanner.take("T"), let time = scanner.time(fractionDigits: digits) else { return nil }
        var offsetSeconds: Int64 = 0
        if utc {
            if scanner.take("Z") {
                offsetSeconds = 0
            } else if let sign = scanner.sign(), let h = scanner.digits(2), scanner.take(":"), let m = scanner.digits(2), h < 24, m < 60 {
                offsetSeconds = sign * Int64(h * 3600 + m * 60)
            } else {
                return nil
            }
        }
        guard scanner.atEnd else { return nil }
        let unit = Int64(pow10(digits))
        let (dayPart, o1) = Int64(days).multipliedReportingOverflow(by: 86_400 * unit)
        let (shifted, o2) = dayPart.addingReportingOverflow(time)
        let (value, o3) = shifted.subtractingReportingOverflow(offsetSeconds * unit)
        return o1 || o2 || o3 ? nil : value
    }

    /// A cursor over ASCII text for the parsers above.
    private struct Scanner {
        let chars: [UInt8]
        var index = 0

        init(_ text: String) { chars = Array(text.utf8) }

        var atEnd: Bool { index == chars.count }

        mutating func take(_ c: Character) -> Bool {
            guard index < chars.count, chars[index] == c.asciiValue else { return false }
            index += 1
            return true
        }

        /// +1 or -1 for a leading sign, nil (consuming nothing) otherwise.
        mutating func sign() -> Int64? {
            if take("+") { return 1 }
            if take("-") { return -1 }
            return nil
        }

        /// Exactly `count` digits (or, with `orMore`, at least that many).
        mutating func digits(_ count: Int, orMore: Bool = false) -> Int? {
            var value = 0, n = 0
            while index < chars.count, chars[index] >= 0x30, chars[index] <= 0x39, orMore || n < count {
                guard n < 12 else { return nil }
                value = value * 10 + Int(chars[index] - 0x30)
                index += 1
                n += 1
            }
            return n >= count ? value : nil
        }

        mutating func date() -> Int? {
            let negative = take("-")
            if !negative { _ = take("+") }
            guard let y = digits(4, orMore: true), take("-"), let m = digits(2), take("-"), let d = digits(2) else { return nil }
            let year = negative ? -y : y
            guard (1...12).contains(m), d >= 1, d <= AvroTemporal.daysInMonth(year: year, month: m) else { return nil }
            return AvroTemporal.days(year: year, month: m, day: d)
        }

        mutating func time(fractionDigits digits: Int) -> Int64? {
            guard let h = self.digits(2), take(":"), let m = self.digits(2), take(":"), let s = self.digits(2),
                  h < 24, m < 60, s < 60 else { return nil }
            let unit = Int64(AvroTemporal.pow10(digits))
            var fraction: Int64 = 0
            if take(".") {
                var n = 0
                while index < chars.count, chars[index] >= 0x30, chars[index] <= 0x39 {
                    let d = Int64(chars[index] - 0x30)
                    if n < digits {
                        fraction = fraction * 10 + d
                    } else if d != 0 {
                        return nil // finer than the type can hold: not silently truncated
                    }
                    index += 1
                    n += 1
                }
                guard n > 0 else { return nil }
                for _ in min(n, digits)..<digits { fraction *= 10 }
            }
            return Int64(h * 3600 + m * 60 + s) * unit + fraction
        }
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
