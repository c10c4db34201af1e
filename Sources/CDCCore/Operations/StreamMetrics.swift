import Prometheus
import Synchronization

/// The metrics of one `cdcctl stream`, in Prometheus form (swift-prometheus renders the text
/// exposition). Every handle is resolved when it is created (per table: once, on its first
/// event), so counting on the event path is an atomic increment with no allocation. Written by
/// the stream's thread, read by the metrics server's tasks.
public final class StreamMetrics: Sendable {
    /// The counters of one table's events, by operation.
    final class TableCounters: Sendable {
        let name: TableName
        let create, update, delete, read, truncate: Counter

        init(name: TableName, registry: PrometheusCollectorRegistry) {
            self.name = name
            func counter(_ op: Operation) -> Counter {
                registry.makeCounter(descriptor: StreamMetrics.named("cdcctl_events_total", "Change events handed to the sink, by table and Debezium op (c, u, d, r, t)."),
                                     labels: [("table", "\(name.schema).\(name.table)"), ("op", op.rawValue)])
            }
            create = counter(.create)
            update = counter(.update)
            delete = counter(.delete)
            read = counter(.read)
            truncate = counter(.truncate)
        }

        @inline(__always) func count(_ op: Operation) {
            switch op {
            case .create: create.increment()
            case .update: update.increment()
            case .delete: delete.increment()
            case .read: read.increment()
            case .truncate: truncate.increment()
            case .message: break
            }
        }
    }

    /// The registry the metrics live in.
    public let registry = PrometheusCollectorRegistry()
    private let tables = Mutex<[TableName: TableCounters]>([:])
    private let eventCount = Atomic<Int64>(0)
    private let phaseValue = Atomic<UInt8>(StreamPhase.starting.rawValue)

    let messages: Counter
    let transactions: Counter
    let receivedLSN: Gauge
    let acknowledgedLSN: Gauge
    let serverWALLSN: Gauge
    let lagBytes: Gauge
    let retainedWALBytes: Gauge
    let queuedMessages: Gauge
    let snapshotRows: Counter
    let snapshotTables: Gauge
    let snapshotTablesDone: Gauge
    let snapshotRunning: Gauge
    let errors: Counter
    let reconnects: Counter
    let commitToAcknowledge: ValueHistogram
    let up: Gauge

    /// Latency buckets (seconds) of the commit-to-acknowledge histogram: 1 ms to 2 minutes.
    public static let latencyBuckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]

    /// Creates the metrics, all at zero.
    public init() {
        let r = registry
        let named = StreamMetrics.named
        messages = r.makeCounter(descriptor: named("cdcctl_messages_total", "Logical decoding messages (pg_logical_emit_message) handed to the sink."))
        transactions = r.makeCounter(descriptor: named("cdcctl_transactions_total", "Transactions handed to the sink (streamed, not the snapshot)."))
        receivedLSN = r.makeGauge(descriptor: named("cdcctl_received_lsn", "The last WAL position received from the server (XLogData start or keepalive WAL end), as a number."))
        acknowledgedLSN = r.makeGauge(descriptor: named("cdcctl_acknowledged_lsn", "The position whose events are durable in the sink and which is reported to the slot as flushed, as a number."))
        serverWALLSN = r.makeGauge(descriptor: named("cdcctl_server_wal_lsn", "The server's current WAL position (pg_current_wal_lsn(), polled, or a keepalive's WAL end), as a number."))
        lagBytes = r.makeGauge(descriptor: named("cdcctl_lag_bytes", "Bytes of WAL the acknowledged position is behind the server's current WAL position."))
        retainedWALBytes = r.makeGauge(descriptor: named("cdcctl_slot_retained_wal_bytes", "WAL the slot makes the server keep (pg_current_wal_lsn() - restart_lsn), polled."))
        queuedMessages = r.makeGauge(descriptor: named("cdcctl_queued_messages", "Messages handed to the Kafka producer and not yet acknowledged by the broker (0 for stdout)."))
        snapshotRows = r.makeCounter(descriptor: named("cdcctl_snapshot_rows_total", "Rows read by the initial snapshot."))
        snapshotTables = r.makeGauge(descriptor: named("cdcctl_snapshot_tables", "Tables in the initial snapshot."))
        snapshotTablesDone = r.makeGauge(descriptor: named("cdcctl_snapshot_tables_done", "Tables of the initial snapshot read completely."))
        snapshotRunning = r.makeGauge(descriptor: named("cdcctl_snapshot_running", "1 while the initial snapshot runs, else 0."))
        errors = r.makeCounter(descriptor: named("cdcctl_errors_total", "Errors that ended a replication connection (each is followed by a reconnect, or ends the stream)."))
        reconnects = r.makeCounter(descriptor: named("cdcctl_reconnects_total", "Reconnections after a lost connection."))
        commitToAcknowledge = r.makeValueHistogram(descriptor: named("cdcctl_commit_to_acknowledge_seconds", "From a transaction's commit time on the server to the moment the sink reported it durable."), buckets: Self.latencyBuckets)
        up = r.makeGauge(descriptor: named("cdcctl_streaming", "1 while a replication connection streams, else 0."))
    }

    /// The counters of `table`, created on its first event.
    func counters(for table: TableName) -> TableCounters {
        tables.withLock { known in
            if let counters = known[table] { return counters }
            let counters = TableCounters(name: table, registry: registry)
            known[table] = counters
            return counters
        }
    }

    /// Counts one event (for rates; the per-table counters are counted by the caller).
    @inline(__always) func countEvent() { eventCount.add(1, ordering: .relaxed) }

    /// A metric's name and help text (the name carries its unit suffix already).
    static func named(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// What the stream is doing now, for `/healthz`.
    public var phase: StreamPhase { StreamPhase(rawValue: phaseValue.load(ordering: .relaxed)) ?? .starting }

    func enter(_ phase: StreamPhase) { phaseValue.store(phase.rawValue, ordering: .relaxed) }

    /// Change events counted so far, all tables and operations.
    public var events: Int64 { eventCount.load(ordering: .relaxed) }

    /// A position as a gauge's number (exact up to 2^53 bytes of WAL).
    @inline(__always) static func number(_ lsn: LSN) -> Double { Double(lsn.value) }

    /// The text exposition of every metric (Prometheus format 0.0.4).
    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}
