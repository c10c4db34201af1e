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

    /// Creates options.
    public init(tables: [TableName], prefix: String, exportedSnapshot: String? = nil, lsn: LSN? = nil) {
        self.tables = tables
        self.prefix = prefix
        self.exportedSnapshot = exportedSnapshot
        self.lsn = lsn
    }
}

/// What a snapshot did.
public struct SnapshotSummary: Sendable {
    /// Rows read per table, in table order.
    public let rows: [(table: TableName, count: Int64)]
}

/// Reads tables in one REPEATABLE READ transaction with `COPY … TO STDOUT` and emits them as
/// `op: "r"` events. Rows stream through: memory does not grow with the tables.
public struct SnapshotReader {
    private let connection: PGConnection
    private let options: SnapshotOptions
    private var progress: ProgressReporter

    /// Creates a reader on `connection` (which it uses exclusively while running).
    public init(connection: PGConnection, options: SnapshotOptions, progress: ProgressReporter = ProgressReporter(enabled: false)) {
        self.connection = connection
        self.options = options
        self.progress = progress
    }

    /// Runs the snapshot, writing NDJSON events to `output`.
    public mutating func run<O: EventOutput>(into output: inout O) throws -> SnapshotSummary {
        var sink = NDJSONSink(output: output)
        defer { output = sink.output }
        return try run(into: &sink)
    }

    /// Runs the snapshot to stdout as NDJSON. The concrete entry points let the compiler
    /// specialize the whole event path inside this module (a generic call from the CLI would
    /// run it unspecialized: bench/snapshot went from 1.12 to 0.93 of psql \copy).
    public mutating func runToStandardOutput() throws -> SnapshotSummary {
        var sink = NDJSONSink(output: FileDescriptorOutput())
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
            try connection.execute("SET TRANSACTION SNAPSHOT '\(id.replacingAll("'", with: "''"))'", context: "cannot use exported snapshot \(id)")
        }
        // The first query fixes the snapshot; its time and WAL position describe every event.
        let start = try connection.query("""
            SELECT (extract(epoch FROM now()) * 1000000)::int8, CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END
            """, context: "cannot read the snapshot position")
        let startMicros = Int64(start.string(0, 0)) ?? 0
        let lsn = options.lsn ?? start.value(0, 1).flatMap { LSN($0) }
        let types = TypeResolver(connection: connection)
        var seen = Set<TableName>()
        let tables = options.tables.filter { seen.insert($0).inserted } // a table named twice is read once
        let schemas = try tables.map { try TableSchema.load($0, connection: connection, types: types) }
        // Privileges are only checked when a table is read; check them all before the first
        // event so a refused table never leaves a partial snapshot on stdout.
        for schema in schemas {
            try connection.execute(Self.selectStatement(schema) + " LIMIT 0", context: "cannot read table \(schema.name)")
        }

        var emitter = SnapshotEmitter(position: SourcePosition(commitMicros: startMicros, lsn: lsn))
        var counts: [(table: TableName, count: Int64)] = []
        for schema in schemas {
            var count: Int64 = 0
            progress.begin("snapshot \(schema.name)", expected: schema.estimatedRows)
            emitter.beginTable(EventTable(prefix: options.prefix, database: connection.database, name: schema.name, columns: schema.columns))
            try connection.copyOut(Self.copyStatement(schema), context: "cannot read table \(schema.name)") { line in
                try emitter.row(copyLine: line, into: &sink)
                count += 1
                progress.row()
                while sink.isBackedUp { _ = try sink.durable(wait: 0.1) }
            }
            progress.end()
            counts.append((schema.name, count))
        }
        try emitter.finish(into: &sink)
        try sink.endTransaction(at: nil)
        try sink.drain(timeout: nil)
        try connection.execute("COMMIT", context: "cannot finish the snapshot transaction")
        return SnapshotSummary(rows: counts)
    }

    /// `COPY (SELECT …) TO STDOUT`, casting the columns whose text form depends on locale.
    static func copyStatement(_ schema: TableSchema) -> String {
        "COPY (\(selectStatement(schema))) TO STDOUT"
    }

    static func selectStatement(_ schema: TableSchema) -> String {
        let list = schema.columns.map { column -> String in
            let name = TableName.quote(column.name)
            return column.type.selectCast.map { "\(name)::\($0)" } ?? name
        }
        return "SELECT \(list.joined(separator: ", ")) FROM ONLY \(schema.name.sqlIdentifier)"
    }
}
