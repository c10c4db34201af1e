/// The shaping settings applied table by table: which of a table's columns its events carry,
/// which columns make its key, and what each column's values go through. Pure: the catalog
/// reads are `TableSelection`'s and `PublishedTables`'.
///
/// `validate` checks every setting against the captured tables before anything is written or
/// created; `plan` (and `shape`, `snapshotTable`) then apply them, leniently, to whatever shape
/// a table has (a stream's Relation message after ALTER TABLE may bring other columns).
struct TableShaper: Sendable {
    let settings: ShapingSettings

    /// A table's shaped columns and where they come from.
    struct Plan {
        /// The columns events carry, in table order, with their key positions and (masked) types.
        var columns: [Column]
        /// Per shaped column, its index among the table's (published) columns.
        var sourceIndices: [Int]
        /// Per shaped column, its value rule; nil when there is none.
        var rules: [ValueRule?]?
    }

    /// The plan for table `name`, whose (published) columns are `columns`.
    func plan(_ name: TableName, columns: [Column]) -> Plan {
        let includes = settings.columns.filter { $0.table.matches(name) }
        let excludes = settings.excludedColumns.filter { $0.table.matches(name) }
        let selected = columns.indices.filter { i in
            let column = columns[i].name
            return (includes.isEmpty || includes.contains { $0.columns.contains { $0.matches(column) } })
                && !excludes.contains { $0.columns.contains { $0.matches(column) } }
        }
        // The key: --key's columns in its order (those selected), else the table's own key.
        var keyPosition: [String: Int] = [:]
        if let key = settings.keys.first(where: { $0.table.matches(name) }) {
            for column in key.columns where selected.contains(where: { columns[$0].name == column }) {
                keyPosition[column] = keyPosition.count + 1
            }
        }
        let customKey = !keyPosition.isEmpty
        var rules: [ValueRule?] = []
        var shaped: [Column] = []
        for i in selected {
            let column = columns[i]
            let position = customKey ? keyPosition[column.name] : column.primaryKeyPosition
            var rule: ValueRule?
            var out = Column(name: column.name, type: column.type, typeName: column.typeName, nullable: column.nullable, primaryKeyPosition: position)
            out.defaultText = column.defaultText
            if let mask = settings.masks.first(where: { $0.table.matches(name) && $0.column.matches(column.name) }) {
                rule = ValueRule(mask.value, column: column)
                if mask.value == .null {
                    out = Column(name: column.name, type: column.type, typeName: column.typeName, nullable: true, primaryKeyPosition: position)
                } else {
                    // A hash or stars is text, whatever the column held; its default is not carried.
                    out = Column(name: column.name, type: .text, typeName: "text", nullable: column.nullable, primaryKeyPosition: position)
                }
            } else if let cut = settings.truncations.first(where: { $0.table.matches(name) && $0.column.matches(column.name) }) {
                rule = .truncate(cut.value)
            }
            rules.append(rule)
            shaped.append(out)
        }
        return Plan(columns: shaped, sourceIndices: selected, rules: rules.contains { $0 != nil } ? rules : nil)
    }

    /// `table` (an unshaped table of a stream: every published column, in tuple order) as its
    /// events carry it.
    func shape(_ table: EventTable) -> EventTable {
        let plan = plan(table.name, columns: table.columns)
        let identity = plan.sourceIndices == Array(table.columns.indices)
        let layout = RowLayout(tuplePositions: identity ? nil : plan.sourceIndices, tupleWidth: table.columns.count, rules: plan.rules)
        return EventTable(prefix: table.prefix, database: table.database, name: table.name, columns: plan.columns, layout: layout)
    }

    /// A snapshot's table: its shaped columns, which the snapshot selects (`sourceIndices` of
    /// `columns`), so its COPY lines carry exactly them.
    func snapshotTable(prefix: String, database: String, name: TableName, columns: [Column]) -> (table: EventTable, selected: [Int]) {
        let plan = plan(name, columns: columns)
        let layout = RowLayout(tuplePositions: nil, tupleWidth: plan.columns.count, rules: plan.rules)
        return (EventTable(prefix: prefix, database: database, name: name, columns: plan.columns, layout: layout), plan.sourceIndices)
    }

    /// The row filter of `name` (`--where`), when one is given.
    func rowFilter(_ name: TableName) -> RowFilter? {
        settings.rowFilters.first { $0.table.matches(name) }
    }

    // MARK: validation

    /// A captured table as validation sees it: its published columns, and the names of the
    /// columns its publication's column list leaves out (`publication` names that publication).
    struct CapturedTable {
        let name: TableName
        let columns: [Column]
        var unpublished: Set<String> = []
        var publication: String? = nil
    }

