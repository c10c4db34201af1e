/// A schema-qualified table name as users write it on the command line: `schema.table`,
/// `table` (schema `public`), with `"Quoted"` parts for mixed case or dots.
public struct TableName: Hashable, Sendable, CustomStringConvertible {
    /// The schema, as stored in the catalog.
    public let schema: String
    /// The table, as stored in the catalog.
    public let table: String

    /// Creates a name from already-unquoted parts.
    public init(schema: String, table: String) {
        self.schema = schema
        self.table = table
    }

    /// Parses `schema.table` / `table`; unquoted parts fold to lower case as PostgreSQL does.
    public init?(parsing text: String) {
        var parts: [String] = []
        var current = ""
        var quoted = false
        var wasQuoted = false
        var chars = Array(text)
        var i = 0
        func finish() { parts.append(wasQuoted ? current : current.lowercased()); current = ""; wasQuoted = false }
        while i < chars.count {
            let ch = chars[i]
            if quoted {
                if ch == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { current.append("\""); i += 1 } else { quoted = false }
                } else {
                    current.append(ch)
                }
            } else if ch == "\"" {
                guard current.isEmpty else { return nil }
                quoted = true
                wasQuoted = true
            } else if ch == "." {
                guard !current.isEmpty else { return nil }
                finish()
            } else {
                if ch == " " { return nil }
                current.append(ch)
            }
            i += 1
        }
        chars.removeAll()
        guard !quoted, !current.isEmpty else { return nil }
        finish()
        switch parts.count {
        case 1: self.init(schema: "public", table: parts[0])
        case 2: self.init(schema: parts[0], table: parts[1])
        default: return nil
        }
    }

    /// `schema.table`, with parts quoted only where needed.
    public var description: String { Self.quoteIfNeeded(schema) + "." + Self.quoteIfNeeded(table) }

    /// The name as an SQL identifier, always quoted.
    public var sqlIdentifier: String { Self.quote(schema) + "." + Self.quote(table) }

    /// Quotes an SQL identifier.
    public static func quote(_ identifier: String) -> String { SQLQuote.identifier(identifier) }

    private static func quoteIfNeeded(_ identifier: String) -> String {
        let plain = identifier.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLowercase || $0.isNumber)) }
        return plain && !identifier.isEmpty ? identifier : quote(identifier)
    }
}

extension String {
    /// Replaces every occurrence of a character without pulling in Foundation.
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for ch in self { if ch == target { result += replacement } else { result.append(ch) } }
        return result
    }
}
