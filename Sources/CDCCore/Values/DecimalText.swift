import AvroCodec

/// PostgreSQL's numeric text (`-12.50`, `NaN`, `Infinity`) in the forms of Debezium's
/// `decimal.handling.mode`: the unscaled two's-complement bytes of `precise`, the double of
/// `double`.
enum DecimalText {
    /// Whether `text` is numeric's NaN, Infinity or -Infinity (no finite value).
    static func isSpecial(_ text: UnsafeRawBufferPointer) -> Bool {
        guard let first = text.first else { return false }
        return first == UInt8(ascii: "N") || first == UInt8(ascii: "I") || (first == UInt8(ascii: "-") && text.count > 1 && text[1] == UInt8(ascii: "I"))
    }

    /// The number of digits after the decimal point.
    static func fractionDigits(_ text: UnsafeRawBufferPointer) -> Int {
        guard let dot = text.firstIndex(of: UInt8(ascii: ".")) else { return 0 }
        return text.count - dot - 1
    }

    /// Appends the minimal two's-complement big-endian bytes of `text` × 10^scale (Java's
    /// `BigInteger.toByteArray()` of the unscaled value, as Kafka Connect's Decimal carries it).
    /// Digits after the point beyond `scale` must be zeros. Up to 18 digits without allocating.
    static func writeUnscaled(_ text: UnsafeRawBufferPointer, scale: Int, into out: inout ByteWriter) throws {
        var i = 0
        let negative = text.first == UInt8(ascii: "-")
        if negative || text.first == UInt8(ascii: "+") { i = 1 }
        var value: Int64 = 0
        var digits = 0
        var fraction = -1 // digits seen after the point; -1 before it
        var overflow = false
        while i < text.count {
            let c = text[i]
            i += 1
            if c == UInt8(ascii: ".") && fraction < 0 { fraction = 0; continue }
            guard c >= 0x30, c <= 0x39 else { throw ConversionError("a decimal number", text) }
            if fraction >= 0 {
                fraction += 1
                // Digits beyond the scale must be zeros (they are dropped).
                if fraction > scale {
                    guard c == 0x30 else { throw ConversionError("a decimal of scale \(scale)", text) }
                    continue
                }
            }
            if value == 0 && c == 0x30 { continue } // leading zeros
            digits += 1
            if digits > 18 { overflow = true; break }
            value = value * 10 + Int64(c - 0x30)
        }
        guard !overflow else {
            // Wider than Int64: the arbitrary-precision path (allocates).
            do {
                out.write(try AvroDecimal.unscaledBytes(String(decoding: text, as: UTF8.self), scale: scale))
            } catch {
                throw ConversionError("a decimal of scale \(scale)", text)
            }
            return
        }
        for _ in max(fraction, 0)..<max(scale, max(fraction, 0)) {
            let (m, o) = value.multipliedReportingOverflow(by: 10)
            guard !o else {
                do {
                    out.write(try AvroDecimal.unscaledBytes(String(decoding: text, as: UTF8.self), scale: scale))
                } catch {
                    throw ConversionError("a decimal of scale \(scale)", text)
                }
                return
            }
            value = m
        }
        writeTwosComplement(negative ? -value : value, into: &out)
    }

    /// The minimal big-endian two's-complement bytes of `value` (one byte at least).
    static func writeTwosComplement(_ value: Int64, into out: inout ByteWriter) {
        var length = 8
        // Drop leading bytes that only repeat the sign of the next one.
        while length > 1 {
            let top = UInt8(truncatingIfNeeded: value >> ((length - 1) * 8))
            let nextSign = UInt8(truncatingIfNeeded: value >> ((length - 2) * 8)) & 0x80
            if (top == 0 && nextSign == 0) || (top == 0xFF && nextSign != 0) { length -= 1 } else { break }
        }
        for k in stride(from: length - 1, through: 0, by: -1) { out.write(UInt8(truncatingIfNeeded: value >> (k * 8))) }
    }

    /// `text` as the shortest decimal of the nearest double (`12.50` → `12.5`), as `--decimal
    /// double` writes it; PostgreSQL's NaN and ±Infinity (and values beyond a double's range)
    /// as `NaN`, `Infinity`, `-Infinity`.
    static func writeDouble(_ text: UnsafeRawBufferPointer, into out: inout ByteWriter) {
        if isSpecial(text) { out.write(text); return }
        let value = Double(String(decoding: text, as: UTF8.self)) ?? .nan
        if value.isNaN {
            out.write("NaN")
        } else if value.isInfinite {
            out.write(value < 0 ? "-Infinity" : "Infinity")
        } else {
            out.write(string: value.description)
        }
    }
}
