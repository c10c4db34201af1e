/// A forward reader over a value's text bytes, for the small grammars of dates, times and
/// intervals. Never reads past the end.
struct TextCursor {
    let text: UnsafeRawBufferPointer
    var index = 0

    init(_ text: UnsafeRawBufferPointer) { self.text = text }

    var atEnd: Bool { index >= text.count }
    var peek: UInt8? { index < text.count ? text[index] : nil }

    mutating func skip(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        index += 1
        return true
    }

    mutating func expect(_ byte: UInt8) -> Bool { skip(byte) }

    /// Reads one or more decimal digits (at most 18) as an integer.
    mutating func digits() -> Int64? {
        var value: Int64 = 0
        var count = 0
        while let c = peek, c >= 0x30, c <= 0x39, count < 18 {
            value = value * 10 + Int64(c - 0x30)
            index += 1
            count += 1
        }
        return count > 0 ? value : nil
    }

    /// Reads a fraction after the decimal point as microseconds (extra digits are truncated).
    mutating func microFraction() -> Int64 {
        var value: Int64 = 0
        var count = 0
        while let c = peek, c >= 0x30, c <= 0x39 {
            if count < 6 { value = value * 10 + Int64(c - 0x30) }
            count += 1
            index += 1
        }
        while count < 6 { value *= 10; count += 1 }
        return value
    }

    /// Whether the remaining text equals `literal`.
    func rest(is literal: StaticString) -> Bool {
        let remaining = text.count - index
        guard remaining == literal.utf8CodeUnitCount else { return false }
        return literal.withUTF8Buffer { lit in
            for i in 0..<remaining where text[index + i] != lit[i] { return false }
            return true
        }
    }
}
