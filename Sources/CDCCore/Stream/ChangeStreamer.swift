import Glibc

/// `cdcctl stream`: sets up slot and publication, takes the initial snapshot inside the slot's
/// exported snapshot, then streams pgoutput changes as events, acknowledging a transaction's
/// end only after the sink reports its events durable.
public final class ChangeStreamer {
    private let conninfo: String
    private let options: StreamOptions
    private let log: (String) -> Void

    /// Creates a streamer; `log` receives one-line notices for stderr.
    public init(conninfo: String, options: StreamOptions, log: @escaping (String) -> Void = { _ in }) {
        self.conninfo = conninfo
        self.options = options
        self.log = log
    }

    /// Runs until `--endpos`, a stop signal, or an error, writing NDJSON events to `output`.
    public func run<O: EventOutput>(into output: inout O) throws {
        var sink = NDJSONSink(output: output)
        defer { output = sink.output }
        try run(into: &sink)
    }

    /// Runs, writing NDJSON to stdout. Like `run(kafka:)`, a concrete entry point, so the event
    /// path is specialized inside this module.
    public func runToStandardOutput() throws {
        var sink = NDJSONSink(output: FileDescriptorOutput())
        try run(into: &sink)
    }

    /// Runs, producing to Kafka.
    public func run(kafka: KafkaEventSink) throws {
        var sink = kafka
        try run(into: &sink)
    }

    /// Runs until `--endpos`, a stop signal, or an error, handing events to `sink`.
    public func run(into sink: inout some ChangeEventSink) throws {
        let catalog = try PGConnection(conninfo: conninfo)
        let setup = ReplicationSetup(catalog: catalog, options: options)
        try setup.checkWalLevel()
        try setup.ensurePublication()
        let existing = try setup.slotState()
        if existing == nil && !options.createSlot {
            throw StreamError("replication slot \(options.slot) does not exist: drop --no-create-slot to create it")
        }
        let mode = options.snapshot ?? .initial
        if existing != nil && mode == .initialOnly {
            throw StreamError("--snapshot initial-only needs a new slot, but \(options.slot) exists: drop it or choose another --slot")
        }
        var replication = try PGConnection(conninfo: conninfo, replication: true)

        var start: LSN
        if let existing {
            start = existing.confirmedFlush ?? .zero
        } else {
            let wantsSnapshot = mode != .never
            let created = try replication.simpleQuery(
                "CREATE_REPLICATION_SLOT \(TableName.quote(options.slot)) LOGICAL pgoutput \(wantsSnapshot ? "EXPORT_SNAPSHOT" : "NOEXPORT_SNAPSHOT")",
                context: "cannot create replication slot \(options.slot)")
            start = LSN(created.string(0, 1)) ?? .zero
            log("created replication slot \(options.slot) at \(start)")
            if wantsSnapshot {
                // The exported snapshot is valid until the replication connection runs its next
                // command, so the whole snapshot happens before START_REPLICATION.
                let tables = options.tables.isEmpty ? try setup.publishedTables() : options.tables
                var reader = SnapshotReader(connection: catalog, options: SnapshotOptions(
                    tables: tables, prefix: options.prefix, exportedSnapshot: created.value(0, 2), lsn: start))
                _ = try reader.run(into: &sink)
            }
        }
        if mode != .initialOnly {
            try streamWithRetries(replication: &replication, catalog: catalog, protocolVersion: setup.protocolVersion, start: start, into: &sink)
        }
        if options.dropSlotOnExit { dropSlot(replication) }
    }

    /// Streams from the slot; when a connection drops, reconnects with backoff and resumes from
    /// the last acknowledged position (the slot never moved past it), until stopped.
    private func streamWithRetries(replication: inout PGConnection, catalog: PGConnection, protocolVersion: Int, start: LSN, into sink: inout some ChangeEventSink) throws {
        var acknowledged = start
        var catalog: PGConnection? = catalog
        var current: PGConnection? = replication
        var backoff = 0.5
        while true {
            do {
                if current == nil { current = try PGConnection(conninfo: conninfo, replication: true) }
                if catalog == nil { catalog = try PGConnection(conninfo: conninfo) }
                guard let repl = current, let cat = catalog else { continue }
                replication = repl
                try repl.startCopyBoth("""
                    START_REPLICATION SLOT \(TableName.quote(options.slot)) LOGICAL \(acknowledged) \
                    (proto_version '\(protocolVersion)', publication_names '\(TableName.quote(options.publication).replacingAll("'", with: "''"))', messages 'true')
                    """, context: "cannot start replication from slot \(options.slot)")
                backoff = 0.5
                do {
                    try stream(replication: repl, catalog: cat, protocolVersion: protocolVersion, acknowledged: &acknowledged, into: &sink)
                } catch where repl.isAlive && cat.isAlive {
                    // A failure that ends the stream (a message the broker will never take): what
                    // was handed over before it still gets delivered and acknowledged, so the
                    // slot stops right at the last good transaction.
                    try? sink.abandonTransaction()
                    if (try? sink.drain(timeout: 30)) == true, let lsn = try? sink.durable(wait: 0), lsn > acknowledged {
                        acknowledged = lsn
                        let update = StandbyStatusUpdate(writeLSN: lsn, flushLSN: lsn, applyLSN: lsn,
                                                         clientTime: PostgresTimestamp(unixMicroseconds: Clock.realtimeNanos() / 1000),
                                                         replyRequested: false)
                        try? repl.sendCopyData(update.encoded())
                        repl.endCopyBoth()
                        log("stopped at \(lsn)")
                    }
                    throw error
                }
                return
            } catch {
                // Only a lost connection is worth retrying; anything else is for the user to fix.
                let lost = current.map { !$0.isAlive } ?? true || catalog.map { !$0.isAlive } ?? true
                guard lost else { throw error }
                log("\(error); retrying in \(backoff)s from \(acknowledged)")
                // The transaction in progress comes again from its start.
                try sink.abandonTransaction()
                // Both connections start afresh: a surviving one may be mid-COPY or about to
                // notice the same outage.
                current = nil
                catalog = nil
                let deadline = Clock.monotonicSeconds() + backoff
                while Clock.monotonicSeconds() < deadline {
                    if StopSignal.isRaised { return }
                    usleep(100_000)
                }
                backoff = min(backoff * 2, 30)
            }
        }
    }