    /// Checks every setting against `tables`: each rule names a captured table and columns it
    /// has; no table is left without columns; the key's columns stay, and no rule makes
    /// different rows share a key; a truncation cuts text; no column has two rules.
    func validate(_ tables: [CapturedTable]) throws {
        try checkSelections(settings.columns, .columns, tables)
        try checkSelections(settings.excludedColumns, .excludeColumns, tables)
        try checkRules(settings.masks.map { ($0.table, $0.column, $0.text) }, .mask, tables)
        try checkRules(settings.truncations.map { ($0.table, $0.column, $0.text) }, .truncate, tables)
        for filter in settings.rowFilters where !tables.contains(where: { filter.table.matches($0.name) }) {
            throw ShapingError.matchesNoCapturedTable(.rowFilter, spec: filter.text)
        }
        for key in settings.keys {
            let matched = tables.filter { key.table.matches($0.name) }
            guard !matched.isEmpty else { throw ShapingError.matchesNoCapturedTable(.key, spec: key.text) }
            for table in matched {
                for column in key.columns where !table.columns.contains(where: { $0.name == column }) {
                    throw ShapingError.unknownColumn(.key, spec: key.text, table: table.name, column: column,
                                                     publication: table.unpublished.contains(column) ? table.publication : nil)
                }
            }
        }
        for table in tables { try checkTable(table) }
    }

    private func checkSelections(_ selections: [ColumnSelection], _ setting: ShapingSetting, _ tables: [CapturedTable]) throws {
        for selection in selections {
            try checkRules(selection.columns.map { (selection.table, $0, selection.text) }, setting, tables)
        }
    }

    /// Each rule's table pattern names a captured table; a literal column exists in each, a
    /// pattern matches a column of one.
    private func checkRules(_ rules: [(table: TablePattern, column: ColumnPattern, spec: String)], _ setting: ShapingSetting, _ tables: [CapturedTable]) throws {
        for rule in rules {
            let matched = tables.filter { rule.table.matches($0.name) }
            guard !matched.isEmpty else { throw ShapingError.matchesNoCapturedTable(setting, spec: rule.spec) }
            if let name = rule.column.name {
                for table in matched where !table.columns.contains(where: { $0.name == name }) {
                    throw ShapingError.unknownColumn(setting, spec: rule.spec, table: table.name, column: name,
                                                     publication: table.unpublished.contains(name) ? table.publication : nil)
                }
            } else if !matched.contains(where: { table in table.columns.contains { rule.column.matches($0.name) } }) {
                throw ShapingError.patternMatchesNoColumn(setting, spec: rule.spec)
            }
        }
    }

    private func checkTable(_ table: CapturedTable) throws {
        let plan = plan(table.name, columns: table.columns)
        guard !plan.columns.isEmpty else { throw ShapingError.noColumnLeft(table: table.name) }
        let kept = Set(plan.columns.map(\.name))
        // The key's columns must stay: --key's, else the table's own.
        let customKey = settings.keys.first { $0.table.matches(table.name) }
        let keyColumns = customKey?.columns ?? table.columns.primaryKeyIndices.map { table.columns[$0].name }
        for column in keyColumns where !kept.contains(column) {
            let (setting, spec) = droppingSpec(column, of: table.name)
            throw ShapingError.keyColumnDropped(setting, spec: spec, table: table.name, column: column)
        }
        for (i, column) in plan.columns.enumerated() {
            let masks = settings.masks.filter { $0.table.matches(table.name) && $0.column.matches(column.name) }.map(\.text)
            let cuts = settings.truncations.filter { $0.table.matches(table.name) && $0.column.matches(column.name) }.map(\.text)
            let all = masks + cuts
            if all.count > 1 { throw ShapingError.conflictingRules(table: table.name, column: column.name, first: all[0], second: all[1]) }
            let source = table.columns[plan.sourceIndices[i]]
            if let cut = cuts.first, source.type != .text {
                throw ShapingError.truncateNeedsText(spec: cut, table: table.name, column: column.name, typeName: source.typeName)
            }
            guard column.primaryKeyPosition != nil, let rule = plan.rules?[i] else { continue }
            switch rule {
            case .constant:
                throw ShapingError.ruleBreaksKey(.mask, spec: masks[0], table: table.name, column: column.name, why: "write the same stars in place")
            case .null:
                throw ShapingError.ruleBreaksKey(.mask, spec: masks[0], table: table.name, column: column.name, why: "write NULL in place")
            case .truncate(let n):
                throw ShapingError.ruleBreaksKey(.truncate, spec: cuts[0], table: table.name, column: column.name, why: "keep only the first \(n) characters")
            case let .hash(algorithm, _, _, maxLength?) where maxLength < algorithm.hexLength:
                throw ShapingError.ruleBreaksKey(.mask, spec: masks[0], table: table.name, column: column.name,
                                                 why: "cut the \(algorithm.hexLength)-character hash to \(maxLength) (its declared length, as Debezium does)")
            case .hash:
                continue
            }
        }
    }

    /// The setting (and its text) that leaves `column` of `table` out.
    private func droppingSpec(_ column: String, of table: TableName) -> (ShapingSetting, String) {
        if let exclusion = settings.excludedColumns.first(where: { $0.table.matches(table) && $0.columns.contains { $0.matches(column) } }) {
            return (.excludeColumns, exclusion.text)
        }
        if let list = settings.columns.first(where: { $0.table.matches(table) }) { return (.columns, list.text) }
        return (.columns, "")
    }
}

extension DigestAlgorithm {
    /// The length of the digest in hex characters.
    var hexLength: Int {
        switch self {
        case .md5: return 32
        case .sha1: return 40
        case .sha224, .sha512_224, .sha3_224: return 56
        case .sha256, .sha512_256, .sha3_256: return 64
        case .sha384, .sha3_384: return 96
        case .sha512, .sha3_512: return 128
        }
    }
}
