/// The shaping setting an error is about; the CLI names its flag (`ErrorWording.swift`).
public enum ShapingSetting: String, Sendable, CaseIterable {
    case table = "table selection"
    case excludeTable = "table exclusion"
    case columns = "column list"
    case excludeColumns = "column exclusion"
    case rowFilter = "row filter"
    case mask = "mask"
    case truncate = "truncation"
    case key = "key"
}

/// Why the shaping settings cannot be applied to the tables captured, found before anything is
/// written or created. `message(naming:)` words it with whatever names the settings.
public enum ShapingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A table pattern that matches no table (of the database, or of the selection).
    case patternMatchesNoTable(ShapingSetting, spec: String)
    /// A rule's table pattern that matches none of the captured tables.
    case matchesNoCapturedTable(ShapingSetting, spec: String)
    /// A column named that the table does not have (or, `publication` set, does not publish).
    case unknownColumn(ShapingSetting, spec: String, table: TableName, column: String, publication: String?)
    /// A column pattern that matches no column of the tables its rule names.
    case patternMatchesNoColumn(ShapingSetting, spec: String)
    /// The column selection leaves a table without columns.
    case noColumnLeft(table: TableName)
    /// No table is left once the exclusions are applied.
    case noTableLeft
    /// A column selection drops a column of the record key (which then could not be written).
    case keyColumnDropped(ShapingSetting, spec: String, table: TableName, column: String)
    /// A mask or truncation on a key column that would give different rows the same key.
    case ruleBreaksKey(ShapingSetting, spec: String, table: TableName, column: String, why: String)
    /// A truncation of a column that is not text.
    case truncateNeedsText(spec: String, table: TableName, column: String, typeName: String)
    /// Two rules for one column.
    case conflictingRules(table: TableName, column: String, first: String, second: String)
    /// A row filter on a server before PostgreSQL 15.
    case rowFilterNeedsPostgres15(spec: String, version: Int)
    /// An existing publication that filters a table's rows otherwise than asked (`published` nil: not at all).
    case rowFilterDiffers(table: TableName, publication: String, published: String?, wanted: String)
    /// A row filter on a table of a `FOR ALL TABLES` publication, which cannot have one.
    case rowFilterOnAllTables(spec: String, publication: String)
    /// A row filter whose columns are not in the table's replica identity: once published, the
    /// server refuses the table's UPDATE and DELETE.
    case rowFilterOutsideReplicaIdentity(spec: String, table: TableName)

    public var description: String { message { $0.rawValue } }

    /// The message, each setting named by `name` (a flag on the command line).
    public func message(naming name: (ShapingSetting) -> String) -> String {
        switch self {
        case let .patternMatchesNoTable(setting, spec):
            return "\(name(setting)) '\(spec)' matches \(setting == .excludeTable ? "none of the tables selected" : "no table")"
        case let .matchesNoCapturedTable(setting, spec):
            return "\(name(setting)) '\(spec)' names no captured table"
        case let .unknownColumn(setting, spec, table, column, publication):
            if let publication {
                return "\(name(setting)) '\(spec)': column \(column) of table \(table) is not published by publication \(publication) (its column list leaves it out)"
            }
            return "\(name(setting)) '\(spec)': table \(table) has no column \(column)"
        case let .patternMatchesNoColumn(setting, spec):
            return "\(name(setting)) '\(spec)' matches no column"
        case let .noColumnLeft(table):
            return "\(name(.columns)) and \(name(.excludeColumns)) leave table \(table) without columns"
        case .noTableLeft:
            return "\(name(.excludeTable)) leaves no table to capture"
        case let .keyColumnDropped(setting, spec, table, column):
            return "\(name(setting)) '\(spec)' drops column \(column), part of the key of table \(table): name the key's columns with \(name(.key)) \(table):COLUMN[,…]"
        case let .ruleBreaksKey(setting, spec, table, column, why):
            return "\(name(setting)) '\(spec)' would \(why) of column \(column), part of the key of table \(table), so different rows could get the same key: hash it, or choose the key with \(name(.key))"
        case let .truncateNeedsText(spec, table, column, typeName):
            return "\(name(.truncate)) '\(spec)': column \(column) of table \(table) is \(typeName), not text"
        case let .conflictingRules(table, column, first, second):
            return "'\(first)' and '\(second)' both rewrite column \(column) of table \(table)"
        case let .rowFilterNeedsPostgres15(spec, version):
            return "\(name(.rowFilter)) '\(spec)' needs PostgreSQL 15 or later (publication row filters); the server is \(version / 10000)"
        case let .rowFilterDiffers(table, publication, published, wanted):
            let now = published.map { "filters it with WHERE \($0)" } ?? "publishes all its rows"
            return "publication \(publication) \(now), not WHERE \(wanted) (table \(table)): drop the publication or change its filter (ALTER PUBLICATION … SET TABLE \(table.sqlIdentifier) WHERE (…))"
        case let .rowFilterOnAllTables(spec, publication):
            return "\(name(.rowFilter)) '\(spec)': publication \(publication) is FOR ALL TABLES, which cannot filter rows; use a publication FOR TABLE"
        case let .rowFilterOutsideReplicaIdentity(spec, table):
            return "\(name(.rowFilter)) '\(spec)' uses columns outside the replica identity of table \(table): once published, the server would refuse its UPDATE and DELETE; filter on key columns, or ALTER TABLE \(table.sqlIdentifier) REPLICA IDENTITY FULL"
        }
    }
}
