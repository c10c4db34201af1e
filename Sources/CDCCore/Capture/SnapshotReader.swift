import Glibc

/// What to snapshot and how to name it.
public struct SnapshotOptions: Sendable {
    /// The tables, in the order their events are emitted.
    public var tables: [TableName]
    /// The logical server name (Debezium's `topic.prefix`), reported as `source.name`.
    public var prefix: String
    /// An exported snapshot (`pg_export_snapshot()` or a slot's) to read inside, for handoff.
    public var exportedSnapshot: String?
    /// The LSN the snapshot corresponds to when known (a slot's consistent point).
    public var lsn: LSN?
    /// How many connections read each table, in as many ranges (1: one COPY per table).
    public var parallel: Int
    /// Which tables (besides `tables`), columns and rows, and how their events look.
    public var shaping = ShapingSettings()
    /// What a stream's publication publishes of each table: its column list and row filter,
    /// which the snapshot follows (so it reads what the stream streams).
    var published: [TableName: PublishedTable] = [:]
    /// How values of types with handling modes are represented (`--decimal`, `--interval`, `--hstore`).
    public var typeModes = TypeModes()

    /// Creates options.
    public init(tables: [TableName], prefix: String, exportedSnapshot: String? = nil, lsn: LSN? = nil, parallel: Int = 1) {
        self.tables = tables
        self.prefix = prefix
        self.exportedSnapshot = exportedSnapshot
        self.lsn = lsn
        self.parallel = parallel
    }
}

/// What a snapshot did.
public struct SnapshotSummary: Sendable {
    /// Rows read per table, in table order.
    public let rows: [(table: TableName, count: Int64)]
}

/// Reads tables in one REPEATABLE READ transaction with `COPY … TO STDOUT` and emits them as
/// `op: "r"` events. Rows stream through: memory does not grow with the tables.
///
/// With `options.parallel` N > 1 (and `conninfo` to open more connections), each table large
/// enough is read as N ranges on N connections sharing the transaction's snapshot (the exported
/// one, or one this transaction exports), its events still in range order (`SnapshotRanges`).
public struct SnapshotReader {
    private let connection: PGConnection
    private let options: SnapshotOptions
    private let conninfo: String?
    private var progress: ProgressReporter

    /// Creates a reader on `connection` (which it uses exclusively while running); `conninfo`
    /// opens the further connections of a parallel snapshot.
    public init(connection: PGConnection, options: SnapshotOptions, progress: ProgressReporter = ProgressReporter(enabled: false),
                conninfo: String? = nil) {
        self.connection = connection
        self.options = options
        self.conninfo = conninfo
        self.progress = progress
    }

    /// Runs the snapshot, writing NDJSON events to `output`.
    public mutating func run<O: EventOutput>(into output: inout O, outbox: OutboxSettings? = nil) throws -> SnapshotSummary {
        var sink = NDJSONSink(output: output, envelope: options.shaping.envelope)
        sink.outbox = try outbox.map { OutboxLineRenderer(router: try OutboxRouter(settings: $0)) }
        defer { output = sink.output }
        return try run(into: &sink)
    }

    /// Runs the snapshot to stdout as NDJSON. The concrete entry points let the compiler
    /// specialize the whole event path inside this module (a generic call from the CLI would
    /// run it unspecialized: bench/snapshot went from 1.12 to 0.93 of psql \copy).
    public mutating func runToStandardOutput(outbox: OutboxSettings? = nil) throws -> SnapshotSummary {
        var sink = NDJSONSink(output: FileDescriptorOutput(), envelope: options.shaping.envelope)
        sink.outbox = try outbox.map { OutboxLineRenderer(router: try OutboxRouter(settings: $0)) }
        return try run(into: &sink)
    }

    /// Runs the snapshot into Kafka.
    public mutating func run(kafka: KafkaEventSink) throws -> SnapshotSummary {
        var sink = kafka
        return try run(into: &sink)
    }

