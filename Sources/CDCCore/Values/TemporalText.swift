import AvroCodec

/// Parsers for PostgreSQL's ISO date/time output (DateStyle ISO, TimeZone UTC, IntervalStyle
/// iso_8601, which `PGConnection` pins) into Debezium's epoch-based numbers.
enum TemporalText {
    static let microsPerSecond: Int64 = 1_000_000
    static let microsPerDay: Int64 = 86_400_000_000
    /// Debezium's average month for MicroDuration: 365.25 / 12 days.
    static let microsPerMonth: Int64 = 2_629_800_000_000

    /// A civil date split into fields, with an astronomical year (1 BC is year 0).
    struct CivilDate { var year: Int64, month: Int64, day: Int64 }

    /// Days since 1970-01-01 of a proleptic Gregorian date (AvroCodec holds the one copy of
    /// the calendar arithmetic).
    static func daysSinceEpoch(_ d: CivilDate) -> Int64 {
        Int64(AvroTemporal.days(year: Int(d.year), month: Int(d.month), day: Int(d.day)))
    }

    /// The civil date of a day count since 1970-01-01.
    static func civil(fromDays days: Int64) -> CivilDate {
        let (year, month, day) = AvroTemporal.civil(days: Int(days))
        return CivilDate(year: Int64(year), month: Int64(month), day: Int64(day))
    }

    /// `YYYY-MM-DD` (year may have more than four digits).
    static func date(_ c: inout TextCursor) -> CivilDate? {
        guard let year = c.digits(), c.expect(0x2D), let month = c.digits(), c.expect(0x2D), let day = c.digits(),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        return CivilDate(year: year, month: month, day: day)
    }

    /// `HH:MM:SS[.ffffff]` as microseconds since midnight (24:00:00 allowed, as PostgreSQL does).
    static func timeOfDay(_ c: inout TextCursor) -> Int64? {
        guard let h = c.digits(), c.expect(0x3A), let m = c.digits(), c.expect(0x3A), let s = c.digits(),
              h <= 24, m < 60, s < 61 else { return nil }
        let fraction = c.skip(0x2E) ? c.microFraction() : 0
        return ((h * 60 + m) * 60 + s) * microsPerSecond + fraction
    }

    /// `+HH[:MM[:SS]]` or `-HH…` as seconds east of UTC.
    static func zoneOffset(_ c: inout TextCursor) -> Int64? {
        let sign: Int64
        if c.skip(0x2B) { sign = 1 } else if c.skip(0x2D) { sign = -1 } else { return nil }
        guard let h = c.digits() else { return nil }
        var seconds = h * 3600
        if c.skip(0x3A) { guard let m = c.digits() else { return nil }; seconds += m * 60 }
        if c.skip(0x3A) { guard let s = c.digits() else { return nil }; seconds += s }
        return sign * seconds
    }

    /// Consumes a trailing ` BC` and turns the year astronomical.
    static func applyEra(_ date: inout CivilDate, _ c: inout TextCursor) -> Bool {
        if c.rest(is: " BC") {
            date.year = 1 - date.year
            c.index = c.text.count
        }
        return c.atEnd
    }

    /// Days since epoch of a `date` value; nil for ±infinity (the caller picks the sentinel).
    static func epochDays(_ text: UnsafeRawBufferPointer) -> Int64? {
        var c = TextCursor(text)
        guard var d = date(&c), applyEra(&d, &c) else { return nil }
        return daysSinceEpoch(d)
    }

    /// An instant as whole days since the epoch plus microseconds into that day (0 ..< 1 day).
    /// Kept apart because PostgreSQL's last representable years overflow one Int64 of µs.
    struct EpochInstant {
        var days: Int64
        var micros: Int64

        /// Microseconds since the epoch, saturating at the Int64 bounds (past year 294247).
        var totalMicros: Int64 { TemporalText.saturating(days, times: microsPerDay, plus: micros) }
        /// Milliseconds since the epoch (floor), which never overflows for PostgreSQL's range.
        var totalMillis: Int64 { days * 86_400_000 + micros / 1000 }
    }

    /// The instant of a `timestamp` or `timestamptz` value (offset applied).
    static func epochInstant(_ text: UnsafeRawBufferPointer, zoned: Bool) -> EpochInstant? {
        var c = TextCursor(text)
        guard var d = date(&c), c.expect(0x20), let tod = timeOfDay(&c) else { return nil }
        var offset: Int64 = 0
        if zoned { guard let o = zoneOffset(&c) else { return nil }; offset = o }
        guard applyEra(&d, &c) else { return nil }
        var instant = EpochInstant(days: daysSinceEpoch(d), micros: tod - offset * microsPerSecond)
        while instant.micros < 0 { instant.micros += microsPerDay; instant.days -= 1 }
        while instant.micros >= microsPerDay { instant.micros -= microsPerDay; instant.days += 1 }
        return instant
    }

