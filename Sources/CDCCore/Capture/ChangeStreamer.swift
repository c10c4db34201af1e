/// `cdcctl stream`: sets up slot and publication, takes the initial snapshot inside the slot's
/// exported snapshot, then streams pgoutput changes as events, acknowledging a transaction's
/// end only after the sink reports its events durable.
public final class ChangeStreamer {
    private let conninfo: String
    private let options: StreamOptions
    private let stop: StopToken
    private let log: (String) -> Void
    private let monitor: StreamMonitor

    /// Creates a streamer that runs until `stop` is raised; `log` receives one-line notices for stderr.
    public init(conninfo: String, options: StreamOptions, stop: StopToken, log: @escaping (String) -> Void = { _ in }) {
        self.conninfo = conninfo
        self.options = options
        self.stop = stop
        self.log = log
        monitor = StreamMonitor(options: options, log: log)
    }

    /// Runs until `--endpos`, a stop signal, or an error, writing NDJSON events to `output`.
    public func run<O: EventOutput>(into output: inout O, outbox: OutboxSettings? = nil) throws {
        var sink = NDJSONSink(output: output, envelope: options.shaping.envelope)
        sink.outbox = try outbox.map { OutboxLineRenderer(router: try OutboxRouter(settings: $0, warn: log)) }
        defer { output = sink.output }
        try run(into: &sink)
    }

    /// Runs, writing NDJSON to stdout. Like `run(kafka:)`, a concrete entry point, so the event
    /// path is specialized inside this module.
    public func runToStandardOutput(outbox: OutboxSettings? = nil) throws {
        var sink = NDJSONSink(output: FileDescriptorOutput(), envelope: options.shaping.envelope)
        sink.outbox = try outbox.map { OutboxLineRenderer(router: try OutboxRouter(settings: $0, warn: log)) }
        if let metrics = options.metrics {
            var counted = MetricsSink(base: sink, metrics: metrics)
            return try run(into: &counted)
        }
        try run(into: &sink)
    }

    /// Runs, producing to Kafka.
    public func run(kafka: KafkaEventSink) throws {
        var sink = kafka
        if let metrics = options.metrics {
            var counted = MetricsSink(base: sink, metrics: metrics)
            return try run(into: &counted)
        }
        try run(into: &sink)
    }

    /// Runs until `--endpos`, a stop signal, or an error, handing events to `sink`.
    public func run(into sink: inout some ChangeEventSink) throws {
        let catalog = try PGConnection(conninfo: conninfo)
        let setup = ReplicationSetup(catalog: catalog, options: options, log: log)
        let mode = options.snapshot ?? .initial
        // Everything that can refuse is checked before the publication or the slot is created:
        // names, the server, the slot, then the tables and their shaping.
        try setup.checkNames()
        try setup.checkWalLevel()
        try setup.checkReplicationReadiness(snapshot: mode)
        let existing = try setup.usableSlot(snapshot: mode)
        try IncrementalSnapshot.checkSignalTable(setup, published: false)
        let requested = try setup.requestedTables()
        try setup.checkShaping(requested: requested)
        try setup.ensurePublication(tables: requested)
        try IncrementalSnapshot.checkSignalTable(setup, published: true)
        var plan = try setup.capturePlan(requested: requested)
        // The signal table's inserts are read by the stream (as signals, never events).
        if let signal = options.incremental.signalTable { plan.streamed?.insert(signal) }
        let captured = plan.tables
        var replication = try ReplicationConnection(conninfo: conninfo)
        // Before the slot is created: a sink that refuses this origin leaves no new slot behind.
        let server = try replication.identifySystem()
        try sink.attach(origin: ReplicationOrigin(server: server, slot: options.slot, slotPosition: existing.map { $0.confirmedFlush ?? .zero }))

        let start: LSN
        if let existing {
            start = existing.confirmedFlush ?? .zero
            if existing.snapshotMark == .pending {
                if mode == .never {
                    log("the initial snapshot of slot \(options.slot) never completed (\(SnapshotStateTable.qualifiedName) says pending); streaming without it, as the snapshot mode is never")
                } else {
                    // The slot's exported snapshot died with the run that created it: a fresh one,
                    // then the stream from the slot's position. Changes committed in between come
                    // twice (in the snapshot and in the stream); none is missing.
                    log("the initial snapshot of slot \(options.slot) never completed: taking a fresh snapshot, then streaming from \(start) (changes since the slot was created may appear twice)")
                    try initialSnapshot(catalog: catalog, plan: plan, exportedSnapshot: nil, at: nil, into: &sink)
                }
            }
        } else {
            let wantsSnapshot = mode != .never
            // Recorded before the slot exists, so a run that dies at any point after leaves
            // `pending` behind for the next one.
            if wantsSnapshot { try SnapshotStateTable.record(.pending, slot: options.slot, tables: captured, connection: catalog) }
            let created = try replication.createSlot(name: options.slot, exportSnapshot: wantsSnapshot)
            start = created.consistentPoint
            log("created replication slot \(options.slot) at \(start)")
            if wantsSnapshot {
                // The exported snapshot is valid until the replication connection runs its next
                // command, so the whole snapshot happens before START_REPLICATION.
                try initialSnapshot(catalog: catalog, plan: plan, exportedSnapshot: created.snapshotName, at: start, into: &sink)
            }
        }
        if mode != .initialOnly {
            let incremental = IncrementalSnapshot(options: options, published: plan.published, log: log)
            incremental.load(catalog: catalog)
            try streamWithRetries(replication: &replication, catalog: catalog, server: server, protocolVersion: setup.protocolVersion, start: start,
                                  streamed: plan.streamed, incremental: incremental, into: &sink)
        }
        if options.dropSlotOnExit {
            dropSlot(replication)
            try? SnapshotStateTable.forget(slot: options.slot, connection: catalog)
            try? IncrementalSnapshotStateTable.forget(slot: options.slot, connection: catalog)
        }
    }

