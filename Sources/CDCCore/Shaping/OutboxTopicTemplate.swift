/// The outbox's topic template (`outbox.event.{aggregatetype}`): literal text and `{name}`
/// placeholders, each replaced by the value of a field or column of the routed row.
public struct OutboxTopicTemplate: Equatable, Sendable {
    /// A piece of the template.
    public enum Part: Equatable, Sendable {
        case literal(String)
        /// A field name or column name.
        case placeholder(String)
    }

    /// The pieces, in order.
    public let parts: [Part]

    /// What can be wrong with a template.
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case empty
        /// A `{` without its `}`, a `}` without its `{`, or `{}`.
        case unbalanced

        public var description: String {
            switch self {
            case .empty: return "it is empty"
            case .unbalanced: return "its braces do not pair up as {name}"
            }
        }
    }

    /// Parses `text`; throws a `Problem`.
    public init(parsing text: String) throws {
        guard !text.isEmpty else { throw Problem.empty }
        var parts: [Part] = []
        var literal = ""
        var rest = Substring(text)
        while let c = rest.first {
            rest = rest.dropFirst()
            if c == "}" { throw Problem.unbalanced }
            guard c == "{" else { literal.append(c); continue }
            guard let close = rest.firstIndex(of: "}") else { throw Problem.unbalanced }
            let name = rest[..<close]
            guard !name.isEmpty, !name.contains("{") else { throw Problem.unbalanced }
            if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
            parts.append(.placeholder(String(name)))
            rest = rest[rest.index(after: close)...]
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.parts = parts
    }

    /// The placeholder names, in order of first appearance.
    public var placeholders: [String] {
        var seen: [String] = []
        for case .placeholder(let name) in parts where !seen.contains(name) { seen.append(name) }
        return seen
    }

    /// Whether Kafka accepts `name` as a topic: 1 to 249 of `[A-Za-z0-9._-]`, not `.` or `..`.
    public static func isValidTopic<C: Collection>(_ name: C) -> Bool where C.Element == UInt8 {
        guard !name.isEmpty, name.count <= 249 else { return false }
        if name.allSatisfy({ $0 == UInt8(ascii: ".") }) && name.count <= 2 { return false }
        return name.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
        }
    }
}
