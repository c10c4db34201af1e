/// When `cdcctl stream` takes an initial snapshot.
public enum SnapshotMode: String, CaseIterable, Sendable {
    /// Snapshot the tables when the slot is new, then stream.
    case initial
    /// Never snapshot; stream from the slot's position.
    case never
    /// Create the slot, snapshot the tables at its consistent point, and stop.
    case initialOnly = "initial-only"
}

/// What `cdcctl stream` replicates and how.
public struct StreamOptions: Sendable {
    /// The logical replication slot (created when absent and `createSlot`).
    public var slot: String
    /// The publication (created when absent from `tables` or `allTables`).
    public var publication: String
    /// Tables for a new publication and for the initial snapshot.
    public var tables: [TableName]
    /// Create a new publication `FOR ALL TABLES`.
    public var allTables: Bool
    /// Create the slot when it does not exist.
    public var createSlot: Bool
    /// Drop the slot when the stream stops.
    public var dropSlotOnExit: Bool
    /// The snapshot mode; nil means `initial` (which only snapshots for a new slot).
    public var snapshot: SnapshotMode?
    /// Stop once the stream reaches this position (pg_recvlogical's `--endpos`).
    public var endpos: LSN?
    /// Ask the server for its WAL position this often while idle, so the slot keeps advancing.
    public var heartbeatInterval: Double?
    /// Report the acknowledged position at least this often (seconds).
    public var statusInterval: Double
    /// The logical server name, reported as `source.name`.
    public var prefix: String
    /// Count events, positions and latency here (`--metrics-listen`, the status line); nil: no counting.
    public var metrics: StreamMetrics? = nil
    /// Warn on stderr when the slot retains more WAL than this (`--max-retained-wal`).
    public var maxRetainedWAL: ByteSize? = nil
    /// Draw a status line on stderr (position, lag, rate): only when stderr is a terminal.
    public var statusLine = false
    /// Seconds between readings of the slot's state on the catalog connection (lag, retained
    /// WAL, a lost slot).
    public var slotWatchInterval: Double = 5
    /// Connections (and ranges) per table of the initial snapshot (`SnapshotOptions.parallel`).
    public var parallel: Int = 1
    /// Incremental snapshots on request: chunk size, signal table.
    public var incremental = IncrementalSnapshotSettings()
    /// Which tables (`-t` patterns, exclusions), columns, rows and operations, and how their
    /// events look; `tables` are literal ones besides.
    public var shaping = ShapingSettings()
    /// How values of types with handling modes are represented (`--decimal`, `--interval`, `--hstore`).
    public var typeModes = TypeModes()

    /// Creates options with cdcctl's defaults.
    public init(slot: String, publication: String, tables: [TableName] = [], allTables: Bool = false, createSlot: Bool = true,
                dropSlotOnExit: Bool = false, snapshot: SnapshotMode? = nil, endpos: LSN? = nil, heartbeatInterval: Double? = nil,
                statusInterval: Double = 5, prefix: String = "cdcctl", parallel: Int = 1) {
        self.slot = slot
        self.publication = publication
        self.tables = tables
        self.allTables = allTables
        self.createSlot = createSlot
        self.dropSlotOnExit = dropSlotOnExit
        self.snapshot = snapshot
        self.endpos = endpos
        self.heartbeatInterval = heartbeatInterval
        self.statusInterval = statusInterval
        self.prefix = prefix
        self.parallel = parallel
    }
}
