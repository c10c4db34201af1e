/// How `snapshot` and `stream` shape their events (Debezium's filters and transforms): which
/// tables and columns, which rows and operations, masked or cut values, the record's key and
/// envelope. Built from flags by the CLI; resolved against the catalog by `TableShaper`.
public struct ShapingSettings: Sendable {
    /// Tables to capture (`-t`), literal or patterns; empty: the publication's (`stream`).
    public var include: [TablePattern] = []
    /// Tables left out (`--exclude-table`).
    public var exclude: [TablePattern] = []
    /// Per table, the only columns its events carry (`--columns`).
    public var columns: [ColumnSelection] = []
    /// Per table, columns its events leave out (`--exclude-columns`).
    public var excludedColumns: [ColumnSelection] = []
    /// Per table, the rows captured (`--where`): the publication's row filter and the snapshot's WHERE.
    public var rowFilters: [RowFilter] = []
    /// The operations streamed (`--ops`); a snapshot's reads are always written.
    public var operations: Set<Operation> = ShapingSettings.allOperations
    /// Masked columns (`--mask`).
    public var masks: [ColumnRule<ColumnMask>] = []
    /// Columns cut to a number of characters (`--truncate`).
    public var truncations: [ColumnRule<Int>] = []
    /// Per table, the columns of the record key (`--key`, Debezium's `message.key.columns`).
    public var keys: [KeySelection] = []
    /// The record written for each change (`--envelope`).
    public var envelope: EventEnvelope = .debezium

    /// The operations `--ops` can name (a snapshot's `r` is not among them).
    public static let allOperations: Set<Operation> = [.create, .update, .delete, .truncate, .message]

    /// No shaping: Debezium's envelope of every column of every table given.
    public init() {}

    /// Whether anything changes a table's columns or values (or which rows a snapshot reads).
    var shapesRows: Bool {
        !columns.isEmpty || !excludedColumns.isEmpty || !masks.isEmpty || !truncations.isEmpty || !keys.isEmpty || !rowFilters.isEmpty
    }

    /// Parses `--ops c,u,d,t,m`.
    public static func parseOperations(_ text: String) -> Result<Set<Operation>, ShapingSpecProblem> {
        var ops = Set<Operation>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false).map({ String($0).trimmingSpaces() }) {
            guard let op = Operation(rawValue: part), allOperations.contains(op) else {
                return .failure(ShapingSpecProblem("unknown operation '\(part)': expected a list of c, u, d, t, m"))
            }
            ops.insert(op)
        }
        return .success(ops)
    }
}

/// `schema.table:col1,col2` of `--columns` and `--exclude-columns`.
public struct ColumnSelection: Sendable, CustomStringConvertible {
    public let table: TablePattern
    public let columns: [ColumnPattern]
    public let text: String

    public static func parse(_ text: String) -> Result<ColumnSelection, ShapingSpecProblem> {
        let table: TablePattern, parts: [String]
        switch SpecSyntax.tableAndColumns(text) {
        case .success(let parsed): (table, parts) = parsed
        case .failure(let problem): return .failure(problem)
        }
        var columns: [ColumnPattern] = []
        for part in parts {
            switch ColumnPattern.parse(part) {
            case .success(let c): columns.append(c)
            case .failure(let problem): return .failure(problem)
            }
        }
        guard !columns.isEmpty else { return .failure(ShapingSpecProblem("no column named after the colon")) }
        return .success(ColumnSelection(table: table, columns: columns, text: text))
    }

    public var description: String { text }
}

/// `schema.table:SQL predicate` of `--where`.
public struct RowFilter: Sendable, CustomStringConvertible {
    public let table: TablePattern
    /// The predicate, as written (PostgreSQL parses it).
    public let predicate: String
    public let text: String

    public static func parse(_ text: String) -> Result<RowFilter, ShapingSpecProblem> {
        guard let (tablePart, predicate) = SpecSyntax.split(text, at: ":"), !predicate.trimmingSpaces().isEmpty else {
            return .failure(ShapingSpecProblem("expected schema.table:'SQL predicate'"))
        }
        switch TablePattern.parse(tablePart) {
        case .success(let table): return .success(RowFilter(table: table, predicate: predicate.trimmingSpaces(), text: text))
        case .failure(let problem): return .failure(problem)
        }
    }

    public var description: String { text }
}

/// `schema.table.column=VALUE` (or `schema.table:column=VALUE`) of `--mask` and `--truncate`.
/// Without a colon, the column is what follows the last dot that no backslash escapes.
public struct ColumnRule<Value: Sendable>: Sendable, CustomStringConvertible {
    public let table: TablePattern
    public let column: ColumnPattern
    public let value: Value
    public let text: String