    /// Runs the snapshot, handing events to `sink` and waiting until it has delivered them all.
    /// Every table is checked before the first event, so a bad table name writes nothing.
    public mutating func run(into sink: inout some ChangeEventSink) throws -> SnapshotSummary {
        try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", context: "cannot start the snapshot transaction")
        do {
            return try readTables(into: &sink)
        } catch {
            // Leave the connection usable (and out of the old snapshot) for whoever runs next.
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    private mutating func readTables(into sink: inout some ChangeEventSink) throws -> SnapshotSummary {
        if let id = options.exportedSnapshot {
            try connection.execute("SET TRANSACTION SNAPSHOT \(SQLQuote.literal(id))", context: "cannot use exported snapshot \(id)")
        }
        // The first query fixes the snapshot; its time, WAL position and transaction id describe
        // every event (Debezium reports txid_current() of its snapshot transaction as txId).
        let start = try connection.query("""
            SELECT (extract(epoch FROM now()) * 1000000)::int8,
                   CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END,
                   CASE WHEN pg_is_in_recovery() THEN NULL ELSE txid_current() END
            """, context: "cannot read the snapshot position")
        let startMicros = Int64(start.string(0, 0)) ?? 0
        let lsn = options.lsn ?? start.value(0, 1).flatMap { LSN($0) }
        let txId = start.value(0, 2).flatMap { Int64($0) }
        // The snapshot the other connections of a parallel read join.
        var shared: (conninfo: String, snapshot: String)?
        if options.parallel > 1, let conninfo {
            let id = try options.exportedSnapshot
                ?? connection.query("SELECT pg_export_snapshot()", context: "cannot export the snapshot for a parallel read").string(0, 0)
            shared = (conninfo, id)
        }
        let types = TypeResolver(connection: connection, modes: options.typeModes)
        // Patterns, exclusions; a table named twice is read once.
        let tables = try TableSelection.resolve(literal: options.tables, include: options.shaping.include, exclude: options.shaping.exclude,
                                                connection: connection)
        let shaper = TableShaper(settings: options.shaping)
        var plans: [TablePlan] = []
        var captured: [TableShaper.CapturedTable] = []
        for name in tables {
            let schema = try TableSchema.load(name, connection: connection, types: types)
            // A publication's column list: the snapshot reads what the stream sends.
            let published = options.published[name]
            let columns = published?.columns.map { list in schema.columns.filter { list.contains($0.name) } } ?? schema.columns
            let unpublished = Set(schema.columns.map(\.name)).subtracting(columns.map(\.name))
            captured.append(.init(name: name, columns: columns, unpublished: unpublished, publication: published?.publication))
            let (table, selected) = shaper.snapshotTable(prefix: options.prefix, database: connection.database, name: name, columns: columns)
            let filter = published?.rowFilter ?? shaper.rowFilter(name)?.predicate
            plans.append(TablePlan(schema: schema, table: table, columns: selected.map { columns[$0] }, filter: filter))
        }
        try shaper.validate(captured)
        // Privileges are only checked when a table is read; check them all before the first
        // event so a refused table (or a row filter PostgreSQL refuses) never leaves a partial
        // snapshot on stdout.
        for plan in plans {
            try connection.execute(plan.query(range: nil) + " LIMIT 0", context: "cannot read table \(plan.schema.name)")
        }

        // Debezium's snapshot sequence: no last commit, the snapshot's position.
        var emitter = SnapshotEmitter(position: SourcePosition(commitMicros: startMicros, sequence: lsn.map { (nil, $0) }, txId: txId, lsn: lsn))
        var counts: [(table: TableName, count: Int64)] = []
        for plan in plans {
            let schema = plan.schema
            var count: Int64 = 0
            progress.begin("snapshot \(schema.name)", expected: schema.estimatedRows)
            emitter.beginTable(plan.table)
            func emit(_ line: UnsafeRawBufferPointer) throws {
                try emitter.row(copyLine: line, into: &sink)
                count += 1
                progress.row()
                while sink.isBackedUp { _ = try sink.durable(wait: 0.1) }
            }
            let ranges = try shared == nil || schema.isPartitioned ? [] : SnapshotRanges.conditions(blocks: blocks(of: schema), count: options.parallel)
            if let shared, !ranges.isEmpty {
                // Range 1 on this connection, the others read ahead on their own.
                let channels = ranges.dropFirst().map {
                    SnapshotRanges.start(conninfo: shared.conninfo, snapshot: shared.snapshot, sql: "COPY (\(plan.query(range: $0))) TO STDOUT",
                                         table: "\(schema.name)")
                }
                defer { channels.forEach { $0.cancel() } }
                let writing = SnapshotRangeCursor()
                progress.detail = Self.rangeDetail(channels, writing: writing)
                try connection.copyOut("COPY (\(plan.query(range: ranges[0]))) TO STDOUT", context: "cannot read table \(schema.name)", row: emit)
                try Self.handOver(channels, writing: writing, emit: emit)
            } else {
                try connection.copyOut("COPY (\(plan.query(range: nil))) TO STDOUT", context: "cannot read table \(schema.name)", row: emit)
            }
            progress.end()
            progress.detail = nil
            counts.append((schema.name, count))
        }
        try emitter.finish(into: &sink)
        try sink.endTransaction(at: nil)
        try sink.drain(timeout: nil)
        try connection.execute("COMMIT", context: "cannot finish the snapshot transaction")
        return SnapshotSummary(rows: counts)
    }

    /// The progress line's ranges: the one being written and how far the later ones read ahead.
    private static func rangeDetail(_ channels: [SnapshotRangeChannel], writing: SnapshotRangeCursor) -> () -> String {
        {
            let current = writing.range
            let ahead = channels.enumerated().filter { $0.offset + 2 > current }.map { "\($0.offset + 2): \($0.element.rowsRead) rows" }
            return ", range \(current) of \(channels.count + 1)" + (ahead.isEmpty ? "" : " (read ahead: " + ahead.joined(separator: ", ") + ")")
        }
    }

    /// Hands the rows of `channels` (ranges 2…) to `emit`, range after range, line by line.
    private static func handOver(_ channels: [SnapshotRangeChannel], writing: SnapshotRangeCursor, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        for (index, channel) in channels.enumerated() {
            writing.range = index + 2
            while let chunk = try channel.next() {
                try chunk.withUnsafeBytes { bytes in
                    guard let base = bytes.baseAddress else { return }
                    var offset = 0
                    while offset < bytes.count {
                        // COPY text escapes newlines inside values: a raw one ends a line.
                        let newline = memchr(base + offset, 0x0A, bytes.count - offset).map { UnsafeRawPointer($0) - base } ?? bytes.count - 1
                        try emit(UnsafeRawBufferPointer(rebasing: bytes[offset...newline]))
                        offset = newline + 1
                    }
                }
            }
        }
    }

    /// The table's size in pages, which its ranges divide.
    private func blocks(of schema: TableSchema) throws -> Int64 {
        let result = try connection.query("SELECT pg_relation_size($1::oid) / current_setting('block_size')::int8", ["\(schema.oid)"],
                                          context: "cannot read the size of table \(schema.name)")
        return Int64(result.string(0, 0)) ?? 0
    }

    /// `COPY (SELECT …) TO STDOUT`, casting the columns whose text form depends on locale.
    static func copyStatement(_ schema: TableSchema) -> String {
        "COPY (\(selectStatement(schema))) TO STDOUT"
    }

    static func selectStatement(_ schema: TableSchema, columns: [Column]? = nil) -> String {
        let list = (columns ?? schema.columns).map { column -> String in
            let name = TableName.quote(column.name)
            return column.type.selectCast.map { "\(name)::\($0)" } ?? name
        }
        // ONLY keeps inheritance children out (they are captured as tables of their own); a
        // partitioned table has no rows of its own, so it is read with its partitions.
        let only = schema.isPartitioned ? "" : "ONLY "
        return "SELECT \(list.joined(separator: ", ")) FROM \(only)\(schema.name.sqlIdentifier)"
    }
}

/// One table of a snapshot: its catalog description, its shaped event table, the columns read
/// (the shaped ones, in table order) and the rows (a row filter: `--where`, or the publication's).
struct TablePlan {
    let schema: TableSchema
    let table: EventTable
    let columns: [Column]
    /// An SQL predicate, or nil for every row.
    let filter: String?

    /// The SELECT of this table's rows, within `range` (a `SnapshotRanges` condition) if given.
    func query(range: String?) -> String {
        let conditions = [filter.map { "(\($0))" }, range].compactMap { $0 }
        let select = SnapshotReader.selectStatement(schema, columns: columns)
        return conditions.isEmpty ? select : select + " WHERE " + conditions.joined(separator: " AND ")
    }
}

/// What a publication publishes of one table (PostgreSQL 15: a column list, a row filter).
struct PublishedTable: Sendable {
    /// The publication.
    let publication: String
    /// The columns published, nil for every column.
    var columns: [String]?
    /// The row filter as the server prints it, nil for every row.
    var rowFilter: String?
}
