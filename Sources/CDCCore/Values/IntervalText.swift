/// PostgreSQL's ISO 8601 interval text (`IntervalStyle=iso_8601`: `P1Y2M3DT4H5M6.5S`, each field
/// signed on its own, zero fields left out) in the form of Debezium's `interval.handling.mode=string`
/// (`io.debezium.time.Interval`): every field, `P<y>Y<m>M<d>DT<h>H<m>M<s>S`, seconds without
/// trailing zeros (`PT0S` is `P0Y0M0DT0H0M0S`).
enum IntervalText {
    /// Appends Debezium's form of `text`; false when `text` is not PostgreSQL's ISO 8601 form.
    static func writeDebeziumString(_ text: UnsafeRawBufferPointer, into out: inout ByteWriter) -> Bool {
        var c = TextCursor(text)
        guard c.expect(UInt8(ascii: "P")) else { return false }
        // years, months, days, hours, minutes; seconds as sign, whole seconds and microseconds.
        var fields: (Int64, Int64, Int64, Int64, Int64) = (0, 0, 0, 0, 0)
        var secondsNegative = false, seconds: Int64 = 0, micros: Int64 = 0
        var inTime = false, sawPart = false
        while !c.atEnd {
            if c.skip(UInt8(ascii: "T")) { inTime = true; continue }
            let negative = c.skip(UInt8(ascii: "-"))
            guard let whole = c.digits() else { return false }
            var fraction: Int64 = 0
            let hasFraction = c.skip(UInt8(ascii: "."))
            if hasFraction { fraction = c.microFraction() }
            guard let unit = c.peek else { return false }
            c.index += 1
            let value = negative ? -whole : whole
            switch (unit, inTime) {
            case (UInt8(ascii: "Y"), false): fields.0 = value
            case (UInt8(ascii: "M"), false): fields.1 = value
            case (UInt8(ascii: "W"), false): fields.2 += 7 * value
            case (UInt8(ascii: "D"), false): fields.2 += value
            case (UInt8(ascii: "H"), true): fields.3 = value
            case (UInt8(ascii: "M"), true): fields.4 = value
            case (UInt8(ascii: "S"), true):
                secondsNegative = negative
                seconds = whole
                micros = fraction
            default: return false
            }
            if hasFraction && unit != UInt8(ascii: "S") { return false }
            sawPart = true
        }
        guard sawPart else { return false }
        out.write(UInt8(ascii: "P"))
        out.write(decimal: fields.0)
        out.write(UInt8(ascii: "Y"))
        out.write(decimal: fields.1)
        out.write(UInt8(ascii: "M"))
        out.write(decimal: fields.2)
        out.write("DT")
        out.write(decimal: fields.3)
        out.write(UInt8(ascii: "H"))
        out.write(decimal: fields.4)
        out.write(UInt8(ascii: "M"))
        if secondsNegative && (seconds != 0 || micros != 0) { out.write(UInt8(ascii: "-")) }
        out.write(decimal: seconds)
        if micros != 0 {
            var digits = 6
            var fraction = micros
            while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
            out.write(UInt8(ascii: "."))
            out.write(decimal: Int(fraction), width: digits)
        }
        out.write(UInt8(ascii: "S"))
        return true
    }
}
