/// Conversions for the decimal logical type: decimal text ↔ unscaled two's-complement big-endian bytes.
///
/// Arbitrary precision (PostgreSQL numerics reach 1000 digits), so this does its own base-10⁹ limb
/// arithmetic instead of going through Double or Foundation.Decimal (38 digits).
public enum AvroDecimal {
    /// A decimal text that cannot be represented at the requested scale.
    public struct FormatError: Error, Equatable, CustomStringConvertible {
        /// What was wrong.
        public let message: String
        /// The message.
        public var description: String { message }
    }

    /// Minimal two's-complement bytes of `text` (e.g. "-123.45") scaled by 10^scale.
    ///
    /// A negative scale (outside the spec, which then ignores the logical type, but well defined)
    /// means the value must be a multiple of 10^-scale. Fractional digits beyond `scale` must be zeros.
    public static func unscaledBytes(_ text: String, scale: Int) throws -> [UInt8] {
        var chars = Substring(text)
        var negative = false
        if chars.first == "-" || chars.first == "+" { negative = chars.first == "-"; chars = chars.dropFirst() }
        let parts = chars.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        var intPart = parts[0]
        var fracPart = parts.count > 1 ? parts[1] : ""
        guard !(intPart.isEmpty && fracPart.isEmpty), (intPart + fracPart).allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw FormatError(message: "not a decimal number: '\(text)'")
        }
        while fracPart.count > max(scale, 0), fracPart.last == "0" { fracPart = fracPart.dropLast() }
        var digits: Substring
        if scale >= 0 {
            guard fracPart.count <= scale else { throw FormatError(message: "'\(text)' has more than \(scale) fractional digits") }
            digits = intPart + fracPart + String(repeating: "0", count: scale - fracPart.count)
        } else {
            guard fracPart.isEmpty else { throw FormatError(message: "'\(text)' has fractional digits but the scale is \(scale)") }
            while intPart.count > 1, intPart.first == "0" { intPart = intPart.dropFirst() }
            if intPart == "0" || intPart.isEmpty {
                digits = "0"
            } else {
                guard intPart.hasSuffix(String(repeating: "0", count: -scale)) else {
                    throw FormatError(message: "'\(text)' is not a multiple of 10^\(-scale)")
                }
                digits = intPart.dropLast(-scale)
            }
        }
        if digits.isEmpty { digits = "0" }
        return twosComplement(magnitude: magnitudeBytes(decimalDigits: digits), negative: negative)
    }

    /// Like `unscaledBytes(_:scale:)` but sign-extended to exactly `fixedSize` bytes for decimal-on-fixed.
    public static func unscaledBytes(_ text: String, scale: Int, fixedSize: Int) throws -> [UInt8] {
        let minimal = try unscaledBytes(text, scale: scale)
        guard minimal.count <= fixedSize else { throw FormatError(message: "'\(text)' does not fit fixed(\(fixedSize))") }
        let pad: UInt8 = (minimal.first ?? 0) & 0x80 != 0 ? 0xFF : 0x00
        return [UInt8](repeating: pad, count: fixedSize - minimal.count) + minimal
    }

    /// Decimal text of unscaled two's-complement big-endian bytes at `scale` (empty bytes read as 0).
    public static func string(unscaled bytes: [UInt8], scale: Int) -> String {
        let negative = (bytes.first ?? 0) & 0x80 != 0
        var magnitude = bytes
        if negative { magnitude = negate(magnitude) }
        var digits = decimalDigits(magnitudeBytes: magnitude)
        if digits == "0" {
            return scale > 0 ? "0." + String(repeating: "0", count: scale) : "0"
        }
        if scale > 0 {
            if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        } else if scale < 0 {
            digits += String(repeating: "0", count: -scale)
        }
        return negative ? "-" + digits : digits
    }

    /// Big-endian magnitude bytes of a non-negative decimal digit string.
    static func magnitudeBytes<S: StringProtocol>(decimalDigits digits: S) -> [UInt8] {
        var limbs: [UInt32] = [] // little-endian base 2^32
        var chunk: UInt64 = 0, chunkSize = 0
        func absorb(_ value: UInt64, _ multiplier: UInt64) {
            var carry = value
            for i in limbs.indices {
                let product = UInt64(limbs[i]) * multiplier + carry
                limbs[i] = UInt32(truncatingIfNeeded: product)
                carry = product >> 32
            }
            while carry > 0 { limbs.append(UInt32(truncatingIfNeeded: carry)); carry >>= 32 }
        }
        var multiplier: UInt64 = 1
        for c in digits.utf8 {
            chunk = chunk * 10 + UInt64(c - 0x30)
            multiplier *= 10
            chunkSize += 1
            if chunkSize == 9 { absorb(chunk, multiplier); chunk = 0; chunkSize = 0; multiplier = 1 }
        }
        if chunkSize > 0 { absorb(chunk, multiplier) }
        var bytes: [UInt8] = []
        for limb in limbs.reversed() {
            for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: limb >> UInt32(shift))) }
        }
        while bytes.count > 1, bytes[0] == 0 { bytes.removeFirst() }
        return bytes.isEmpty ? [0] : bytes
    }

    /// Decimal digits of big-endian magnitude bytes, by repeated division by 10^9.
    static func decimalDigits(magnitudeBytes bytes: [UInt8]) -> String {
        var limbs: [UInt32] = [] // big-endian base 2^32
        let padded = [UInt8](repeating: 0, count: (4 - bytes.count % 4) % 4) + bytes
        for i in stride(from: 0, to: padded.count, by: 4) {
            limbs.append(padded[i..<i + 4].reduce(0) { $0 << 8 | UInt32($1) })
        }
        while let first = limbs.first, first == 0 { limbs.removeFirst() }
        if limbs.isEmpty { return "0" }
        var groups: [UInt32] = []
        while !limbs.isEmpty {
            var remainder: UInt64 = 0
            for i in limbs.indices {
                let current = remainder << 32 | UInt64(limbs[i])
                limbs[i] = UInt32(current / 1_000_000_000)
                remainder = current % 1_000_000_000
            }
            groups.append(UInt32(remainder))
            while let first = limbs.first, first == 0 { limbs.removeFirst() }
        }
        var text = String(groups.last!)
        for group in groups.dropLast().reversed() {
            let g = String(group)
            text += String(repeating: "0", count: 9 - g.count) + g
        }
        return text
    }

    /// Minimal two's-complement encoding of ±magnitude.
    static func twosComplement(magnitude: [UInt8], negative: Bool) -> [UInt8] {
        var bytes = magnitude
        if bytes.allSatisfy({ $0 == 0 }) { return [0] }
        if bytes[0] & 0x80 != 0 { bytes.insert(0, at: 0) } // room for the sign bit
        if negative { bytes = negate(bytes) }
        // Drop redundant sign bytes: 0x00 before a clear top bit, 0xFF before a set one.
        while bytes.count > 1, (bytes[0] == 0x00 && bytes[1] & 0x80 == 0) || (bytes[0] == 0xFF && bytes[1] & 0x80 != 0) {
            bytes.removeFirst()
        }
        return bytes
    }

    /// Two's-complement negation (invert, add one), same width.
    static func negate(_ bytes: [UInt8]) -> [UInt8] {
        var out = bytes.map { ~$0 }
        var i = out.count - 1
        while i >= 0 {
            out[i] &+= 1
            if out[i] != 0 { break }
            i -= 1
        }
        return out
    }
}
