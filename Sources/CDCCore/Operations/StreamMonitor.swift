/// What the read loop reports about itself, in one place: positions and errors into
/// `StreamMetrics` (when there are any), the slot watch (lag, retained WAL, a lost slot), the
/// status line, and the one "waiting for changes" notice of a quiet stream. `ChangeStreamer`
/// calls it at a few points; all of it runs on the stream's thread.
final class StreamMonitor {
    private let metrics: StreamMetrics?
    private var watch: SlotWatch
    private var statusLine: StreamStatusLine
    private let log: (String) -> Void
    private var received = LSN.zero
    private var acknowledged = LSN.zero
    private var serverWAL: LSN?
    private var changesSeen = false
    private var saidWaiting = false

    /// Creates the monitor of a stream with `options`; `log` writes a notice (or a warning).
    init(options: StreamOptions, log: @escaping (String) -> Void) {
        metrics = options.metrics
        watch = SlotWatch(slot: options.slot, interval: options.slotWatchInterval, maxRetained: options.maxRetainedWAL)
        statusLine = StreamStatusLine(enabled: options.statusLine)
        self.log = log
    }

    /// The initial snapshot of `tables` tables starts (`running`) or has ended.
    func snapshot(tables: Int, running: Bool) {
        guard let metrics else { return }
        metrics.snapshotTables.set(Int64(tables))
        metrics.snapshotRunning.set(Int64(running ? 1 : 0))
        metrics.enter(running ? .snapshot : .starting)
        if !running { metrics.snapshotTablesDone.set(Int64(tables)) }
    }

    /// Before START_REPLICATION: fails with `slotLost` when the slot was invalidated, so a lost
    /// slot is reported once instead of retried.
    func checkSlot(slot: String, catalog: PGConnection) throws {
        if try isLost(slot: slot, catalog: catalog) { throw CaptureError.slotLost(slot: slot) }
    }

    /// Whether the server invalidated `slot`. A slot being invalidated is `unreserved` until the
    /// checkpointer has terminated its walsender (which is how a stream usually learns of it)
    /// and marked it `lost`: that state is given up to 2 s to settle.
    func isLost(slot: String, catalog: PGConnection) throws -> Bool {
        for _ in 0..<10 {
            switch try SlotWatch.read(slot: slot, catalog: catalog)?.walStatus {
            case "lost": return true
            case "unreserved": Clock.sleep(0.2)
            default: return false
            }
        }
        return false
    }

    /// A replication connection streams from `start`.
    func streaming(from start: LSN) {
        received = max(received, start)
        acknowledged = max(acknowledged, start)
        metrics?.up.set(Int64(1))
        metrics?.enter(.streaming)
        updatePositions()
    }

    /// XLogData starting at `lsn` arrived.
    @inline(__always) func received(_ lsn: LSN) {
        changesSeen = true
        if lsn > received {
            received = lsn
            metrics?.receivedLSN.set(StreamMetrics.number(lsn))
        }
    }

    /// A keepalive reported the server's WAL end.
    func keepalive(walEnd: LSN) {
        if walEnd > received { received = walEnd }
        if serverWAL.map({ walEnd > $0 }) ?? true { serverWAL = walEnd }
        updatePositions()
    }

    /// The acknowledged position after the loop carried out the machine's actions.
    @inline(__always) func acknowledged(_ lsn: LSN) {
        guard lsn != acknowledged else { return }
        acknowledged = lsn
        updatePositions()
    }

    /// Called on every turn of the read loop: reads the slot when due (throws `slotLost`),
    /// redraws the status line.
    func tick(catalog: PGConnection, now: Double) throws {
        if watch.isDue(now: now), let reading = try watch.readIfDue(catalog: catalog, now: now, warn: warn) {
            if serverWAL.map({ reading.serverWAL > $0 }) ?? true { serverWAL = reading.serverWAL }
            if let retained = reading.retainedBytes { metrics?.retainedWALBytes.set(retained) }
            updatePositions()
        }
        statusLine.update(now: now, received: received, acknowledged: acknowledged, lagBytes: lagBytes, events: metrics?.events ?? 0)
    }

    /// A warning goes to stderr even with `-q` (it is not a notice).
    private func warn(_ line: String) {
        statusLine.clear()
        StandardError.notice(line)
    }

    /// Nothing arrived for a while: a stream that has received no change yet says once that it
    /// waits (so a quiet resumed stream does not look stuck).
    func idle() {
        guard !changesSeen, !saidWaiting else { return }
        saidWaiting = true
        statusLine.clear()
        log("streaming from \(acknowledged), waiting for changes")
    }

    /// The connection failed with `error`; `retrying` when the loop reconnects.
    func failed(retrying: Bool) {
        metrics?.errors.increment()
        if retrying { metrics?.reconnects.increment() }
        metrics?.up.set(Int64(0))
        metrics?.enter(retrying ? .reconnecting : .stopped)
        statusLine.clear()
    }

    /// The stream stopped (clears the status line before the last notice).
    func stopped() {
        metrics?.up.set(Int64(0))
        metrics?.enter(.stopped)
        statusLine.clear()
    }

    /// Clears the status line before a notice.
    func beforeNotice() { statusLine.clear() }

    /// Bytes between the server's WAL position and the acknowledged one (0 when caught up).
    private var lagBytes: Int64? {
        serverWAL.map { $0 > acknowledged ? Int64($0.value - acknowledged.value) : 0 }
    }

    private func updatePositions() {
        guard let metrics else { return }
        metrics.receivedLSN.set(StreamMetrics.number(received))
        metrics.acknowledgedLSN.set(StreamMetrics.number(acknowledged))
        if let serverWAL {
            metrics.serverWALLSN.set(StreamMetrics.number(serverWAL))
            metrics.lagBytes.set(lagBytes ?? 0)
        }
    }
}
