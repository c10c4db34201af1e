import AvroCodec

/// Turns an event's JSON value into PostgreSQL text input for a column of a given `ValueKind`:
/// the inverse of cdcctl's JSON encoding (docs/types.md), so PostgreSQL's own input functions
/// and casts do the rest. nil stands for SQL NULL.
public enum PostgresTextInput {
    /// Debezium's placeholder for an unchanged TOASTed value (`RowWalker.unavailableValue`).
    public static let unavailable = "__debezium_unavailable_value"
    /// The placeholder as a bytea column carries it: its bytes, base64.
    public static let unavailableBase64 = "X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ=="

    /// Whether `value` is the placeholder of an unchanged TOASTed value.
    public static func isUnavailable(_ value: ApplyJSON) -> Bool {
        guard case .string(let s) = value else { return false }
        return s == unavailable || s == unavailableBase64
    }

    /// The text input of `value` for a column of kind `kind`.
    public static func text(_ value: ApplyJSON, kind: ValueKind) throws -> String? {
        if case .null = value { return nil }
        switch (kind, value) {
        case (.array(let element), .array(let items)):
            return try arrayLiteral(items, element: element)
        case (.array, .string(let s)):
            return s   // already a PostgreSQL array literal
        case (_, .string(let s)):
            return try fromString(s, kind: kind)
        case (.boolean, .bool(let b)): return b ? "t" : "f"
        case (.bit1, .bool(let b)): return b ? "1" : "0"
        case (.date, .number(let n)):
            guard let days = Int64(n) else { throw mismatch(value, "a number of days") }
            if days == Int64(Int32.max) { return "infinity" }
            if days == Int64(Int32.min) { return "-infinity" }
            return CivilTime.date(days: days)
        case (.time(let p), .number(let n)):
            guard let v = Int64(n) else { throw mismatch(value, "a time of day") }
            return CivilTime.timeOfDay(micros: p <= 3 ? v * 1000 : v)
        case (.timestamp(let p), .number(let n)):
            guard let v = Int64(n) else { throw mismatch(value, "a timestamp") }
            if v == Int64.max { return "infinity" }
            if v == Int64.min { return "-infinity" }
            return CivilTime.timestamp(micros: p <= 3 ? v * 1000 : v)
        case (.timestamptz, .number(let n)):
            // Not what cdcctl writes, but Connect's Timestamp (ms) is the usual meaning.
            guard let v = Int64(n) else { throw mismatch(value, "a timestamp") }
            return CivilTime.timestamp(micros: v * 1000) + "+00"
        case (.interval, .number(let n)):
            guard let v = Int64(n) else { throw mismatch(value, "microseconds") }
            return CivilTime.interval(micros: v)
        case (.point, .object):
            guard let x = value["x"], let y = value["y"], case .number(let xs) = x, case .number(let ys) = y else {
                throw mismatch(value, "a point {x, y}")
            }
            return "(\(xs),\(ys))"
        case (.numeric, .object):
            // Avro's VariableScaleDecimal {scale, value (bytes)}.
            guard let scale = value["scale"]?.int64, let unscaled = value["value"]?.string, let bytes = Base64Decoding.decode(unscaled) else {
                throw mismatch(value, "a decimal")
            }
            return AvroDecimal.string(unscaled: bytes, scale: Int(scale))
        case (.json, .object), (.json, .array), (.text, .object), (.text, .array):
            return value.text
        case (.json, _):
            return value.text
        case (_, .number(let n)):
            return n
        case (_, .bool(let b)):
            return b ? "true" : "false"
        default:
            throw mismatch(value, "a value of \(kind)")
        }
    }

    private static func fromString(_ s: String, kind: ValueKind) throws -> String {
        switch kind {
        case .bytea:
            guard let bytes = Base64Decoding.decode(s) else { throw mismatch(.string(s), "base64 bytes") }
            return "\\x" + hex(bytes)
        case .bits(let length):
            guard let bytes = Base64Decoding.decode(s) else { return s }   // a bit string already
            let n = length ?? bytes.count * 8
            var out = ""
            out.reserveCapacity(n)
            for i in stride(from: n - 1, through: 0, by: -1) {
                let byte = i / 8 < bytes.count ? bytes[i / 8] : 0
                out.append((byte >> UInt8(i % 8)) & 1 == 1 ? "1" : "0")
            }
            return out
        case .timestamptz, .timestamp, .date:
            return CivilTime.isoToPostgres(s)
        case .timetz:
            return s.hasSuffix("Z") ? String(s.dropLast()) + "+00" : s
        default:
            return s
        }
    }