    /// `a * b + c`, clamped to the Int64 bounds instead of trapping.
    static func saturating(_ a: Int64, times b: Int64, plus c: Int64) -> Int64 {
        let (product, o1) = a.multipliedReportingOverflow(by: b)
        if o1 { return (a < 0) != (b < 0) ? .min : .max }
        let (sum, o2) = product.addingReportingOverflow(c)
        if o2 { return c < 0 ? .min : .max }
        return sum
    }

    /// `timetz` text → microseconds since midnight UTC (wrapped into one day).
    static func utcTimeOfDay(_ text: UnsafeRawBufferPointer) -> Int64? {
        var c = TextCursor(text)
        guard let tod = timeOfDay(&c), let offset = zoneOffset(&c), c.atEnd else { return nil }
        let utc = (tod - offset * microsPerSecond) % microsPerDay
        return utc < 0 ? utc + microsPerDay : utc
    }

    /// ISO 8601 interval (`P1Y2M3DT4H5M6.5S`, each part signed) → Debezium MicroDuration.
    static func intervalMicros(_ text: UnsafeRawBufferPointer) -> Int64? {
        var c = TextCursor(text)
        guard c.expect(0x50) else { return nil } // P
        var total: Int64 = 0
        var inTime = false
        var sawPart = false
        while !c.atEnd {
            if c.skip(0x54) { inTime = true; continue } // T
            let negative = c.skip(0x2D)
            guard let whole = c.digits() else { return nil }
            var fraction: Int64 = 0
            if c.skip(0x2E) { fraction = c.microFraction() }
            let sign: Int64 = negative ? -1 : 1
            guard let unit = c.peek else { return nil }
            c.index += 1
            let micros: (Int64, Int64)
            switch (unit, inTime) {
            case (0x59, false): micros = (whole, 12 * microsPerMonth) // Y
            case (0x4D, false): micros = (whole, microsPerMonth) // M (months)
            case (0x57, false): micros = (whole, 7 * microsPerDay) // W
            case (0x44, false): micros = (whole, microsPerDay) // D
            case (0x48, true): micros = (whole, 3_600 * microsPerSecond) // H
            case (0x4D, true): micros = (whole, 60 * microsPerSecond) // M (minutes)
            case (0x53, true): micros = (whole, microsPerSecond) // S
            default: return nil
            }
            // Intervals of millions of years are valid PostgreSQL but exceed Int64 µs: saturate.
            let part = saturating(micros.0, times: micros.1, plus: unit == 0x53 ? fraction : 0)
            total = saturating(sign, times: part, plus: total)
            sawPart = true
        }
        return sawPart ? total : nil
    }

    /// Renders an instant as ISO-8601 UTC (`2026-11-24T10:15:30.123456Z`) with exactly
    /// `fractionDigits` (0–6) fraction digits, none and no dot for 0: Debezium's ZonedTimestamp
    /// pads the fraction to the column's precision. Years outside 0000–9999 are signed as
    /// java.time prints them.
    static func writeISOTimestamp(_ instant: EpochInstant, fractionDigits: Int, into out: inout ByteWriter) {
        let tod = instant.micros
        let d = civil(fromDays: instant.days)
        if d.year < 0 { out.write(UInt8(ascii: "-")) } else if d.year > 9999 { out.write(UInt8(ascii: "+")) }
        out.write(decimal: Int(abs(d.year)), width: 4)
        out.write(UInt8(ascii: "-"))
        out.write(decimal: Int(d.month), width: 2)
        out.write(UInt8(ascii: "-"))
        out.write(decimal: Int(d.day), width: 2)
        out.write(UInt8(ascii: "T"))
        writeClock(micros: tod, into: &out)
        let digits = min(max(fractionDigits, 0), 6)
        if digits > 0 {
            var fraction = Int(tod % microsPerSecond)
            for _ in digits..<6 { fraction /= 10 }
            out.write(UInt8(ascii: "."))
            out.write(decimal: fraction, width: digits)
        }
        out.write(UInt8(ascii: "Z"))
    }

    /// Renders microseconds since midnight as `HH:MM:SS[.ffffff]`, fraction trimmed.
    static func writeTimeOfDay(micros: Int64, into out: inout ByteWriter) {
        writeClock(micros: micros, into: &out)
        var fraction = Int(micros % microsPerSecond)
        guard fraction > 0 else { return }
        var width = 6
        while fraction % 10 == 0 { fraction /= 10; width -= 1 }
        out.write(UInt8(ascii: "."))
        out.write(decimal: fraction, width: width)
    }

    /// Writes the whole seconds of `micros` since midnight as `HH:MM:SS`.
    private static func writeClock(micros: Int64, into out: inout ByteWriter) {
        let seconds = micros / microsPerSecond
        out.write(decimal: Int(seconds / 3600), width: 2)
        out.write(UInt8(ascii: ":"))
        out.write(decimal: Int(seconds / 60 % 60), width: 2)
        out.write(UInt8(ascii: ":"))
        out.write(decimal: Int(seconds % 60), width: 2)
    }
}
