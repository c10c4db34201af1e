/// Applies batches of records to the target database, each batch in one transaction that also
/// advances the input's positions in `cdcctl_apply_offsets` (exactly once: the target holds a
/// prefix of the input, nothing twice). A lost or restarting target is retried with backoff;
/// a record that can never apply stops (or, with `--errors skip`, is skipped and handed on).
public final class PostgresApplier {
    private let conninfo: String
    private let options: ApplyOptions
    private let stop: StopToken
    private let notice: (String) -> Void
    private var connection: PGConnection?
    private var tables: [TableName: TargetTable] = [:]
    /// Stage tables created on the current connection (and committed), by target table.
    private var stages: [TableName: (name: String, columns: Int)] = [:]
    private var stageCounter = 0
    private var topicTables: [String: TableName] = [:]
    private var targetNames: [TargetKey: TableName] = [:]
    private(set) var stored: [ApplyOffsetsTable.Key: ApplyOffsetsTable.Stored] = [:]
    /// What `--errors skip` does with a skipped record (e.g. produce it to a dead letter topic),
    /// before its position is committed.
    public var deadLetter: ((ApplyRecord, String) throws -> Void)?
    /// Counts, for progress lines.
    public private(set) var appliedRecords = 0
    public private(set) var skippedRecords = 0

    /// Connects to the target and reads the stored positions; an unreachable target throws.
    public init(conninfo: String, options: ApplyOptions, stop: StopToken, notice: @escaping (String) -> Void) throws {
        self.conninfo = conninfo
        self.options = options
        self.stop = stop
        self.notice = notice
        try connect()
    }

    /// The display name of the target (no password).
    public var targetName: String { ConnectionURL.redacted(conninfo) }

    private func connect() throws {
        connection = nil
        stages = [:]
        tables = [:]
        let c = try PGConnection(conninfo: conninfo)
        try ApplyOffsetsTable.create(on: c)
        stored = try ApplyOffsetsTable.load(name: options.offsetsName, on: c)
        connection = c
    }

    // MARK: positions

    /// The offset stored for a Kafka partition (the last applied record's), nil when none.
    public func storedOffset(topic: String, partition: Int32) -> Int64? {
        stored[ApplyOffsetsTable.Key(topic: topic, partition: partition)]?.offset
    }

    /// Reads the stored positions again (after another process may have moved them).
    public func reloadPositions() throws {
        try withRetries { c in stored = try ApplyOffsetsTable.load(name: options.offsetsName, on: c) }
    }

    /// Whether the record's change is already in the target (by the stored positions).
    public func isApplied(_ record: ApplyRecord) -> Bool { appliedPositions.contains(record) }

    /// The stored positions as a value, for a reader that filters records while a batch is
    /// being applied on another thread (the applier re-checks each batch against its own).
    public var appliedPositions: AppliedPositions { AppliedPositions(stored: stored, replayLines: options.replayLines) }

    static let stdinKey = ApplyOffsetsTable.Key(topic: "-", partition: 0)
    static func markerKey(_ identity: String) -> ApplyOffsetsTable.Key { ApplyOffsetsTable.Key(topic: "-:" + identity, partition: 0) }

    /// The positions after `records`, for the rows they change.
    private func positions(after records: ArraySlice<ApplyRecord>) -> [ApplyOffsetsTable.Key: ApplyOffsetsTable.Stored] {
        var out: [ApplyOffsetsTable.Key: ApplyOffsetsTable.Stored] = [:]
        for r in records {
            switch r.position {
            case .kafka(let topic, let partition, let offset):
                let key = ApplyOffsetsTable.Key(topic: topic, partition: partition)
                if (out[key]?.offset ?? Int64.min) < offset { out[key] = ApplyOffsetsTable.Stored(offset: offset) }
            case .stdin(let line, _):
                var main = out[Self.stdinKey] ?? stored[Self.stdinKey] ?? ApplyOffsetsTable.Stored(offset: 0)
                main.offset = line
                if let point = r.sourcePoint {
                    if let lc = point.lastCommitted {
                        main.lsn = lc
                        main.identity = point.identity
                        main.index = point.index
                    } else {
                        out[Self.markerKey(point.identity)] = ApplyOffsetsTable.Stored(offset: line, identity: point.identity, index: point.index)
                    }
                }
                out[Self.stdinKey] = main
            }
        }
        return out
    }

    // MARK: applying

