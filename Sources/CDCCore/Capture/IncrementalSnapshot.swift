import Foundation

/// Why an incremental snapshot cannot be requested or run, in one line.
public struct IncrementalSnapshotError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(description: String) { self.description = description }
}

/// How a stream runs incremental snapshots.
public struct IncrementalSnapshotSettings: Sendable {
    /// Rows per chunk (a signal's `chunk-size` overrides it for its tables).
    public var chunkSize: Int
    /// A table whose inserted rows `(id, type, data)` are signals (Debezium's `signal.data.collection`).
    public var signalTable: TableName?

    /// Creates settings with cdcctl's defaults.
    public init(chunkSize: Int = 1024, signalTable: TableName? = nil) {
        self.chunkSize = chunkSize
        self.signalTable = signalTable
    }
}

/// Incremental snapshots while streaming (DBLog's watermark algorithm, as Debezium runs it):
/// tables are read in key chunks (the primary key, or a key-less table's `--key` columns:
/// `IncrementalSnapshotKey`) on the catalog connection, between transactions of the
/// stream, each chunk between a low and a high watermark written to the WAL as
/// `cdcctl.watermark` messages; when the high watermark comes through the stream, the chunk's
/// rows that no change in between touched go to the sink as `op: "r"` events with
/// `source.snapshot = "incremental"` (`WatermarkWindow` says which ones), closed at the
/// watermark's position like a standalone message, so the sink's durable position covers them.
///
/// Requests come as `SnapshotSignal`s (messages or `--signal-table` rows), which the stream
/// consumes. Progress is recorded in `IncrementalSnapshotStateTable` once a chunk's events are
/// durable (the acknowledged position passed its high watermark), so a restarted stream resumes
/// after the last durable chunk; a chunk handed over but not yet durable is read again (its
/// rows may then come twice).
///
/// `ChangeEventWriter` calls the hooks for each message (`transactionBegins`, `changed`,
/// `truncated`, `signalRow`, `control`), `ChangeStreamer`'s read loop calls `advance` between
/// transactions. Single-threaded, like the read loop.
public final class IncrementalSnapshot {
    /// The prefix of watermark messages.
    static let watermarkPrefix = "cdcctl.watermark"

    /// Whether a logical decoding message with `prefix` is cdcctl's own (consumed, never emitted).
    static func isControl(prefix: String) -> Bool {
        prefix == SnapshotSignal.messagePrefix || prefix == watermarkPrefix
    }

    private struct Task {
        var table: TableName
        var signalID: String
        var chunkSize: Int
        var maxKey: [String]?
        /// Where the next chunk starts (after the last chunk handed to the sink).
        var lastKey: [String]?
        var chunks: Int64
        var rows: Int64
        /// Rows dropped from chunks because changes in their window touched them (this run).
        var dropped: Int64 = 0
        /// The position of the last chunk handed over, not yet recorded.
        var handedOverAt: LSN?
    }

    /// A chunk handed to the sink at `lsn`, recorded once that is durable.
    private struct Handed {
        let lsn: LSN
        let table: TableName
        let signalID: String
        let lastKey: [String]?
        let chunks: Int64
        let rows: Int64
        let done: Bool
        let dropped: Int64
    }

    /// The chunk between its watermarks.
    private struct OpenChunk {
        var window: WatermarkWindow
        let eventTable: EventTable
        let lastKey: [String]?
        let done: Bool
        /// A change whose key could not be read touched the table: the chunk is read again.
        var invalid = false
    }

    private let options: StreamOptions
    /// What the publication publishes of each table (column list, row filter): chunks read the
    /// same columns and rows as the stream streams, as the initial snapshot does.
    private let published: [TableName: PublishedTable]
    /// The stream's shaping (columns, masks, keys, envelope), so chunk rows are shaped as its events.
    private let shaper: TableShaper
    private let settings: IncrementalSnapshotSettings
    private let log: (String) -> Void
    private var tasks: [Task] = []
    private var paused = false
    private var open: OpenChunk?
    private var handed: [Handed] = []
    private var signals: [SnapshotSignal] = []
    /// Whether the changes of the transaction being read remove keys from the open chunk.
    private var removing = false
    /// The last transactions read (32-bit xids), for a chunk snapshot that still saw one of them
    /// in progress.
    private var recent = [UInt32](repeating: 0, count: 64)
    private var recentCount = 0
    private var keyIndices: (table: ObjectIdentifier, indices: [Int]?)?
    private var eventTables: [TableName: EventTable] = [:]
    private var lastNotice = 0.0
    /// Chunks read again because the stream had already passed a transaction their snapshot missed.
    private var retries = 0

