/// Conversions for the date/time logical types (proleptic Gregorian calendar, UTC), without Foundation.
public enum AvroTemporal {
    /// Days since 1970-01-01 for a civil date (the `date` logical type's value).
    public static func days(year: Int, month: Int, day: Int) -> Int {
        // Howard Hinnant's days_from_civil: exact for all years, no tables.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    public static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// "YYYY-MM-DD" for a `date` value.
    public static func dateString(days: Int) -> String {
        let (y, m, d) = civil(days: days)
        return (y < 0 ? "-" : "") + pad(abs(y), 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
    }

    /// "HH:MM:SS" plus `digits` fractional digits for a time of day given in 10^-digits seconds.
    public static func timeString(_ value: Int64, fractionDigits digits: Int) -> String {
        let unit = Int64(pow10(digits))
        let seconds = value / unit
        var text = pad(Int(seconds / 3600), 2) + ":" + pad(Int(seconds / 60 % 60), 2) + ":" + pad(Int(seconds % 60), 2)
        if digits > 0 { text += "." + pad(Int(value % unit), digits) }
        return text
    }

    /// ISO 8601 "YYYY-MM-DDTHH:MM:SS.fff[fff]" (+"Z" when `utc`) for a timestamp in 10^-digits seconds since the epoch.
    public static func timestampString(_ value: Int64, fractionDigits digits: Int, utc: Bool = true) -> String {
        let perDay = 86_400 * Int64(pow10(digits))
        // Floor division so instants before 1970 land on the previous day with a positive time.
        var day = value / perDay
        var rest = value % perDay
        if rest < 0 { day -= 1; rest += perDay }
        return dateString(days: Int(day)) + "T" + timeString(rest, fractionDigits: digits) + (utc ? "Z" : "")
    }

    static func pow10(_ n: Int) -> Int { (0..<n).reduce(1) { acc, _ in acc * 10 } }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