    private func stream(replication: PGConnection, catalog: PGConnection, protocolVersion: Int, acknowledged: inout LSN, into sink: inout some ChangeEventSink) throws {
        var machine = ReplicationStateMachine(start: acknowledged, endpos: options.endpos, statusInterval: options.statusInterval,
                                              heartbeatInterval: options.heartbeatInterval, now: Clock.monotonicSeconds())
        var decoder = PgOutputDecoder(protocolVersion: protocolVersion)
        var events = ChangeEventWriter(relations: RelationCache(catalog: catalog, prefix: options.prefix),
                                       prefix: options.prefix, database: catalog.database)
        var stopping = false

        func perform(_ actions: [ReplicationStateMachine.Action]) throws {
            for action in actions {
                switch action {
                case let .sendStatus(flush, replyRequested):
                    let update = StandbyStatusUpdate(writeLSN: flush, flushLSN: flush, applyLSN: flush,
                                                     clientTime: PostgresTimestamp(unixMicroseconds: Clock.realtimeNanos() / 1000),
                                                     replyRequested: replyRequested)
                    try replication.sendCopyData(update.encoded())
                case .stop:
                    stopping = true
                }
            }
        }

        /// Moves the acknowledged position to what the sink reports durable.
        func acknowledgeDurable(wait: Double = 0) throws {
            if let lsn = try sink.durable(wait: wait) {
                try perform(machine.durable(through: lsn, now: Clock.monotonicSeconds()))
                acknowledged = machine.acknowledged
            }
        }

        while !stopping {
            if StopSignal.isRaised && !machine.stopRequested { try perform(machine.requestStop(now: Clock.monotonicSeconds())) }
            if stopping { break }
            // Back-pressure: while the sink cannot take more (a broker outage), read nothing,
            // but keep reporting to the server so it does not time the connection out.
            while sink.isBackedUp && !StopSignal.isRaised {
                try acknowledgeDurable(wait: 0.2)
                try perform(machine.tick(now: Clock.monotonicSeconds()))
            }
            switch try replication.readCopyData(timeout: 0.5) {
            case .timeout:
                try acknowledgeDurable()
                try perform(machine.tick(now: Clock.monotonicSeconds()))
            case .end:
                stopping = true
            case .data(let bytes):
                switch try ReplicationMessage.decode(bytes) {
                case .primaryKeepalive(let keepalive):
                    try acknowledgeDurable()
                    try perform(machine.keepalive(walEnd: keepalive.walEnd, replyRequested: keepalive.replyRequested, now: Clock.monotonicSeconds()))
                    acknowledged = machine.acknowledged
                case .xLogData(let data):
                    let message = try decoder.decode(data.payload)
                    switch message {
                    case .begin(let begin):
                        if machine.begin(finalLSN: begin.finalLSN) == .stopBefore { stopping = true; break }
                        try events.begin(begin, into: &sink)
                    case .commit(let commit):
                        try events.commit(commit, into: &sink)
                        try acknowledgeDurable()
                        try perform(machine.handedOver(transactionEnd: commit.endLSN, now: Clock.monotonicSeconds()))
                    case .relation(let relation): try events.relation(relation)
                    case .insert(let insert): try events.insert(insert, at: data.walStart, into: &sink)
                    case .update(let update): try events.update(update, at: data.walStart, into: &sink)
                    case .delete(let delete): try events.delete(delete, at: data.walStart, into: &sink)
                    case .truncate(let truncate): try events.truncate(truncate, at: data.walStart, into: &sink)
                    case .logicalMessage(let logical):
                        if !logical.isTransactional && machine.beginMessage(at: data.walStart) == .stopBefore { stopping = true; break }
                        try events.logicalMessage(logical, at: data.walStart, serverTime: data.serverTime, into: &sink)
                        if !logical.isTransactional {
                            try sink.endTransaction(at: data.walStart)
                            try perform(machine.delivered(messageAt: data.walStart, now: Clock.monotonicSeconds()))
                            try acknowledgeDurable()
                        }
                    case .origin, .type:
                        break
                    default:
                        throw StreamError("unexpected pgoutput message '\(Character(Unicode.Scalar(message.id.rawValue)))': cdcctl does not request streaming or two-phase decoding")
                    }
                }
            }
        }
        // Final report: exactly what was delivered, then leave CopyBoth cleanly.
        try sink.drain(timeout: nil)
        try acknowledgeDurable()
        try? perform([.sendStatus(flush: machine.acknowledged, replyRequested: false)])
        replication.endCopyBoth()
        log("stopped at \(machine.acknowledged)")
    }

    private func dropSlot(_ replication: PGConnection) {
        do {
            _ = try replication.simpleQuery("DROP_REPLICATION_SLOT \(TableName.quote(options.slot))", context: "cannot drop replication slot \(options.slot)")
            log("dropped replication slot \(options.slot)")
        } catch {
            log("\(error)")
        }
    }
}