    init(options: StreamOptions, published: [TableName: PublishedTable] = [:], log: @escaping (String) -> Void) {
        self.options = options
        settings = options.incremental
        self.published = published
        shaper = TableShaper(settings: options.shaping)
        self.log = log
    }

    // MARK: start and restart

    /// The signal table is usable: it exists with columns `id`, `type` and `data` (before the
    /// publication may be created), and the publication covers it (`published`: after).
    static func checkSignalTable(_ setup: ReplicationSetup, published: Bool) throws {
        guard let table = setup.options.incremental.signalTable else { return }
        if published {
            _ = try setup.capturedTables([table]).tables
            return
        }
        let schema: TableSchema
        do {
            schema = try TableSchema.load(table, connection: setup.catalog, types: TypeResolver(connection: setup.catalog))
        } catch let error as PostgresError where error.sqlState == "42P01" {
            throw IncrementalSnapshotError(description: "signal table \(table) does not exist: create it as Debezium's signaling table, "
                                           + "CREATE TABLE \(table.sqlIdentifier) (id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048))")
        }
        let missing = ["id", "type", "data"].filter { name in !schema.columns.contains { $0.name == name } }
        if !missing.isEmpty {
            throw IncrementalSnapshotError(description: "signal table \(table) has no column \(missing.joined(separator: ", ")): a signal table has columns id, type and data")
        }
    }

    /// Reads the slot's unfinished snapshots from the state table, to resume after their last
    /// durable chunk. A state table this role cannot read is reported and skipped.
    func load(catalog: PGConnection) {
        do {
            for row in try IncrementalSnapshotStateTable.active(slot: options.slot, connection: catalog) {
                tasks.append(Task(table: row.table, signalID: row.signalID, chunkSize: row.chunkSize, maxKey: row.maxKey,
                                  lastKey: row.lastKey, chunks: row.chunks, rows: row.rows))
                paused = paused || row.paused
                let at = row.lastKey.map { " after chunk \(row.chunks) (key \(Self.describe($0)))" } ?? " from its first chunk"
                log("incremental snapshot of \(row.table): resuming\(at)\(row.paused ? ", paused" : "")")
            }
        } catch {
            log("cannot resume incremental snapshots: \(error)")
        }
    }

    /// The replication connection was replaced and the stream starts again from the acknowledged
    /// position: the open chunk's window is incomplete, so it is read again.
    func connectionRestarted() {
        open = nil
        removing = false
    }

    // MARK: hooks of the writer

    /// Whether `name` is the stream's signal table.
    func isSignalTable(_ name: TableName) -> Bool { settings.signalTable == name }

    /// A transaction `xid` begins.
    func transactionBegins(xid: UInt32) {
        recent[recentCount % recent.count] = xid
        recentCount += 1
        removing = open?.window.removesChanges(ofTransaction: xid) ?? false
    }

    /// A change of `table` carries the row image `tuple` (an insert's or update's new row, an
    /// update's or delete's old row or key); an update's new row whose key was not sent (an
    /// unchanged TOASTed value) has the key of its old row, `fallback`.
    func changed(_ table: EventTable, _ tuple: TupleData, orKeyOf fallback: TupleData? = nil) {
        guard removing, var chunk = open, chunk.window.table == table.name else { return }
        let indices = keyIndices(of: table, keyColumns: chunk.window.keyColumns)
        if let indices, let key = ChunkKey(tuple: tuple, keyIndices: indices) ?? fallback.flatMap({ ChunkKey(tuple: $0, keyIndices: indices) }) {
            chunk.window.remove(key)
        } else {
            chunk.invalid = true
        }
        open = chunk
    }

