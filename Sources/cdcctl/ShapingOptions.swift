import ArgumentParser
import CDCCore

extension DeleteHandling: ExpressibleByArgument {}

/// `--envelope debezium|flat`.
enum EnvelopeKind: String, CaseIterable, ExpressibleByArgument {
    case debezium, flat
}

/// The shaping flags `snapshot` and `stream` share (Debezium's filters and transforms): tables
/// by pattern, columns, rows, masks, keys and the flat record. `-t` stays each command's own.
struct ShapingOptions: ParsableArguments {
    @Option(name: .customLong("exclude-table"), help: ArgumentHelp("Leave out the tables this name or pattern matches (repeatable; a pattern is a regular expression on schema.table, as Debezium's table.exclude.list).", valueName: "pattern"))
    var excludeTable: [String] = []

    @Option(help: ArgumentHelp("Only these columns of the tables the pattern matches (repeatable; column names or patterns), in the snapshot and the stream alike (Debezium's column.include.list).", valueName: "schema.table:col,…"))
    var columns: [String] = []

    @Option(help: ArgumentHelp("Leave these columns out of the tables the pattern matches (repeatable; names or patterns; Debezium's column.exclude.list).", valueName: "schema.table:col,…"))
    var excludeColumns: [String] = []

    @Option(name: .customLong("where"), help: ArgumentHelp("Only the rows of the tables the pattern matches for which the SQL predicate holds: the snapshot's WHERE and, for stream, the new publication's row filter (PostgreSQL 15; repeatable).", valueName: "schema.table:predicate"))
    var rowFilter: [String] = []

    @Option(help: ArgumentHelp("Mask a column: hash:ALG[:SALT] (hex digest of salt + value as Debezium's column.mask.hash.ALG.with.salt.SALT; hash-v2:… its v2), stars[:N] (N asterisks, default 8; column.mask.with.N.chars) or null (repeatable; table and column may be patterns).", valueName: "schema.table.col=mask"))
    var mask: [String] = []

    @Option(help: ArgumentHelp("Keep the first N characters of a text column (Debezium's column.truncate.to.N.chars; repeatable).", valueName: "schema.table.col=N"))
    var truncate: [String] = []

    @Option(help: ArgumentHelp("The record key's columns, in this order, for a table without a primary key or to partition by others (Debezium's message.key.columns; repeatable); a stream's incremental snapshot of a key-less table reads it in chunks by them.", valueName: "schema.table:col,…"))
    var key: [String] = []

    @Option(help: ArgumentHelp("The record of each change: debezium (the envelope: before, after, source, op, …) or flat (the row state alone, as Debezium's ExtractNewRecordState).", valueName: "kind"))
    var envelope: EnvelopeKind = .debezium

    @Option(help: ArgumentHelp("--envelope flat: also write these envelope fields, as __op, __table, __source_ts_ms, … (Debezium's add.fields; FIELD:NAME writes __NAME).", valueName: "op,table,schema,lsn,txId,source.ts_ms"))
    var addFields: String?

    @Option(help: ArgumentHelp("--envelope flat: a delete becomes a tombstone (Kafka; the default there), rewrite (the row before it with __deleted \"true\"; the default on stdout) or nothing (drop).", valueName: "mode"))
    var deletes: DeleteHandling?

    /// What is wrong with the flags (naming them), checked before anything connects.
    func validate(toKafka: Bool, noTombstones: Bool) throws {
        _ = try settings(tables: [], toKafka: toKafka)
        if envelope != .flat {
            if addFields != nil { throw ValidationError("--add-fields applies to --envelope flat") }
            if deletes != nil { throw ValidationError("--deletes applies to --envelope flat") }
        } else {
            if noTombstones { throw ValidationError("--no-tombstones applies to --envelope debezium; with --envelope flat, --deletes says what a delete becomes") }
            if deletes == .tombstone && !toKafka {
                throw ValidationError("--deletes tombstone needs Kafka (a tombstone is a record with the key and no value); on stdout use --deletes rewrite or drop")
            }
        }
    }

    /// The library's settings: `tables` (`-t`) as table patterns, then every flag of this group.
    func settings(tables: [String], toKafka: Bool) throws -> ShapingSettings {
        var settings = ShapingSettings()
        settings.include = try tables.map { try parsed(TablePattern.parse($0), "-t", $0) }
        settings.exclude = try excludeTable.map { try parsed(TablePattern.parse($0), "--exclude-table", $0) }
        settings.columns = try columns.map { try parsed(ColumnSelection.parse($0), "--columns", $0) }
        settings.excludedColumns = try excludeColumns.map { try parsed(ColumnSelection.parse($0), "--exclude-columns", $0) }
        settings.rowFilters = try rowFilter.map { try parsed(RowFilter.parse($0), "--where", $0) }
        settings.masks = try mask.map { try parsed(ColumnRule.parse($0, value: ColumnMask.parse), "--mask", $0) }
        settings.truncations = try truncate.map { try parsed(ColumnRule.parse($0, value: ColumnRule<Int>.characters), "--truncate", $0) }
        settings.keys = try key.map { try parsed(KeySelection.parse($0), "--key", $0) }
        if envelope == .flat {
            let fields = try addFields.map { try parsed(FlatField.parseList($0), "--add-fields", $0) } ?? []
            settings.envelope = .flat(FlatRecord(fields: fields, deletes: deletes ?? (toKafka ? .tombstone : .rewrite)))
        }
        return settings
    }

    private func parsed<T>(_ result: Result<T, ShapingSpecProblem>, _ flag: String, _ value: String) throws -> T {
        switch result {
        case .success(let parsed): return parsed
        case .failure(let problem): throw ValidationError("invalid \(flag) '\(value)': \(problem)")
        }
    }
}

extension ShapingError {
    /// The error worded with the flags of `snapshot` and `stream`.
    var commandLineWording: String {
        message { setting in
            switch setting {
            case .table: return "-t"
            case .excludeTable: return "--exclude-table"
            case .columns: return "--columns"
            case .excludeColumns: return "--exclude-columns"
            case .rowFilter: return "--where"
            case .mask: return "--mask"
            case .truncate: return "--truncate"
            case .key: return "--key"
            }
        }
    }
}
