/// A JSON text that could not be parsed; `offset` is the UTF-8 byte offset of the problem.
public struct AvroJSONError: Error, Equatable, CustomStringConvertible {
    /// UTF-8 byte offset into the text.
    public let offset: Int
    /// What was wrong.
    public let message: String
    /// "JSON error at byte N: message".
    public var description: String { "JSON error at byte \(offset): \(message)" }
}

/// A small strict JSON parser (RFC 8259) producing `AvroJSONValue`.
///
/// Written by hand rather than using JSONSerialization because schemas need exact 64-bit integers,
/// a bool/number distinction that NSNumber blurs on Linux, and rejection of duplicate keys.
enum AvroJSONParser {
    /// Nesting limit so hostile input cannot exhaust the stack.
    static let maxDepth = 512

    /// Parses a complete JSON document.
    static func parse(_ text: String) throws -> AvroJSONValue {
        var parser = Cursor(bytes: Array(text.utf8))
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        if parser.index != parser.bytes.count { throw parser.error("unexpected trailing characters") }
        return value
    }

    /// Parse position over the UTF-8 bytes.
    struct Cursor {
        let bytes: [UInt8]
        var index = 0

        func error(_ message: String) -> AvroJSONError { AvroJSONError(offset: index, message: message) }

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while let b = peek, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { index += 1 }
        }

        mutating func expect(_ literal: String, _ value: AvroJSONValue) throws -> AvroJSONValue {
            for b in literal.utf8 {
                guard peek == b else { throw error("invalid literal") }
                index += 1
            }
            return value
        }

        mutating func value(depth: Int) throws -> AvroJSONValue {
            guard depth < AvroJSONParser.maxDepth else { throw error("nesting deeper than \(AvroJSONParser.maxDepth)") }
            guard let b = peek else { throw error("unexpected end of input") }
            switch b {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try expect("true", .bool(true))
            case UInt8(ascii: "f"): return try expect("false", .bool(false))
            case UInt8(ascii: "n"): return try expect("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: throw error("unexpected character")
            }
        }

        mutating func object(depth: Int) throws -> AvroJSONValue {
            index += 1
            var members: [String: AvroJSONValue] = [:]
            skipWhitespace()
            if peek == UInt8(ascii: "}") { index += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard peek == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let keyOffset = index
                let key = try string()
                skipWhitespace()
                guard peek == UInt8(ascii: ":") else { throw error("expected ':'") }
                index += 1
                skipWhitespace()
                let member = try value(depth: depth + 1)
                if members.updateValue(member, forKey: key) != nil {
                    throw AvroJSONError(offset: keyOffset, message: "duplicate key \"\(key)\"")
                }
                skipWhitespace()
                if peek == UInt8(ascii: ",") { index += 1; continue }
                if peek == UInt8(ascii: "}") { index += 1; return .object(members) }
                throw error("expected ',' or '}'")
            }
        }

        mutating func array(depth: Int) throws -> AvroJSONValue {
            index += 1
            var items: [AvroJSONValue] = []
            skipWhitespace()
            if peek == UInt8(ascii: "]") { index += 1; return .array(items) }
            while true {
                skipWhitespace()
                items.append(try value(depth: depth + 1))
                skipWhitespace()
                if peek == UInt8(ascii: ",") { index += 1; continue }
                if peek == UInt8(ascii: "]") { index += 1; return .array(items) }
                throw error("expected ',' or ']'")
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                guard let d = AvroJSONReader.hexDigit(bytes[index]) else { throw error("invalid hex digit in \\u escape") }
                v = v << 4 | UInt32(d)
                index += 1
            }
            return v
        }

        mutating func string() throws -> String {
            index += 1
            var out: [UInt8] = []
            while true {
                guard let b = peek else { throw error("unterminated string") }
                index += 1
                switch b {
                case UInt8(ascii: "\""):
                    // The input came from a Swift String, so the raw bytes are valid UTF-8.
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard let e = peek else { throw error("unterminated escape") }
                    index += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var code = try hex4()
                        if (0xD800..<0xDC00).contains(code) {
                            guard peek == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                                throw error("unpaired surrogate")
                            }
                            index += 2
                            let low = try hex4()
                            guard (0xDC00..<0xE000).contains(low) else { throw error("invalid low surrogate") }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00..<0xE000).contains(code) {
                            throw error("unpaired surrogate")
                        }
                        out.append(contentsOf: Array(String(Unicode.Scalar(code)!).utf8))
                    default: throw error("invalid escape")
                    }
                default:
                    if b < 0x20 { throw error("control character in string") }
                    out.append(b)
                }
            }
        }

        mutating func number() throws -> AvroJSONValue {
            let start = index
            var integral = true
            if peek == UInt8(ascii: "-") { index += 1 }
            guard let first = peek, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else { throw error("invalid number") }
            if first == UInt8(ascii: "0") {
                index += 1
            } else {
                while let d = peek, d >= UInt8(ascii: "0"), d <= UInt8(ascii: "9") { index += 1 }
            }
            if peek == UInt8(ascii: ".") {
                integral = false
                index += 1
                guard digits() > 0 else { throw error("digits expected after '.'") }
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                integral = false
                index += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { throw error("digits expected in exponent") }
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            if integral, let i = Int64(text) { return .integer(i) }
            guard let d = Double(text) else { throw AvroJSONError(offset: start, message: "invalid number") }
            return .number(d)
        }

        mutating func digits() -> Int {
            var count = 0
            while let d = peek, d >= UInt8(ascii: "0"), d <= UInt8(ascii: "9") { index += 1; count += 1 }
            return count
        }
    }
}