    /// `table` was truncated.
    func truncated(_ table: EventTable) {
        guard removing, open?.window.table == table.name else { return }
        open?.window.removeAll()
    }

    /// A row inserted into the signal table.
    func signalRow(_ table: EventTable, _ tuple: TupleData) {
        func column(_ name: String) -> String? {
            guard let c = table.columns.firstIndex(where: { $0.name == name }) else { return nil }
            let i = table.layout.tuplePosition(c)
            guard i < tuple.count else { return nil }
            return tuple.withValue(at: i) { String(decoding: $0, as: UTF8.self) }
        }
        do {
            signals.append(try SnapshotSignal(id: column("id"), type: column("type"), dataText: column("data")))
        } catch {
            log("ignoring a row of signal table \(table.name): \(error)")
        }
    }

    /// A `cdcctl.signal` or `cdcctl.watermark` message at `lsn`. Returns true when it was this
    /// stream's high watermark and the chunk's rows were handed to `sink`: the caller then closes
    /// them at `lsn`.
    func control(_ message: LogicalDecodingMessage, at lsn: LSN, into sink: inout some ChangeEventSink) throws -> Bool {
        if message.prefix == SnapshotSignal.messagePrefix {
            do {
                let signal = try SnapshotSignal(messageContent: message.content)
                if signal.slot == nil || signal.slot == options.slot { signals.append(signal) }
            } catch {
                log("ignoring a \(SnapshotSignal.messagePrefix) message at \(lsn): \(error)")
            }
            return false
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(message.content)) as? [String: Any],
              object["slot"] as? String == options.slot, let id = object["id"] as? String, var chunk = open, chunk.window.id == id
        else { return false } // another stream's, or an earlier run's
        if object["kind"] as? String == "low" {
            chunk.window.lowWatermarkArrived()
            open = chunk
            return false
        }
        open = nil
        return try emit(chunk, at: lsn, into: &sink)
    }

    // MARK: the read loop

    /// Between transactions: records the chunks that became durable (`acknowledged`), acts on
    /// the signals read, and reads the next chunk when none is open. Throws only when the
    /// catalog connection is lost (the stream reconnects); any other failure is reported and
    /// ends the snapshot of its table.
    func advance(catalog: PGConnection, acknowledged: LSN) throws {
        if let first = handed.first, first.lsn <= acknowledged { try record(acknowledged: acknowledged, catalog: catalog) }
        if !signals.isEmpty { try act(catalog: catalog) }
        if open == nil && !paused && !tasks.isEmpty {
            do {
                try readChunk(catalog: catalog)
            } catch where catalog.isAlive {
                guard let task = tasks.first else { return }
                tasks.removeFirst()
                log("incremental snapshot of \(task.table) failed: \(error)")
                try? IncrementalSnapshotStateTable.end(slot: options.slot, tables: [task.table], state: .failed, note: "\(error)", connection: catalog)
            }
        }
    }

    /// The stream stops: records what became durable.
    func finish(catalog: PGConnection, acknowledged: LSN) {
        try? record(acknowledged: acknowledged, catalog: catalog)
    }

    private func record(acknowledged: LSN, catalog: PGConnection) throws {
        while let first = handed.first, first.lsn <= acknowledged {
            do {
                try IncrementalSnapshotStateTable.progress(slot: options.slot, table: first.table, signalID: first.signalID, lastKey: first.lastKey,
                                                           chunks: first.chunks, rows: first.rows, done: first.done, connection: catalog)
            } catch where catalog.isAlive {
                log("\(error)")
            }
            handed.removeFirst()
            let now = Clock.monotonicSeconds()
            if first.done {
                log("incremental snapshot of \(first.table): done, \(first.rows) rows read in \(first.chunks) chunks"
                    + (first.dropped > 0 ? " (\(first.dropped) rows left to the stream, changed while their chunk was read)" : ""))
            } else if now - lastNotice >= 10 || first.chunks == 1 {
                lastNotice = now
                log("incremental snapshot of \(first.table): chunk \(first.chunks) durable, \(first.rows) rows read (up to key \(first.lastKey.map(Self.describe) ?? "-"))")
            }
        }
    }