    /// Reads the tables (named, or else the publication's) inside the slot's exported snapshot
    /// (or a fresh one), and records the slot's snapshot `complete` once the sink has it all.
    private func initialSnapshot(catalog: PGConnection, plan: CapturePlan, exportedSnapshot: String?, at lsn: LSN?,
                                 into sink: inout some ChangeEventSink) throws {
        let tables = plan.tables
        var snapshot = SnapshotOptions(tables: tables, prefix: options.prefix, exportedSnapshot: exportedSnapshot, lsn: lsn, parallel: options.parallel)
        // The tables are resolved already; columns and rows follow the publication's lists and filters.
        snapshot.shaping = options.shaping
        snapshot.shaping.include = []
        snapshot.shaping.exclude = []
        snapshot.published = plan.published
        snapshot.typeModes = options.typeModes
        var reader = SnapshotReader(connection: catalog, options: snapshot, conninfo: conninfo)
        monitor.snapshot(tables: tables.count, running: true)
        _ = try reader.run(into: &sink)
        monitor.snapshot(tables: tables.count, running: false)
        try SnapshotStateTable.record(.complete, slot: options.slot, tables: tables, connection: catalog)
    }

    /// Streams from the slot; when a connection drops, reconnects with backoff and resumes from
    /// the last acknowledged position (the slot never moved past it), until stopped.
    private func streamWithRetries(replication: inout ReplicationConnection, catalog: PGConnection, server: ServerIdentity, protocolVersion: Int, start: LSN,
                                   streamed: Set<TableName>?, incremental: IncrementalSnapshot, into sink: inout some ChangeEventSink) throws {
        var acknowledged = start
        var catalog: PGConnection? = catalog
        var current: ReplicationConnection? = replication
        var backoff = 0.5
        while true {
            do {
                if current == nil {
                    let reconnected = try ReplicationConnection(conninfo: conninfo)
                    try checkSameServer(reconnected.identifySystem(), as: server)
                    current = reconnected
                }
                if catalog == nil { catalog = try PGConnection(conninfo: conninfo) }
                guard let repl = current, let cat = catalog else { continue }
                replication = repl
                try monitor.checkSlot(slot: options.slot, catalog: cat)
                try repl.startReplication(slot: options.slot, from: acknowledged, protocolVersion: protocolVersion,
                                          publications: [options.publication], messages: true)
                backoff = 0.5
                monitor.streaming(from: acknowledged)
                do {
                    try stream(replication: repl, catalog: cat, protocolVersion: protocolVersion, acknowledged: &acknowledged, streamed: streamed,
                               incremental: incremental, into: &sink)
                } catch where repl.isAlive && cat.isAlive {
                    // A failure that ends the stream (a message the broker will never take): what
                    // was handed over before it still gets delivered and acknowledged, so the
                    // slot stops right at the last good transaction.
                    try? sink.abandonTransaction()
                    if (try? sink.drain(timeout: 30)) == true, let lsn = try? sink.durable(wait: 0), lsn > acknowledged {
                        acknowledged = lsn
                        try? repl.sendStatus(flushed: lsn, replyRequested: false)
                        repl.endCopy()
                        log("stopped at \(lsn)")
                    }
                    throw error
                }
                return
            } catch {
                if case CaptureError.serverChanged = error {
                    monitor.failed(retrying: false)
                    throw error
                }
                // An invalidated slot ends the stream, however its walsender's end showed here.
                if let cat = catalog, cat.isAlive, (try? monitor.isLost(slot: options.slot, catalog: cat)) == true {
                    monitor.failed(retrying: false)
                    throw CaptureError.slotLost(slot: options.slot)
                }
                // Only a lost connection is worth retrying; anything else is for the user to fix.
                let lost = current.map { !$0.isAlive } ?? true || catalog.map { !$0.isAlive } ?? true
                monitor.failed(retrying: lost)
                guard lost else { throw error }
                log("\(error); retrying in \(backoff)s from \(acknowledged)")
                // The transaction in progress comes again from its start.
                try sink.abandonTransaction()
                // Both connections start afresh: a surviving one may be mid-COPY or about to
                // notice the same outage.
                current = nil
                catalog = nil
                if stop.sleep(backoff) { return }
                backoff = min(backoff * 2, 30)
            }
        }
    }

