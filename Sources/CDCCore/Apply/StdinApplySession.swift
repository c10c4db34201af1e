/// Batching for `apply`: how many records a batch holds at most and how long the first record
/// of a batch may wait for more.
public struct ApplyBatching: Sendable {
    public var size = 10_000
    public var lingerSeconds = 0.2
    public init() {}
}

/// `apply` from standard input: NDJSON records, one per line, applied in batches.
public struct StdinApplySession {
    private let applier: PostgresApplier
    private let decoder: ApplyRecordDecoder
    private let batching: ApplyBatching
    private let stop: StopToken
    private let progress: ApplyProgress?

    public init(applier: PostgresApplier, decoder: ApplyRecordDecoder, batching: ApplyBatching, stop: StopToken, progress: ApplyProgress?) {
        self.applier = applier
        self.decoder = decoder
        self.batching = batching
        self.stop = stop
        self.progress = progress
    }

    /// Reads standard input to its end (or a stop) and applies every record. The target applies
    /// one batch (`ApplyWorker`) while the next is read and decoded.
    public func run(fd: Int32 = 0) throws {
        let reader = LineReader(fd: fd)
        let worker = ApplyWorker(applier: applier)
        var pending: [ApplyRecord] = []
        var firstPendingAt = 0.0
        var line: Int64 = 0
        var lastIdentity: String? = nil
        var index: Int64 = 0
        // What the target held when the running batch started: the reader skips what it shows
        // applied; the applier checks each batch again against its own positions.
        var applied = applier.appliedPositions
        func settle() throws {
            guard worker.isRunning else { return }
            try worker.wait()
            applied = applier.appliedPositions
            progress?.update(applied: applier.appliedRecords, skipped: applier.skippedRecords)
        }
        func flush() throws {
            try settle()
            guard !pending.isEmpty else { return }
            worker.start(taking: &pending)
        }
        func drain() throws {
            try flush()
            try settle()
        }
        while !stop.isRaised {
            let wait = pending.isEmpty ? 0.5 : max(0, firstPendingAt + batching.lingerSeconds - Clock.monotonicSeconds())
            let step = try reader.next(wait: wait)
            switch step {
            case .end:
                try drain()
                return
            case .idle:
                if !pending.isEmpty, Clock.monotonicSeconds() >= firstPendingAt + batching.lingerSeconds {
                    try flush()
                } else if pending.isEmpty {
                    try settle()   // idle: report the last batch now
                }
                continue
            case .line(let bytes):
                line += 1
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                let position = ApplyPosition.stdin(line: line, source: nil)
                let decoded: DecodedRecord?
                do {
                    let json = try bytes.withUnsafeBytes { try ApplyJSON.parse($0) }
                    decoded = try decoder.decode(value: json, key: nil, topic: nil)
                } catch {
                    try drain()
                    try applier.reject(position: position, message: "\(error)", rawValue: bytes)
                    applied = applier.appliedPositions
                    continue
                }
                guard let decoded else { continue }
                var point: SourcePoint? = nil
                if let tx = decoded.transaction {
                    if tx.identity == lastIdentity { index += 1 } else { index = 1; lastIdentity = tx.identity }
                    point = SourcePoint(lastCommitted: tx.lastCommitted, identity: tx.identity, index: index)
                } else {
                    lastIdentity = nil
                }
                var record = ApplyRecord(change: decoded.change, position: .stdin(line: line, source: point), sourcePoint: point)
                if let kafka = decoded.kafkaPosition {
                    record.position = .kafka(topic: kafka.topic, partition: kafka.partition, offset: kafka.offset)
                    record.sourcePoint = nil
                }
                if applied.contains(record) { continue }
                if pending.isEmpty { firstPendingAt = Clock.monotonicSeconds() }
                pending.append(record)
                if pending.count >= batching.size { try flush() }
            }
        }
        try drain()
    }
}

/// A progress line on stderr (only when it is a terminal), at most every half second.
public final class ApplyProgress {
    private var last = 0.0
    private let started = Clock.monotonicSeconds()
    private let write: (String) -> Void

    public init(write: @escaping (String) -> Void) { self.write = write }

    func update(applied: Int, skipped: Int) {
        let now = Clock.monotonicSeconds()
        guard now - last >= 0.5 else { return }
        last = now
        let rate = Double(applied) / max(now - started, 0.001)
        write("\r\u{1B}[Kapply: \(applied) records applied\(skipped > 0 ? ", \(skipped) skipped" : ""), \(Int(rate)) records/s")
    }

    /// Ends the progress line.
    public func finish() { if last > 0 { write("\n") } }
}