    // MARK: signals

    private func act(catalog: PGConnection) throws {
        while !signals.isEmpty {
            let signal = signals.removeFirst()
            do {
                switch signal.kind {
                case .execute: try execute(signal, catalog: catalog)
                case .stop: try stop(signal.tables, catalog: catalog)
                case .pause, .resume:
                    let pause = signal.kind == .pause
                    guard pause != paused else { continue }
                    paused = pause
                    try IncrementalSnapshotStateTable.setPaused(pause, slot: options.slot, connection: catalog)
                    let tables = tasks.map(\.table.description).joined(separator: ", ")
                    log("incremental snapshots \(pause ? "paused" : "resumed")\(tables.isEmpty ? "" : " (\(tables))")")
                }
            } catch where catalog.isAlive {
                log("cannot act on the \(signal.kind.rawValue) signal \(signal.id): \(error)")
            }
        }
    }

    private func execute(_ signal: SnapshotSignal, catalog: PGConnection) throws {
        let setup = ReplicationSetup(catalog: catalog, options: options)
        var ordinal = 0
        for requested in signal.tables {
            let tables: [TableName]
            do {
                tables = try setup.capturedTables([requested]).tables
            } catch where catalog.isAlive {
                log("incremental snapshot of \(requested) refused: \(error)")
                continue
            }
            for table in tables {
                if tasks.contains(where: { $0.table == table }) {
                    if !tasks.contains(where: { $0.table == table && $0.signalID == signal.id }) {
                        log("incremental snapshot of \(table) requested again (signal \(signal.id)) while it runs: ignored")
                    }
                    continue
                }
                if let recorded = try IncrementalSnapshotStateTable.recorded(slot: options.slot, table: table, connection: catalog),
                   recorded.signalID == signal.id {
                    continue // read again after a restart: already acted on
                }
                if let problem = try keyProblem(table, catalog: catalog) ?? bookkeepingProblem(table) {
                    log("incremental snapshot of \(table) refused: \(problem)")
                    continue
                }
                let size = signal.chunkSize ?? settings.chunkSize
                try IncrementalSnapshotStateTable.request(slot: options.slot, table: table, signalID: signal.id, chunkSize: size,
                                                          ordinal: ordinal, paused: paused, connection: catalog)
                ordinal += 1
                tasks.append(Task(table: table, signalID: signal.id, chunkSize: size, maxKey: nil, lastKey: nil, chunks: 0, rows: 0))
                log("incremental snapshot of \(table) requested (signal \(signal.id), chunks of \(size) rows\(paused ? ", paused" : ""))")
            }
        }
    }

    private func bookkeepingProblem(_ table: TableName) -> String? {
        if SnapshotStateTable.isStateTable(table) || IncrementalSnapshotStateTable.isStateTable(table) || isSignalTable(table) {
            return "\(table) is cdcctl's bookkeeping"
        }
        return nil
    }

    private func stop(_ tables: [TableName], catalog: PGConnection) throws {
        let stopped = tasks.filter { tables.isEmpty || tables.contains($0.table) }
        guard !stopped.isEmpty else { return }
        tasks.removeAll { tables.isEmpty || tables.contains($0.table) }
        if let chunk = open, stopped.contains(where: { $0.table == chunk.window.table }) { open = nil }
        try IncrementalSnapshotStateTable.end(slot: options.slot, tables: stopped.map(\.table), state: .stopped, connection: catalog)
        for task in stopped { log("incremental snapshot of \(task.table) stopped after \(task.chunks) chunks") }
    }

    /// Why `table` cannot be snapshotted incrementally by this stream (nil: it can), in one
    /// line: it has no primary key and no usable `--key` (`IncrementalSnapshotKey`).
    func keyProblem(_ table: TableName, catalog: PGConnection) throws -> String? {
        let schema = try TableSchema.load(table, connection: catalog, types: TypeResolver(connection: catalog))
        do {
            _ = try IncrementalSnapshotKey(schema, requested: requestedKey(table), catalog: catalog)
            return nil
        } catch let error as IncrementalSnapshotError {
            return error.description
        }
    }