    /// A reconnection must reach the cluster and timeline the stream started on: a slot of the
    /// same name elsewhere (a promoted standby, another server behind the address) would resume
    /// from a position that does not describe what this stream acknowledged.
    private func checkSameServer(_ now: ServerIdentity, as was: ServerIdentity) throws {
        if now.systemID != was.systemID {
            throw CaptureError.serverChanged(slot: options.slot, what: "cluster", was: "system identifier \(was.systemID)",
                                             now: "system identifier \(now.systemID)")
        }
        if now.timeline != was.timeline {
            throw CaptureError.serverChanged(slot: options.slot, what: "timeline", was: "timeline \(was.timeline)", now: "timeline \(now.timeline)")
        }
    }

    /// The read loop on one connection: messages to the writer, keepalives and idle time to the
    /// state machine, whose actions (status updates, stop) it carries out.
    private func stream(replication: ReplicationConnection, catalog: PGConnection, protocolVersion: Int, acknowledged: inout LSN,
                        streamed: Set<TableName>?, incremental: IncrementalSnapshot, into sink: inout some ChangeEventSink) throws {
        var machine = ReplicationStateMachine(start: acknowledged, endpos: options.endpos, statusInterval: options.statusInterval,
                                              heartbeatInterval: options.heartbeatInterval, now: Clock.monotonicSeconds())
        var decoder = PgOutputDecoder(protocolVersion: protocolVersion)
        let shaping = options.shaping
        let relations = RelationCache(catalog: catalog, prefix: options.prefix, streamed: streamed,
                                      shaper: shaping.shapesRows ? TableShaper(settings: shaping) : nil, typeModes: options.typeModes)
        var writer = ChangeEventWriter(relations: relations, prefix: options.prefix, database: catalog.database, operations: shaping.operations)
        // A chunk open on the previous connection missed part of its window: read it again.
        incremental.connectionRestarted()
        writer.incremental = incremental
        var stopping = false

        func perform(_ actions: [ReplicationStateMachine.Action]) throws {
            for action in actions {
                switch action {
                case let .sendStatus(flush, replyRequested): try replication.sendStatus(flushed: flush, replyRequested: replyRequested)
                case .stop: stopping = true
                }
            }
            acknowledged = machine.acknowledged
            monitor.acknowledged(acknowledged)
        }

        while !stopping {
            if stop.isRaised && !machine.stopRequested { try perform(machine.requestStop(now: Clock.monotonicSeconds())) }
            if stopping { break }
            try monitor.tick(catalog: catalog, now: Clock.monotonicSeconds())
            // Back-pressure: while the sink cannot take more (a broker outage), read nothing,
            // but keep reporting to the server so it does not time the connection out.
            while sink.isBackedUp && !stop.isRaised {
                try perform(machine.collectDurable(from: &sink, wait: 0.2))
                try perform(machine.tick(now: Clock.monotonicSeconds()))
                try monitor.tick(catalog: catalog, now: Clock.monotonicSeconds())
            }
            // A stop that came while backed up: stop at this boundary rather than read on.
            if stop.isRaised && !machine.stopRequested { continue }
            // Between transactions: incremental snapshot chunks (recorded once durable, read next).
            if !machine.inTransaction && !machine.stopRequested { try incremental.advance(catalog: catalog, acknowledged: machine.acknowledged) }
            switch try replication.readMessage(timeout: 0.5) {
            case .timeout:
                monitor.idle()
                try perform(machine.collectDurable(from: &sink, wait: 0))
                try perform(machine.tick(now: Clock.monotonicSeconds()))
            case .end:
                stopping = true
            case .message(.primaryKeepalive(let keepalive)):
                monitor.keepalive(walEnd: keepalive.walEnd)
                try perform(machine.collectDurable(from: &sink, wait: 0))
                try perform(machine.keepalive(walEnd: keepalive.walEnd, replyRequested: keepalive.replyRequested, now: Clock.monotonicSeconds()))
            case .message(.xLogData(let data)):
                monitor.received(data.walStart)
                let message = try decoder.decode(data.payload)
                try perform(writer.write(message, at: data.walStart, serverTime: data.serverTime, machine: &machine, into: &sink))
            }
        }
        // Final report: exactly what was delivered, then leave CopyBoth cleanly.
        try sink.drain(timeout: nil)
        try perform(machine.collectDurable(from: &sink, wait: 0))
        try? replication.sendStatus(flushed: machine.acknowledged, replyRequested: false)
        replication.endCopy()
        incremental.finish(catalog: catalog, acknowledged: machine.acknowledged)
        monitor.stopped()
        log("stopped at \(machine.acknowledged)")
    }

    private func dropSlot(_ replication: ReplicationConnection) {
        do {
            try replication.dropSlot(name: options.slot)
            log("dropped replication slot \(options.slot)")
        } catch {
            log("\(error)")
        }
    }
}
