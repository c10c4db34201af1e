/// A primary key as its columns' text (COPY's text, unescaped, equals pgoutput's text: both are
/// the type's output function under the session settings `PGConnection` pins), in key order.
struct ChunkKey: Hashable {
    var columns: [[UInt8]]

    /// The columns as strings (for the state table and the next chunk's condition).
    var texts: [String] { columns.map { String(decoding: $0, as: UTF8.self) } }

    /// The key of a COPY text line whose fields are the table's columns; `keyIndices` in key order.
    init(copyLine line: UnsafeRawBufferPointer, keyIndices: [Int], scratch: inout ByteWriter) throws {
        var fields = [[UInt8]](repeating: [], count: keyIndices.count)
        try CopyTextRow.forEachField(in: line, unescaped: &scratch) { index, bytes in
            if let slot = keyIndices.firstIndex(of: index), let bytes { fields[slot] = Array(bytes) }
        }
        columns = fields
    }

    /// The key in `tuple` (a pgoutput row image of a table whose key columns are at `keyIndices`),
    /// nil when a key column was not sent (an unchanged TOASTed value) or is not text.
    init?(tuple: TupleData, keyIndices: [Int]) {
        var fields: [[UInt8]] = []
        fields.reserveCapacity(keyIndices.count)
        for i in keyIndices {
            guard i < tuple.count, tuple.kind(at: i) == .text, let bytes = tuple.withValue(at: i, { Array($0) }) else { return nil }
            fields.append(bytes)
        }
        columns = fields
    }

    init(texts: [String]) {
        columns = texts.map { Array($0.utf8) }
    }
}

/// One chunk of an incremental snapshot between its watermarks (DBLog): the rows read, by key,
/// and which of them streamed changes made stale.
///
/// The chunk is read in one REPEATABLE READ snapshot S, after the low watermark L was written and
/// before the high watermark H. A streamed transaction that S does not see, and that the stream
/// delivers before H, changed the table after S: its keys leave the chunk, so the row that comes
/// out last for such a key is the change, never the older chunk row. Those transactions are the
/// ones after L in the stream (DBLog's window), plus the ones before L that S still counted as in
/// progress (their commit record was written, but they had not yet left the proc array when S
/// was taken: `inProgress`, S's `pg_snapshot_xip`). Every other transaction before H is
/// visible in S, so the chunk row already holds its effect.
struct WatermarkWindow {
    /// The unique id both watermarks carry.
    let id: String
    let table: TableName
    /// The key column names, in key order.
    let keyColumns: [String]
    /// The transactions (32-bit xids) in progress in the chunk's snapshot, and its xmax (the
    /// first xid it treats as not yet started).
    let inProgress: Set<UInt32>
    let xmax: UInt32
    /// When the chunk was read (µs since the epoch), reported as the events' `ts_ms` in `source`.
    let readMicros: Int64
    /// Whether the low watermark has come through the stream.
    private(set) var lowSeen = false
    /// The rows in key order, whether each is still current, and the current ones by key.
    private var lines: [[UInt8]] = []
    private var live: [Bool] = []
    private var index: [ChunkKey: Int] = [:]
    /// Rows dropped because a change in the window touched their key.
    private(set) var removed = 0

    init(id: String, table: TableName, keyColumns: [String], inProgress: Set<UInt32>, xmax: UInt32, readMicros: Int64) {
        self.id = id
        self.table = table
        self.keyColumns = keyColumns
        self.inProgress = inProgress
        self.xmax = xmax
        self.readMicros = readMicros
    }

    /// Rows read into the chunk.
    var count: Int { lines.count }

    /// Adds a row read by the chunk query (a COPY line without its newline) under `key`.
    mutating func add(line: UnsafeRawBufferPointer, key: ChunkKey) {
        index[key] = lines.count
        lines.append(Array(line))
        live.append(true)
    }

    mutating func lowWatermarkArrived() { lowSeen = true }

    /// Whether the chunk's snapshot sees the (committed) transaction `xid`; 32-bit xids compare
    /// modulo 2^32, as PostgreSQL's do.
    func sees(_ xid: UInt32) -> Bool {
        Int32(bitPattern: xid &- xmax) < 0 && !inProgress.contains(xid)
    }

    /// Whether the changes of the transaction `xid` remove their keys from the chunk.
    func removesChanges(ofTransaction xid: UInt32) -> Bool {
        lowSeen || !sees(xid)
    }

    /// A change in the window touched `key`: the chunk's row for it is stale.
    mutating func remove(_ key: ChunkKey) {
        guard let i = index.removeValue(forKey: key), live[i] else { return }
        live[i] = false
        removed += 1
    }

    /// The table was truncated in the window: every row is stale.
    mutating func removeAll() {
        for i in live.indices where live[i] {
            live[i] = false
            removed += 1
        }
        index.removeAll()
    }

    /// The rows still current at the high watermark, in key order.
    func forEachRemaining(_ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        for i in lines.indices where live[i] {
            try lines[i].withUnsafeBytes { try body($0) }
        }
    }
}