    /// Checks `table` for `snapshot --incremental`, which does not know the stream's `--key`:
    /// throws `IncrementalSnapshotError` (one line) when no stream could snapshot it, returns a
    /// notice when the stream decides (a table without a primary key that has a unique index on
    /// NOT NULL columns: chunked by the stream's `--key`, or refused on its stderr), else nil.
    public static func checkRequest(_ table: TableName, catalog: PGConnection) throws -> String? {
        let schema = try TableSchema.load(table, connection: catalog, types: TypeResolver(connection: catalog))
        guard schema.columns.primaryKeyIndices.isEmpty, try IncrementalSnapshotKey.hasUniqueNotNullColumns(schema, catalog: catalog) else {
            _ = try IncrementalSnapshotKey(schema, requested: nil, catalog: catalog)
            return nil
        }
        return "table \(table) has no primary key: the stream reads it in chunks by its --key \(table):… columns, "
            + "or, started without a usable one, refuses it with one line on its stderr"
    }

    /// The stream's `--key` columns for `table`, nil without one.
    private func requestedKey(_ table: TableName) -> [String]? {
        options.shaping.keys.first { $0.table.matches(table) }?.columns
    }

    // MARK: chunks

    /// Reads the first task's next chunk between its watermarks, or ends the task when nothing
    /// is left of its table.
    private func readChunk(catalog: PGConnection) throws {
        var task = tasks[0]
        let schema = try TableSchema.load(task.table, connection: catalog, types: TypeResolver(connection: catalog, modes: options.typeModes))
        let keys = try IncrementalSnapshotKey(schema, requested: requestedKey(task.table), catalog: catalog).indices
        if let recorded = task.maxKey, recorded.count != keys.count {
            throw IncrementalSnapshotError(description: "its key has \(keys.count) columns now, \(recorded.count) when the snapshot started (another --key?): request it again")
        }
        let (eventTable, plan) = shapedTable(for: schema, catalog: catalog)
        // The key's positions in the chunk's COPY lines, which carry the shaped columns (a key
        // column is never left out: shaping refuses that).
        let lineKeys = keys.compactMap { k in plan.columns.firstIndex { $0.name == schema.columns[k].name } }
        guard lineKeys.count == keys.count else { throw PostgresError("table \(task.table): its key is not among the columns captured") }
        if task.maxKey == nil {
            guard let maxKey = try maximumKey(schema, keys: keys, catalog: catalog) else {
                tasks.removeFirst()
                endEmpty(task)
                return
            }
            task.maxKey = maxKey
            tasks[0] = task
            try IncrementalSnapshotStateTable.start(slot: options.slot, table: task.table, signalID: task.signalID, maxKey: maxKey, connection: catalog)
            log("incremental snapshot of \(task.table): started, chunks of \(task.chunkSize) rows up to key \(Self.describe(maxKey))")
        }
        guard let maxKey = task.maxKey else { return }

        let id = "\(options.slot)/\(task.table)/\(task.chunks + 1)/\(UUID().uuidString.lowercased())"
        try writeWatermark(id: id, kind: "low", flush: false, catalog: catalog)
        var window: WatermarkWindow
        var last: ChunkKey?
        try catalog.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", context: "cannot start the chunk's transaction")
        do {
            // The first statement fixes the snapshot: which transactions it does not see.
            let seen = try catalog.query("""
                SELECT pg_snapshot_xmax(s)::text, coalesce((SELECT string_agg(x::text, ',') FROM pg_snapshot_xip(s) x), '')
                FROM pg_current_snapshot() s
                """, context: "cannot read the chunk's snapshot")
            let xmax = UInt32(truncatingIfNeeded: UInt64(seen.string(0, 0)) ?? 0)
            let inProgress = Set(seen.string(0, 1).split(separator: ",").compactMap { UInt64($0) }.map { UInt32(truncatingIfNeeded: $0) })
            window = WatermarkWindow(id: id, table: task.table, keyColumns: keys.map { schema.columns[$0].name }, inProgress: inProgress,
                                     xmax: xmax, readMicros: Clock.realtimeNanos() / 1000)
            var scratch = ByteWriter(capacity: 256)
            try catalog.copyOut(chunkStatement(plan, keys: keys, after: task.lastKey, upTo: maxKey, limit: task.chunkSize),
                                context: "cannot read a chunk of table \(task.table)") { line in
                var end = line.count
                if end > 0, line[end - 1] == 0x0A { end -= 1 }
                let row = UnsafeRawBufferPointer(rebasing: line[0..<end])
                let key = try ChunkKey(copyLine: row, keyIndices: lineKeys, scratch: &scratch)
                window.add(line: row, key: key)
                last = key
            }
            try catalog.execute("COMMIT", context: "cannot end the chunk's transaction")
        } catch {
            try? catalog.execute("ROLLBACK")
            throw error
        }
        // A transaction the stream already passed that this snapshot does not see (it had
        // written its commit but not yet left the proc array): its change is out already, so
        // this chunk could overwrite it. Read the chunk again.
        if recent.prefix(min(recentCount, recent.count)).contains(where: { !window.sees($0) }) {
            retries += 1
            return
        }
        guard let last else {
            // The rows left up to the maximum key were deleted since the last chunk.
            tasks.removeFirst()
            endEmpty(task)
            return
        }
        let done = window.count < task.chunkSize || last.texts == maxKey
        try writeWatermark(id: id, kind: "high", flush: true, catalog: catalog)
        keyIndices = nil
        open = OpenChunk(window: window, eventTable: eventTable, lastKey: last.texts, done: done)
    }