    public static func parse(_ text: String, value parseValue: (String) -> Result<Value, ShapingSpecProblem>) -> Result<ColumnRule, ShapingSpecProblem> {
        guard let (target, valueText) = SpecSyntax.split(text, at: "=") else {
            return .failure(ShapingSpecProblem("expected schema.table.column=VALUE"))
        }
        guard let (tablePart, columnPart) = SpecSyntax.split(target, at: ":") ?? SpecSyntax.splitLastDot(target) else {
            return .failure(ShapingSpecProblem("expected schema.table.column=VALUE"))
        }
        let table: TablePattern, column: ColumnPattern, value: Value
        switch TablePattern.parse(tablePart) {
        case .success(let t): table = t
        case .failure(let problem): return .failure(problem)
        }
        switch ColumnPattern.parse(columnPart) {
        case .success(let c): column = c
        case .failure(let problem): return .failure(problem)
        }
        switch parseValue(valueText) {
        case .success(let v): value = v
        case .failure(let problem): return .failure(problem)
        }
        return .success(ColumnRule(table: table, column: column, value: value, text: text))
    }

    /// `--truncate`'s value: a number of characters.
    public static func characters(_ text: String) -> Result<Int, ShapingSpecProblem> {
        guard let n = Int(text.trimmingSpaces()), n >= 1 else { return .failure(ShapingSpecProblem("expected a number of characters (1 or more), not '\(text)'")) }
        return .success(n)
    }

    public var description: String { text }
}

/// `schema.table:col1,col2` of `--key`: the record key's columns, in this order.
public struct KeySelection: Sendable, CustomStringConvertible {
    public let table: TablePattern
    /// Literal column names.
    public let columns: [String]
    public let text: String

    public static func parse(_ text: String) -> Result<KeySelection, ShapingSpecProblem> {
        let table: TablePattern, parts: [String]
        switch SpecSyntax.tableAndColumns(text) {
        case .success(let parsed): (table, parts) = parsed
        case .failure(let problem): return .failure(problem)
        }
        var columns: [String] = []
        for part in parts {
            guard case .success(let column) = ColumnPattern.parse(part), let name = column.name else {
                return .failure(ShapingSpecProblem("key columns are names, not patterns ('\(part)')"))
            }
            guard !columns.contains(name) else { return .failure(ShapingSpecProblem("column \(name) is named twice")) }
            columns.append(name)
        }
        guard !columns.isEmpty else { return .failure(ShapingSpecProblem("no column named after the colon")) }
        return .success(KeySelection(table: table, columns: columns, text: text))
    }

    public var description: String { text }
}

/// Splitting of the `table:…` and `target=value` forms, outside `"quoted"` parts.
enum SpecSyntax {
    /// `schema.table:col1,col2` as the table (a name or pattern) and the column parts, unparsed.
    static func tableAndColumns(_ text: String) -> Result<(TablePattern, [String]), ShapingSpecProblem> {
        guard let (tablePart, columnPart) = split(text, at: ":") else {
            return .failure(ShapingSpecProblem("expected schema.table:column[,column…]"))
        }
        return TablePattern.parse(tablePart).map { ($0, list(columnPart)) }
    }

    /// `text` split at the first `separator` outside quotes; nil without one (or an empty left side).
    static func split(_ text: String, at separator: Character) -> (String, String)? {
        var quoted = false
        for i in text.indices {
            let ch = text[i]
            if ch == "\"" { quoted.toggle() }
            if !quoted && ch == separator {
                let left = String(text[..<i]).trimmingSpaces()
                guard !left.isEmpty else { return nil }
                return (left, String(text[text.index(after: i)...]))
            }
        }
        return nil
    }

    /// `text` split at its last dot outside quotes that no backslash escapes.
    static func splitLastDot(_ text: String) -> (String, String)? {
        var quoted = false
        var last: String.Index?
        var previous: Character?
        for i in text.indices {
            let ch = text[i]
            if ch == "\"" { quoted.toggle() }
            if !quoted && ch == "." && previous != "\\" { last = i }
            previous = ch
        }
        guard let last else { return nil }
        let left = String(text[..<last]), right = String(text[text.index(after: last)...])
        guard !left.isEmpty, !right.isEmpty else { return nil }
        return (left, right)
    }

    /// A comma-separated list (outside quotes), without empty items.
    static func list(_ text: String) -> [String] {
        var items: [String] = [], current = "", quoted = false
        for ch in text {
            if ch == "\"" { quoted.toggle() }
            if ch == "," && !quoted {
                items.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        items.append(current)
        return items.map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
    }
}
