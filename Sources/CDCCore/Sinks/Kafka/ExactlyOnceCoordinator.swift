/// Exactly-once delivery: each PostgreSQL transaction is one Kafka transaction, which also
/// records where the stream resumes (`KafkaCommittedPosition`, in a compacted topic), so a
/// `read_committed` consumer sees the events exactly when the position is committed. On start
/// the recorded position is read back and checked against the stream's origin (`attach`), and
/// transactions before it (committed to Kafka by an earlier run that stopped before telling the
/// slot, or by this run before a reconnection) are skipped.
///
/// A logical decoding message outside any transaction is a Kafka transaction of its own. A
/// commit never blocks for long: `endTransaction` tries it briefly, and while the broker does
/// not confirm it (an outage) it stays pending and `retryCommit` tries again, so the caller can
/// keep the replication connection alive in between. Nothing else is handed over while a commit
/// is pending.
final class ExactlyOnceCoordinator {
    /// How long `endTransaction` waits for the commit before leaving it pending (seconds).
    static let firstCommitWait = 0.5

    /// The slot whose position is recorded, and the topic of the records.
    let settings: KafkaSinkOptions.ExactlyOnce
    /// Where committed transactions end (an earlier run's, or this run's): transactions before
    /// it are skipped. Nil when nothing is recorded (or the record is ignored).
    private(set) var committed: LSN?
    /// Whether a Kafka transaction is open and takes messages.
    private(set) var isOpen = false
    /// Whether the transaction being handed over is skipped (already committed).
    private(set) var isSkipping = false
    /// Whether a commit was requested that the broker has not confirmed yet.
    var commitPending: Bool { pending != nil }

    private struct PendingCommit {
        /// Where the transaction ends (nil: a chunk of a snapshot).
        let end: LSN?
        /// The position its record says the stream resumes at.
        let resume: LSN?
        /// The durable position when it was handed over (named in the error of a failed commit).
        let durable: LSN?
    }

    private let producer: RDKafkaProducer
    private let stop: StopToken
    private let log: (String) -> Void
    private let recorded: KafkaCommittedPosition.Recorded?
    private var server: ServerIdentity?
    private var pending: PendingCommit?
    private var standaloneMessage = false
    private var skippedAny = false

    /// Makes sure the offsets topic exists, registers the producer's `transactional.id` and reads
    /// the committed position with `positionReader`. Throws when `producer` is not transactional.
    init(producer: RDKafkaProducer, settings: KafkaSinkOptions.ExactlyOnce, positionReader: RDKafkaConfig?, topics: KafkaTopicCreator,
         stop: StopToken, log: @escaping (String) -> Void) throws {
        guard producer.isTransactional, let positionReader else { throw KafkaSinkError.exactlyOnceNeedsTransactionalProducer }
        self.producer = producer
        self.settings = settings
        self.stop = stop
        self.log = log
        try topics.ensure(settings.offsetsTopic, configs: KafkaCommittedPosition.topicConfigs)
        try producer.initTransactions(timeout: 60_000)
        let recorded = try KafkaCommittedPosition.read(config: positionReader, topic: settings.offsetsTopic, slot: settings.slot, timeout: 60_000)
        if let recorded, settings.resetPosition {
            log("ignoring the position \(recorded.lsn) of slot \(settings.slot) recorded in \(settings.offsetsTopic): nothing is skipped")
            self.recorded = nil
        } else {
            self.recorded = recorded
        }
        committed = self.recorded?.lsn
        if let committed { log("committed to Kafka up to \(committed) (from \(settings.offsetsTopic))") }
    }

    /// The stream comes from `origin`: throws `CommittedPositionMismatch` when the recorded
    /// position may not be skipped by there (see `KafkaCommittedPosition.Recorded.mismatch`).
    /// Positions recorded from now on name `origin`'s cluster and timeline.
    func attach(origin: ReplicationOrigin) throws {
        server = origin.server
        guard let recorded, let reason = recorded.mismatch(with: origin) else { return }
        throw CommittedPositionMismatch(slot: settings.slot, topic: settings.offsetsTopic, position: recorded.lsn, reason: reason)
    }