    /// Hands the chunk's remaining rows to `sink` at the high watermark `lsn` and moves its task on.
    private func emit(_ chunk: OpenChunk, at lsn: LSN, into sink: inout some ChangeEventSink) throws -> Bool {
        guard let t = tasks.firstIndex(where: { $0.table == chunk.window.table }) else { return false }
        if chunk.invalid { return false } // read again: a change's key was not in the stream
        let position = SourcePosition(commitMicros: chunk.window.readMicros, snapshot: .incremental, sequence: (nil, lsn), txId: nil, lsn: lsn)
        var any = false
        try chunk.window.forEachRemaining { line in
            try sink.change(.read, table: chunk.eventTable, before: nil, after: .copyLine(line), position: position)
            any = true
        }
        var task = tasks[t]
        task.lastKey = chunk.lastKey
        task.chunks += 1
        task.rows += Int64(chunk.window.count)
        task.dropped += Int64(chunk.window.removed)
        task.handedOverAt = lsn
        handed.append(Handed(lsn: lsn, table: task.table, signalID: task.signalID, lastKey: task.lastKey, chunks: task.chunks,
                             rows: task.rows, done: chunk.done, dropped: task.dropped))
        if chunk.done { tasks.remove(at: t) } else { tasks[t] = task }
        return any
    }

    /// The task's table has nothing left to read: done once what was handed over of it is durable.
    private func endEmpty(_ task: Task) {
        handed.append(Handed(lsn: task.handedOverAt ?? handed.last?.lsn ?? .zero, table: task.table, signalID: task.signalID,
                             lastKey: task.lastKey, chunks: task.chunks, rows: task.rows, done: true, dropped: task.dropped))
    }

    /// The largest key now (chunks stop there; rows inserted above it are streamed), nil for an empty table.
    private func maximumKey(_ schema: TableSchema, keys: [Int], catalog: PGConnection) throws -> [String]? {
        // Qualified: a bare name in ORDER BY would be the text output column.
        let names = keys.map { "t." + TableName.quote(schema.columns[$0].name) }
        let only = schema.isPartitioned ? "" : "ONLY "
        let result = try catalog.query("SELECT \(names.map { "\($0)::text" }.joined(separator: ", ")) FROM \(only)\(schema.name.sqlIdentifier) t "
                                       + "ORDER BY \(names.map { "\($0) DESC" }.joined(separator: ", ")) LIMIT 1",
                                       context: "cannot read the largest key of table \(schema.name)")
        guard result.rowCount == 1 else { return nil }
        return keys.indices.map { result.string(0, $0) }
    }