    /// A PostgreSQL array literal (`{"a","b",NULL}`), nested for nested JSON arrays.
    static func arrayLiteral(_ items: [ApplyJSON], element: ValueKind) throws -> String {
        var out = "{"
        for (i, item) in items.enumerated() {
            if i > 0 { out += "," }
            if case .array(let inner) = item {
                out += try arrayLiteral(inner, element: element)
            } else if let text = try text(item, kind: element) {
                out += "\""
                for ch in text.unicodeScalars {
                    if ch == "\"" || ch == "\\" { out += "\\" }
                    out.unicodeScalars.append(ch)
                }
                out += "\""
            } else {
                out += "NULL"
            }
        }
        return out + "}"
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func mismatch(_ value: ApplyJSON, _ expected: String) -> ApplyValueError {
        var shown = value.text
        if shown.count > 60 { shown = String(shown.prefix(60)) + "…" }
        return ApplyValueError(message: "expected \(expected), got \(shown)")
    }
}

/// A value that cannot become input for its column.
public struct ApplyValueError: Error, CustomStringConvertible, Sendable {
    /// What is wrong.
    public let message: String
    public var description: String { message }
}

/// Dates and times from epoch numbers, in PostgreSQL's ISO input (BC years as PostgreSQL spells them).
enum CivilTime {
    static let dayMicros: Int64 = 86_400_000_000

    static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// `YYYY-MM-DD` plus whether the year is BC.
    static func dateParts(days: Int64) -> (String, Bool) {
        let civil = AvroTemporal.civil(days: Int(days))
        let (y, m, d) = (Int64(civil.year), Int64(civil.month), Int64(civil.day))
        let bc = y <= 0
        return ("\(pad(bc ? 1 - y : y, 4))-\(pad(m, 2))-\(pad(d, 2))", bc)
    }

    static func date(days: Int64) -> String {
        let (text, bc) = dateParts(days: days)
        return bc ? text + " BC" : text
    }

    static func timeOfDay(micros v: Int64) -> String {
        let h = v / 3_600_000_000, m = v / 60_000_000 % 60, s = v / 1_000_000 % 60, f = v % 1_000_000
        return "\(pad(h, 2)):\(pad(m, 2)):\(pad(s, 2)).\(pad(f, 6))"
    }

    static func timestamp(micros v: Int64) -> String {
        var days = v / dayMicros
        var rest = v % dayMicros
        if rest < 0 { days -= 1; rest += dayMicros }
        let (date, bc) = dateParts(days: days)
        return date + " " + timeOfDay(micros: rest) + (bc ? " BC" : "")
    }

    /// Debezium's MicroDuration back to an interval: whole months of 30.4375 days first, then
    /// days, then the time (exact for intervals whose days < 30 and hours < 24).
    static func interval(micros v: Int64) -> String {
        let monthMicros: Int64 = 2_629_800_000_000
        let months = v / monthMicros
        let rest = v % monthMicros
        let days = rest / dayMicros
        let time = rest % dayMicros
        let magnitude = time < 0 ? -time : time
        return "\(months) mons \(days) days \(time < 0 ? "-" : "")\(timeOfDay(micros: magnitude))"
    }

    /// ISO-8601 as cdcctl writes it (`-0043-03-15T10:00:00.000000Z`, `+10000-…`) to PostgreSQL
    /// input: years ≤ 0 become BC, `Z` becomes `+00`. Anything else passes unchanged.
    static func isoToPostgres(_ s: String) -> String {
        guard let first = s.first, first == "-" || first == "+" else { return s }
        let body = s.dropFirst()
        guard let dash = body.firstIndex(of: "-"), let year = Int64(body[..<dash]) else { return s }
        let signed = first == "-" ? -year : year
        var rest = String(body[dash...])
        if rest.hasSuffix("Z") { rest = String(rest.dropLast()) + "+00" }
        if signed <= 0 { return pad(1 - signed, 4) + rest + " BC" }
        return String(signed) + rest
    }
}