    /// A transaction committing at `finalLSN` starts. Returns false when it is skipped (already
    /// committed); otherwise a Kafka transaction is open.
    func beginTransaction(finalLSN: LSN) throws -> Bool {
        if let committed, finalLSN < committed {
            skip()
            return false
        }
        try open()
        return true
    }

    /// A logical decoding message at `lsn` outside any transaction starts a transaction of its
    /// own. Returns false when it is skipped (already committed).
    func beginStandaloneMessage(lsn: LSN?) throws -> Bool {
        if let committed, let lsn, lsn < committed {
            skip()
            return false
        }
        standaloneMessage = true
        try open()
        return true
    }

    /// Opens a Kafka transaction unless one is open. The caller settles a pending commit first.
    func open() throws {
        precondition(!commitPending, "a Kafka transaction opened while the previous commit is pending")
        guard !isOpen else { return }
        try producer.beginTransaction()
        isOpen = true
    }

    /// What is handed over ends at `lsn` (nil: a chunk of a snapshot). With a Kafka transaction
    /// open, `produce` receives the committed-position record (when there is a position) and the
    /// commit is tried for `firstCommitWait` seconds. Returns true when it is committed (or there
    /// was nothing to commit), false when it is pending: then `retryCommit` until true. `durable`
    /// names the resume point in the error of a failed commit.
    func endTransaction(at lsn: LSN?, durable: LSN?, produce: (_ topic: String, _ key: [UInt8], _ value: [UInt8]) throws -> Void) throws -> Bool {
        defer { standaloneMessage = false }
        guard isOpen else { return true }
        var resume: LSN?
        if let lsn {
            // A standalone message's LSN is its start: resume after it.
            resume = standaloneMessage ? LSN(lsn.value + 1) : lsn
            let record = KafkaCommittedPosition.record(slot: settings.slot, resumeAt: resume ?? lsn, server: server)
            try produce(settings.offsetsTopic, record.key, record.value)
        }
        isOpen = false
        pending = PendingCommit(end: lsn, resume: resume, durable: durable)
        return try retryCommit(timeout: Self.firstCommitWait)
    }

    /// Tries the pending commit for up to `timeout` seconds. Returns true once it is committed
    /// (or when none is pending), false while librdkafka says a retry may succeed (a broker
    /// outage) and no second stop was requested. A commit that fails otherwise is aborted and
    /// thrown, naming where a restart resumes.
    func retryCommit(timeout: Double) throws -> Bool {
        guard let commit = pending else { return true }
        do {
            try producer.commitTransaction(timeout: Int32((max(timeout, 0) * 1000).rounded(.up)))
        } catch let error as KafkaError where error.isRetriable && stop.count < 2 {
            return false
        } catch let error as KafkaError {
            pending = nil
            try? producer.abortTransaction(timeout: -1)
            let resume = (commit.durable ?? committed).map { "\($0)" } ?? "the slot's position"
            throw KafkaError("the Kafka transaction ending at \(commit.end.map { "\($0)" } ?? "the snapshot's end") was aborted: \(error.message); a restart resumes from \(resume)")
        }
        pending = nil
        // What is committed is skipped if PostgreSQL sends it again (after a reconnection).
        if let resume = commit.resume, resume > committed ?? .zero { committed = resume }
        return true
    }

    /// The pending commit, for notices: "the Kafka transaction ending at X/X"; nil when none.
    var pendingDescription: String? {
        pending.map { "the Kafka transaction ending at \($0.end.map { "\($0)" } ?? "a snapshot chunk")" }
    }

    /// The skipped transaction ends.
    func endSkipped() {
        isSkipping = false
    }

    /// The transaction being handed over will be handed over again: the open Kafka transaction,
    /// if any, is aborted. The caller settles a pending commit first.
    func abandon() throws {
        precondition(!commitPending, "a transaction abandoned while the previous commit is pending")
        isSkipping = false
        standaloneMessage = false
        if isOpen {
            isOpen = false
            try producer.abortTransaction(timeout: -1)
        }
    }

    private func skip() {
        isSkipping = true
        if !skippedAny, let committed {
            skippedAny = true
            log("skipping transactions before \(committed): already committed to Kafka")
        }
    }
}
