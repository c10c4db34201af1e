/// kcat's escapes in `-D`/`-K` delimiters and `-f` format strings.
public enum KafkaEscapes {
    /// Parses a `-D`/`-K` delimiter: `\n`, `\r`, `\t` and `\xNN` (hex) become the byte they
    /// name; everything else stands for itself.
    public static func delimiter(_ text: String) throws -> [UInt8] {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            guard c == UInt8(ascii: "\\"), i + 1 < bytes.count else { out.append(c); i += 1; continue }
            switch bytes[i + 1] {
            case UInt8(ascii: "n"): out.append(0x0A); i += 2
            case UInt8(ascii: "r"): out.append(0x0D); i += 2
            case UInt8(ascii: "t"): out.append(0x09); i += 2
            case UInt8(ascii: "x"):
                let (value, used) = hex(bytes, from: i + 2)
                guard used > 0 else { throw KafkaUsageError("delimiter '\(text)': \\x expects a hex number") }
                out.append(value)
                i += 2 + used
            default:
                out.append(c); i += 1
            }
        }
        return out
    }

    /// Parses the literal parts of a `-f` format: `\n`, `\r`, `\t`, `\xNN` (hex), `\NNN`
    /// (decimal) and `\` before any other character (that character, so `\\` is a backslash).
    public static func formatLiteral(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        let bytes = Array(bytes)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            guard c == UInt8(ascii: "\\"), i + 1 < bytes.count else { out.append(c); i += 1; continue }
            let next = bytes[i + 1]
            switch next {
            case UInt8(ascii: "n"): out.append(0x0A); i += 2
            case UInt8(ascii: "r"): out.append(0x0D); i += 2
            case UInt8(ascii: "t"): out.append(0x09); i += 2
            case UInt8(ascii: "x"):
                let (value, used) = hex(bytes, from: i + 2)
                if used > 0 { out.append(value); i += 2 + used } else { out.append(next); i += 2 }
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                var value = 0
                var j = i + 1
                while j < bytes.count, j < i + 4, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[j]) {
                    value = value * 10 + Int(bytes[j] - UInt8(ascii: "0"))
                    j += 1
                }
                out.append(UInt8(truncatingIfNeeded: value))
                i = j
            default:
                out.append(next); i += 2
            }
        }
        return out
    }

    /// Up to two hex digits at `start`: their value and how many there were.
    private static func hex(_ bytes: [UInt8], from start: Int) -> (UInt8, Int) {
        var value: UInt8 = 0
        var used = 0
        while start + used < bytes.count, used < 2, let digit = TextValueConverter.hexValue(bytes[start + used]) {
            value = value << 4 | digit
            used += 1
        }
        return (value, used)
    }
}