    /// `COPY (SELECT … WHERE (key) > (after) AND (key) <= (max) ORDER BY key LIMIT n) TO STDOUT`.
    func chunkStatement(_ plan: TablePlan, keys: [Int], after: [String]?, upTo max: [String], limit: Int) -> String {
        let schema = plan.schema
        let names = keys.map { TableName.quote(schema.columns[$0].name) }
        let row = "(" + names.joined(separator: ", ") + ")"
        func values(_ key: [String]) -> String {
            "(" + zip(key, keys).map { "\(SQLQuote.literal($0))::\(schema.columns[$1].typeName)" }.joined(separator: ", ") + ")"
        }
        var conditions = ["\(row) <= \(values(max))"]
        if let after { conditions.insert("\(row) > \(values(after))", at: 0) }
        if let filter = plan.filter { conditions.append("(\(filter))") }
        return "COPY (\(SnapshotReader.selectStatement(schema, columns: plan.columns)) WHERE \(conditions.joined(separator: " AND ")) "
            + "ORDER BY \(names.joined(separator: ", ")) LIMIT \(limit)) TO STDOUT"
    }

    /// Writes a watermark (`{"slot":…,"id":…,"kind":…}`). A non-transactional message is decoded
    /// at its own position, not at a commit; `flush` commits a transaction with an xid after it
    /// (synchronously), which flushes the WAL so the walsender sends it now rather than after
    /// wal_writer_delay. (pgoutput skips that transaction: it changed nothing.)
    private func writeWatermark(id: String, kind: String, flush: Bool, catalog: PGConnection) throws {
        let content = "{\"slot\":\(Self.jsonString(options.slot)),\"id\":\(Self.jsonString(id)),\"kind\":\"\(kind)\"}"
        let context = "cannot write the \(kind) watermark of an incremental snapshot chunk"
        guard flush else {
            _ = try catalog.query("SELECT pg_logical_emit_message(false, $1, $2)", [Self.watermarkPrefix, content], context: context)
            return
        }
        try catalog.execute("BEGIN; SET LOCAL synchronous_commit = on", context: context)
        do {
            _ = try catalog.query("SELECT pg_logical_emit_message(false, $1, $2), txid_current()", [Self.watermarkPrefix, content], context: context)
            try catalog.execute("COMMIT", context: context)
        } catch {
            try? catalog.execute("ROLLBACK")
            throw error
        }
    }

    /// The chunk's event table and what it reads: the columns the publication publishes, shaped
    /// as the stream shapes them, and the rows its row filter (or `--where`) keeps.
    private func shapedTable(for schema: TableSchema, catalog: PGConnection) -> (EventTable, TablePlan) {
        let published = self.published[schema.name]
        let columns = published?.columns.map { list in schema.columns.filter { list.contains($0.name) } } ?? schema.columns
        var (table, selected) = shaper.snapshotTable(prefix: options.prefix, database: catalog.database, name: schema.name, columns: columns)
        // The same instance while the shape holds, so sinks keep their per-table state.
        if let known = eventTables[schema.name], known.hasSameShape(as: table) { table = known } else { eventTables[schema.name] = table }
        let filter = published?.rowFilter ?? shaper.rowFilter(schema.name)?.predicate
        return (table, TablePlan(schema: schema, table: table, columns: selected.map { columns[$0] }, filter: filter))
    }

    /// The key columns' indices in `table` (a stream event's), nil when one is missing.
    private func keyIndices(of table: EventTable, keyColumns: [String]) -> [Int]? {
        if let cached = keyIndices, cached.table == ObjectIdentifier(table) { return cached.indices }
        // Tuple positions: a shaped table's columns are a selection of the tuple's.
        let indices = keyColumns.map { name in table.columns.firstIndex { $0.name == name }.map { table.layout.tuplePosition($0) } }
        let resolved = indices.contains(nil) ? nil : indices.compactMap { $0 }
        keyIndices = (ObjectIdentifier(table), resolved)
        return resolved
    }

    private static func describe(_ key: [String]) -> String { "(" + key.joined(separator: ", ") + ")" }

    private static func jsonString(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}