    /// Applies `records` (in input order; none already applied) and commits their positions.
    /// Throws `ApplyRecordFailure` for a record that can never apply (with `--errors stop`),
    /// `ApplyPositionConflict` when another process moved a position of these records.
    public func apply(_ records: [ApplyRecord]) throws {
        guard !records.isEmpty else { return }
        var pending = records[...]
        while !pending.isEmpty {
            do {
                try withRetries { c in
                    if pending.contains(where: isApplied) { pending = pending.filter { !isApplied($0) }[...] }
                    guard !pending.isEmpty else { return }
                    try transaction(c, records: pending) { try applyChanges(pending, on: c) }
                }
                appliedRecords += pending.count
                return
            } catch let problem as RecordProblem {
                // The records before it go as one batch; it alone fails or is skipped.
                let start = pending.startIndex
                if problem.index > start { try apply(Array(pending[start..<problem.index])) }
                try fail(pending[problem.index], table: nil, message: problem.message)
                pending = pending[(problem.index + 1)...]
            } catch let error as PostgresError {
                guard pending.count > 1 else {
                    try fail(pending[pending.startIndex], table: nil, message: error.message)
                    return
                }
                // Which record? Halves find it in a few transactions; those before it are committed.
                let middle = pending.startIndex + pending.count / 2
                let (first, second) = (Array(pending[..<middle]), Array(pending[middle...]))
                try apply(first)
                try apply(second)
                return
            }
        }
    }

    /// A record that cannot even be decoded (not JSON, not Avro, not an event): stop, or skip it
    /// like a record that cannot apply.
    public func reject(position: ApplyPosition, message: String, rawKey: [UInt8]? = nil, rawValue: [UInt8]? = nil) throws {
        let record = ApplyRecord(change: ApplyChange(kind: .upsert, sourceTable: nil, topic: nil, row: []), position: position, rawKey: rawKey, rawValue: rawValue)
        try fail(record, table: nil, message: message)
    }

    /// A record that can never apply: stop, or skip it (committing only its position).
    private func fail(_ record: ApplyRecord, table: TableName?, message: String) throws {
        guard options.errors == .skip else { throw ApplyRecordFailure(position: record.position, message: message) }
        try deadLetter?(record, message)
        try withRetries { c in
            guard !isApplied(record) else { return }
            try transaction(c, records: [record][...]) {}
        }
        skippedRecords += 1
        notice("cdcctl: skipped \(record.position.description): \(message)")
    }

    /// Runs `body` in a transaction on `c` that also advances the positions of `records`.
    private func transaction(_ c: PGConnection, records: ArraySlice<ApplyRecord>, _ body: () throws -> Void) throws {
        try c.execute("BEGIN", context: "cannot begin a transaction on the target")
        do {
            try body()
            let after = positions(after: records)
            for (key, value) in after where stored[key] != value {
                guard try ApplyOffsetsTable.advance(name: options.offsetsName, key: key, from: stored[key], to: value, on: c) else {
                    throw ApplyPositionConflict(topic: key.topic, partition: key.partition)
                }
            }
            try c.execute("COMMIT", context: "cannot commit on the target")
            for (key, value) in after { stored[key] = value }
            stagesCommitted()
        } catch {
            if c.isAlive { try? c.execute("ROLLBACK") }
            stagesRolledBack()
            throw error
        }
    }

    /// Runs `body` with a connection, reconnecting with backoff while the target is unreachable
    /// or restarting; positions are reloaded after a reconnection (a commit whose answer was
    /// lost may have happened), and `body` filters out what they show as applied.
    private func withRetries(_ body: (PGConnection) throws -> Void) throws {
        var delay = 0.25
        while true {
            do {
                if connection == nil || connection?.isAlive == false { try connect() }
                try body(connection!)
                return
            } catch let error as PostgresError where Self.isTransient(error) {
                connection = nil
                notice("cdcctl: the target is unavailable (\(error.message)); retrying in \(delay) s")
                guard !stop.sleep(delay) else { throw ApplyStopped() }
                delay = min(delay * 2, 5)
            }
        }
    }

    /// Connection lost, server shutting down or starting, too many connections, serialization
    /// failures: worth retrying.
    static func isTransient(_ error: PostgresError) -> Bool {
        guard let state = error.sqlState else { return error.message.hasPrefix("cannot connect") }
        return state.hasPrefix("08") || state.hasPrefix("57P") || state == "40001" || state == "40P01" || state == "53300"
    }

    private func applyChanges(_ records: ArraySlice<ApplyRecord>, on c: PGConnection) throws {
        var plans: [TableName: ApplyTablePlan] = [:]
        var planOrder: [TableName] = []
        func flush() throws {
            for name in planOrder { try write(plans[name]!, on: c) }
            plans.removeAll(keepingCapacity: true)
            planOrder.removeAll(keepingCapacity: true)
        }
        for i in records.indices {
            let change = records[i].change
            if change.kind == .delete && !options.deletes { continue }
            if change.kind == .truncate && !options.truncates { continue }
            guard let name = try target(of: change, index: i) else { continue }
            if change.kind == .truncate {
                try flush()
                guard try table(name, for: nil, index: i, on: c) != nil else { continue }
                try c.execute("TRUNCATE \(name.sqlIdentifier)", context: "cannot truncate \(name)")
                continue
            }
            guard let table = try table(name, for: change, index: i, on: c) else { continue }
            if plans[name] == nil || plans[name]!.table.columns.count != table.columns.count {
                if plans[name] != nil { try flush() }
                plans[name] = ApplyTablePlan(table: table)
                planOrder.append(name)
            }
            try plans[name]!.add(change, index: i)
        }
        try flush()
    }

