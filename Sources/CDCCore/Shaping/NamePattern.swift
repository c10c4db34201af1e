/// A table named on the command line: a literal `schema.table` (PostgreSQL's rules: unquoted
/// parts fold to lower case, `table` alone is `public.table`), or, as soon as it holds a regular
/// expression character (`* + ? ^ $ ( ) [ ] { } | \`), a regular expression that must match the
/// whole `schema.table` (catalog spelling, ignoring case), as Debezium's `table.include.list`.
/// A literal's dot is a separator; in a pattern it matches any character, as in Debezium's lists.
public struct TablePattern: Sendable, Hashable, CustomStringConvertible {
    /// What was written.
    public let text: String
    /// The table, when `text` is a literal name.
    public let name: TableName?

    /// Parses `text`; returns what is wrong with it otherwise.
    public static func parse(_ text: String) -> Result<TablePattern, ShapingSpecProblem> {
        if !NamePatternSyntax.hasRegexCharacters(text) {
            guard let name = TableName(parsing: text) else {
                return .failure(ShapingSpecProblem("expected schema.table, or a pattern (a regular expression on schema.table such as 'shop\\..*')"))
            }
            return .success(TablePattern(text: text, name: name))
        }
        if let problem = NamePatternSyntax.regexProblem(text) { return .failure(problem) }
        return .success(TablePattern(text: text, name: nil))
    }

    /// A literal table.
    public init(_ name: TableName) {
        text = name.description
        self.name = name
    }

    private init(text: String, name: TableName?) {
        self.text = text
        self.name = name
    }

    /// Whether this is a regular expression (may match any number of tables).
    public var isPattern: Bool { name == nil }

    public var description: String { text }

    /// Whether `table` is this one, or matches this pattern.
    func matches(_ table: TableName) -> Bool {
        if let name { return name == table }
        return NamePatternSyntax.wholeMatch("\(table.schema).\(table.table)", text)
    }
}

/// A column named in a column list or rule: a literal name (unquoted: folded to lower case;
/// `"Quoted"`: as written) or, with a regular expression character, a pattern that must match
/// the whole column name, ignoring case.
public struct ColumnPattern: Sendable, Hashable, CustomStringConvertible {
    /// What was written.
    public let text: String
    /// The column's name, when `text` is a literal.
    public let name: String?

    /// Parses `text`; returns what is wrong with it otherwise.
    public static func parse(_ text: String) -> Result<ColumnPattern, ShapingSpecProblem> {
        let trimmed = text.trimmingSpaces()
        guard !trimmed.isEmpty else { return .failure(ShapingSpecProblem("an empty column name")) }
        if !NamePatternSyntax.hasRegexCharacters(trimmed) {
            if trimmed.first == "\"" {
                guard trimmed.count >= 2, trimmed.last == "\"" else { return .failure(ShapingSpecProblem("unbalanced quotes in column name \(trimmed)")) }
                let inner = String(trimmed.dropFirst().dropLast())
                return .success(ColumnPattern(text: trimmed, name: inner.replacing("\"\"", with: "\"")))
            }
            return .success(ColumnPattern(text: trimmed, name: trimmed.lowercased()))
        }
        if let problem = NamePatternSyntax.regexProblem(trimmed) { return .failure(problem) }
        return .success(ColumnPattern(text: trimmed, name: nil))
    }

    private init(text: String, name: String?) {
        self.text = text
        self.name = name
    }

    /// Whether this may match more than one column.
    public var isPattern: Bool { name == nil }

    public var description: String { text }

    /// Whether the column named `column` is this one, or matches this pattern.
    func matches(_ column: String) -> Bool {
        if let name { return name == column }
        return NamePatternSyntax.wholeMatch(column, text)
    }
}

/// What is wrong with a shaping flag's value, in the library's words (the CLI names the flag).
public struct ShapingSpecProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

enum NamePatternSyntax {
    /// Whether `text` (outside `"quoted"` parts) holds a character that makes it a pattern.
    static func hasRegexCharacters(_ text: String) -> Bool {
        var quoted = false
        for ch in text {
            if ch == "\"" { quoted.toggle(); continue }
            if !quoted && "*+?^$()[]{}|\\".contains(ch) { return true }
        }
        return false
    }

    /// Why `pattern` is not a regular expression, or nil.
    static func regexProblem(_ pattern: String) -> ShapingSpecProblem? {
        do {
            _ = try Regex(pattern)
            return nil
        } catch {
            return ShapingSpecProblem("'\(pattern)' is not a regular expression (\(error))")
        }
    }

    /// Whether the whole of `subject` matches `pattern`, ignoring case.
    static func wholeMatch(_ subject: String, _ pattern: String) -> Bool {
        guard let regex = try? Regex(pattern).ignoresCase() else { return false }
        return (try? regex.wholeMatch(in: subject)) != nil
    }
}

extension String {
    /// Without leading and trailing spaces.
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
