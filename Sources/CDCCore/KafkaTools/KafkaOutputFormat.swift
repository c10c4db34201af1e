/// A parsed kcat `-f` format string: literal text and `%` tokens.
public struct KafkaOutputFormat: Equatable, Sendable {
    /// One piece of the format.
    public enum Token: Equatable, Sendable {
        /// Bytes written as they are (escapes already resolved).
        case literal([UInt8])
        /// `%k`: the key.
        case key
        /// `%K`: the key's length, -1 for NULL.
        case keyLength
        /// `%s`: the value.
        case payload
        /// `%S`: the value's length, -1 for NULL.
        case payloadLength
        /// `%R`: the value's length (-1 for NULL) as a 4-byte big-endian integer.
        case payloadLengthBinary
        /// `%t`: the topic.
        case topic
        /// `%p`: the partition.
        case partition
        /// `%o`: the offset.
        case offset
        /// `%T`: the timestamp in ms (-1 when there is none).
        case timestamp
        /// `%h`: the headers as `name=value,name2=value2` (`NULL` for a NULL value).
        case headers
    }

    /// The pieces, in order.
    public var tokens: [Token]

    /// A format made of these tokens.
    public init(tokens: [Token]) { self.tokens = tokens }

    /// Parses a `-f` string. `%%` is a percent sign; escapes as in `KafkaEscapes.formatLiteral`.
    public static func parse(_ format: String) throws -> KafkaOutputFormat {
        let bytes = Array(format.utf8)
        var tokens: [Token] = []
        var literalStart = 0
        var i = 0
        func flushLiteral(upTo end: Int) {
            if literalStart < end { tokens.append(.literal(KafkaEscapes.formatLiteral(bytes[literalStart..<end]))) }
        }
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "%") else { i += 1; continue }
            flushLiteral(upTo: i)
            guard i + 1 < bytes.count else { throw KafkaUsageError("invalid format '\(format)': empty formatter at the end") }
            let token: Token
            switch bytes[i + 1] {
            case UInt8(ascii: "k"): token = .key
            case UInt8(ascii: "K"): token = .keyLength
            case UInt8(ascii: "s"): token = .payload
            case UInt8(ascii: "S"): token = .payloadLength
            case UInt8(ascii: "R"): token = .payloadLengthBinary
            case UInt8(ascii: "t"): token = .topic
            case UInt8(ascii: "p"): token = .partition
            case UInt8(ascii: "o"): token = .offset
            case UInt8(ascii: "T"): token = .timestamp
            case UInt8(ascii: "h"): token = .headers
            case UInt8(ascii: "%"): token = .literal([UInt8(ascii: "%")])
            default:
                let bad = String(decoding: [bytes[i + 1]], as: UTF8.self)
                throw KafkaUsageError("invalid format '\(format)': unsupported formatter %\(bad) (use %t %p %o %k %K %s %S %R %T %h %%)")
            }
            tokens.append(token)
            i += 2
            literalStart = i
        }
        flushLiteral(upTo: bytes.count)
        return KafkaOutputFormat(tokens: tokens)
    }

    /// kcat's output without `-f`: the value and the delimiter, with the key and the key
    /// delimiter first when `-K` is given.
    public static func delimited(keyDelimiter: [UInt8]?, delimiter: [UInt8]) -> KafkaOutputFormat {
        var tokens: [Token] = []
        if let keyDelimiter { tokens += [.key, .literal(keyDelimiter)] }
        tokens += [.payload, .literal(delimiter)]
        return KafkaOutputFormat(tokens: tokens)
    }
}