    /// The target table of a change; nil for a tombstone of a topic whose table is not known yet.
    private func target(of change: ApplyChange, index: Int) throws -> TableName? {
        var source = change.sourceTable
        if source == nil, let topic = change.topic, let known = topicTables[topic], templateNamesTable { source = known }
        // The name depends on the source table and topic alone: rendered once for each pair.
        let key = TargetKey(source: source, topic: change.topic)
        if let name = targetNames[key] { return name }
        guard let name = try render(source: source, topic: change.topic, kind: change.kind, index: index) else { return nil }
        targetNames[key] = name
        return name
    }

    private struct TargetKey: Hashable {
        let source: TableName?
        let topic: String?
    }

    /// Whether `--table-template` uses `{schema}` or `{table}` (the default does).
    private var templateNamesTable: Bool {
        options.tableTemplate.map { $0.contains("{table}") || $0.contains("{schema}") } ?? true
    }

    /// The target table that `--table-template` (or the default) names for `source` and `topic`.
    private func render(source: TableName?, topic: String?, kind: ApplyChange.Kind, index: Int) throws -> TableName? {
        let change = (sourceTable: source, topic: topic, kind: kind)
        let template = options.tableTemplate ?? (change.sourceTable != nil ? "{schema}.{table}" : "{topic}")
        var text = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            text += rest[..<open]
            let placeholder = rest[rest.index(after: open)..<close]
            switch placeholder {
            case "schema", "table":
                guard let source = change.sourceTable else {
                    if change.kind == .delete && change.topic != nil { return nil }   // a tombstone before any event of its topic
                    throw RecordProblem(index: index, message: "the record names no table for {\(placeholder)} (set --table-template)")
                }
                text += SQLQuote.identifier(placeholder == "schema" ? source.schema : source.table)
            case "topic":
                guard let topic = change.topic else {
                    throw RecordProblem(index: index, message: "standard input has no topic for {topic}: set --table-template, or use events that name their table")
                }
                text += SQLQuote.identifier(String(topic.map { $0 == "." ? "_" : $0 }))
            default:
                throw RecordProblem(index: index, message: "--table-template: unknown placeholder {\(placeholder)}")
            }
            rest = rest[rest.index(after: close)...]
        }
        text += rest
        guard let name = TableName(parsing: text) else {
            throw RecordProblem(index: index, message: "--table-template gives \(text), which is not a table name")
        }
        if let topic = change.topic, let source = change.sourceTable { topicTables[topic] = source }
        return name
    }

    /// The target table `name`, created or evolved for `change` when the options say so.
    private func table(_ name: TableName, for change: ApplyChange?, index: Int, on c: PGConnection) throws -> TargetTable? {
        var table = tables[name]
        if table == nil {
            table = try TargetTable.load(name, on: c, keyOverride: options.primaryKey)
            if table == nil {
                guard let change, change.kind == .upsert, options.createTables else {
                    if change == nil || change?.kind == .delete { return nil }   // nothing to truncate or delete
                    throw RecordProblem(index: index, message: ApplyTableMissing(table: name).description)
                }
                do {
                    try TableEvolution.create(name, from: change, key: options.primaryKey, on: c)
                } catch let error as ApplyCreateNoKey {
                    throw RecordProblem(index: index, message: error.description)
                }
                table = try TargetTable.load(name, on: c, keyOverride: options.primaryKey)
            }
            tables[name] = table
        }
        if let change, change.kind == .upsert, options.evolve || options.createTables {
            let missing = change.row.filter { table!.index[$0.0] == nil }
            if !missing.isEmpty, options.evolve {
                try TableEvolution.addColumns(missing, types: change.columnTypes, to: name, on: c)
                table = try TargetTable.load(name, on: c, keyOverride: options.primaryKey)
                tables[name] = table
                stages[name] = nil
            }
        }
        if table!.key.isEmpty && options.insertMode != .insert {
            throw RecordProblem(index: index, message: ApplyTableNoKey(table: name).description)
        }
        return table
    }

    // MARK: stage tables

    private var stagesTentative: Set<TableName> = []

    private func stagesCommitted() { stagesTentative.removeAll() }

    private func stagesRolledBack() {
        for name in stagesTentative { stages[name] = nil }
        stagesTentative.removeAll()
        tables = [:]
    }

    private func stage(for table: TargetTable, on c: PGConnection) throws -> String {
        if let known = stages[table.name], known.columns == table.columns.count { return known.name }
        stageCounter += 1
        let name = "cdcctl_stage_\(stageCounter)"
        let columns = table.columns.map { SQLQuote.identifier($0.name) }.joined(separator: ", ")
        try c.execute("""
            CREATE TEMP TABLE \(name) AS SELECT \(columns) FROM \(table.name.sqlIdentifier) WITH NO DATA;
            ALTER TABLE \(name) ADD COLUMN "__cdcctl_op" "char", ADD COLUMN "__cdcctl_grp" integer
            """, context: "cannot create a stage table for \(table.name)")
        stages[table.name] = (name, table.columns.count)
        stagesTentative.insert(table.name)
        return name
    }

    /// Writes one table's collapsed rows: COPY into its stage, delete, then insert/update per group.
    private func write(_ plan: ApplyTablePlan, on c: PGConnection) throws {
        guard !plan.isEmpty else { return }
        let table = plan.table
        let stage = try stage(for: table, on: c)
        let (data, groups, hasDeletes) = plan.copyText()
        try c.copyIn("COPY \(stage) FROM STDIN", data: data, context: "cannot write rows for \(table.name)")
        let target = table.name.sqlIdentifier
        let keyMatch = table.key.map { "t.\(SQLQuote.identifier($0)) = s.\(SQLQuote.identifier($0))" }.joined(separator: " AND ")
        if hasDeletes {
            let delete = "DELETE FROM \(target) t USING \(stage) s WHERE s.\"__cdcctl_op\" <> 'u' AND \(keyMatch)"
            // The stage has no statistics, so the planner hashes the whole target; the primary
            // key's index finds the few rows directly (bench/apply: 100 ms → 10 ms a batch).
            // A --primary-key may have no index: then the planner chooses.
            let sql = options.primaryKey == nil
                ? "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; \(delete); RESET enable_hashjoin; RESET enable_mergejoin"
                : delete
            try c.execute(sql, context: "cannot delete rows of \(table.name)")
        }
        for (g, columnIndices) in groups.enumerated() {
            let names = columnIndices.map { SQLQuote.identifier(table.columns[$0].name) }
            let list = names.joined(separator: ", ")
            let keySet = Set(table.key)
            let nonKey = columnIndices.filter { !keySet.contains(table.columns[$0].name) }.map { SQLQuote.identifier(table.columns[$0].name) }
            let sql: String
            switch options.insertMode {
            case .insert:
                sql = "INSERT INTO \(target) (\(list)) SELECT \(list) FROM \(stage) WHERE \"__cdcctl_grp\" = \(g)"
            case .upsert:
                let conflict = table.key.map(SQLQuote.identifier).joined(separator: ", ")
                let action = nonKey.isEmpty ? "DO NOTHING" : "DO UPDATE SET " + nonKey.map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", ")
                sql = "INSERT INTO \(target) (\(list)) SELECT \(list) FROM \(stage) WHERE \"__cdcctl_grp\" = \(g) ON CONFLICT (\(conflict)) \(action)"
            case .update:
                guard !nonKey.isEmpty else { continue }
                sql = "UPDATE \(target) t SET " + nonKey.map { "\($0) = s.\($0)" }.joined(separator: ", ")
                    + " FROM \(stage) s WHERE s.\"__cdcctl_grp\" = \(g) AND \(keyMatch)"
            }
            try c.execute(sql, context: "cannot write rows of \(table.name)")
        }
        try c.execute("TRUNCATE \(stage)", context: "cannot empty the stage table of \(table.name)")
    }
}

/// `apply` was asked to stop while waiting for the target.
public struct ApplyStopped: Error {}

/// A record that can never apply, and `--errors stop`.
public struct ApplyRecordFailure: Error, CustomStringConvertible, Sendable {
    public let position: ApplyPosition
    public let message: String
    public var description: String { "cannot apply \(position.description): \(message)" }
}

/// Another process advanced a position this run was about to advance.
public struct ApplyPositionConflict: Error, CustomStringConvertible, Sendable {
    public let topic: String
    public let partition: Int32
    public var description: String {
        topic.hasPrefix("-") ? "another apply moved the position of standard input in cdcctl_apply_offsets"
            : "another apply moved the position of topic \(topic) [\(partition)] in cdcctl_apply_offsets"
    }
}

/// The target table does not exist and `--create-tables` is off.
public struct ApplyTableMissing: Error, CustomStringConvertible, Sendable {
    public let table: TableName
    public var description: String { "table \(table) does not exist in the target (create it, or pass --create-tables)" }
}

/// Upsert, update and delete need a key.
public struct ApplyTableNoKey: Error, CustomStringConvertible, Sendable {
    public let table: TableName
    public var description: String { "table \(table) has no primary key: give --primary-key (or use --insert-mode insert)" }
}
