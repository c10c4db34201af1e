/// The Kafka sink's account of deliveries: one delivery tracker per transaction handed over, in
/// commit order, and the durable position, the end of the longest run of transactions from the
/// start whose every message the broker acknowledged.
///
/// A value with no librdkafka call and no clock: the producer's delivery callback fills the
/// trackers, `advance` reads them. Delivered transactions are dropped from the front, so a stream
/// that is never idle keeps a bounded list.
struct DeliveryLedger {
    private struct Entry {
        /// Where the transaction ends; nil for what has no position of its own (an abandoned
        /// transaction, a chunk of a snapshot).
        let end: LSN?
        /// Its messages; nil when it produced none (skipped as already committed).
        let tracker: KafkaDeliveryTracker?
        /// Whether its Kafka transaction's commit is not confirmed yet (exactly-once): it is not
        /// durable, whatever its deliveries say, until `commitConfirmed`.
        var awaitingCommit = false
    }

    /// The highest position such that it and everything before it is delivered.
    private(set) var durable: LSN?
    /// The tracker of the transaction being handed over: give it to every message produced.
    private(set) var current = KafkaDeliveryTracker()
    private var entries: [Entry] = []
    private var head = 0
    private let compactAfter: Int
    private var stalledSince: Double?
    private var lastNotice: Double?

    /// An empty ledger; delivered entries are dropped from the front once `compactAfter` of them
    /// pile up behind an undelivered one.
    init(compactAfter: Int = 4096) {
        self.compactAfter = compactAfter
    }

    /// Whether some closed transaction is not fully delivered yet.
    var hasOutstanding: Bool { head < entries.count }

    /// Messages of closed transactions whose delivery report has not arrived.
    var waitingMessages: Int {
        entries[head...].reduce(0) { $0 + ($1.tracker?.pending ?? 0) }
    }

    /// Entries held, delivered ones not yet dropped included (what bounds the memory).
    var storedEntries: Int { entries.count }

    /// The transaction being handed over ends at `end` (nil: no position of its own): it is
    /// durable once its messages and all before it are delivered, and, with `awaitingCommit`,
    /// once `commitConfirmed` says its Kafka transaction is committed. A fresh tracker follows.
    mutating func close(at end: LSN?, awaitingCommit: Bool = false) {
        entries.append(Entry(end: end, tracker: current, awaitingCommit: awaitingCommit))
        current = KafkaDeliveryTracker()
    }

    /// Whether the last closed transaction waits for its Kafka transaction's commit.
    var isAwaitingCommit: Bool { entries.last?.awaitingCommit ?? false }

    /// The last closed transaction's Kafka transaction is committed.
    mutating func commitConfirmed() {
        guard !entries.isEmpty else { return }
        entries[entries.count - 1].awaitingCommit = false
    }

    /// The last closed transaction's Kafka transaction was aborted: it never becomes durable
    /// (none of its messages will be visible), and is forgotten.
    mutating func dropAwaitingCommit() {
        guard isAwaitingCommit else { return }
        entries.removeLast()
    }

    /// A transaction that produced nothing (skipped) ends at `end`: durable as soon as all
    /// before it are.
    mutating func closeEmpty(at end: LSN?) {
        entries.append(Entry(end: end, tracker: nil))
    }

    /// Forgets the messages of the transaction being handed over (a Kafka transaction was
    /// aborted: none of them will ever be visible).
    mutating func discardCurrent() {
        current = KafkaDeliveryTracker()
    }

    /// Moves the durable position over every delivered transaction at the front; throws when
    /// the first undelivered one has a failed message (the position stays before it).
    mutating func advance() throws {
        let headBefore = head
        while head < entries.count {
            let entry = entries[head]
            if let tracker = entry.tracker {
                if tracker.failed > 0 { throw failure(tracker) }
                guard tracker.pending == 0 else { break }
            }
            guard !entry.awaitingCommit else { break }
            if let end = entry.end, end > durable ?? .zero { durable = end }
            head += 1
        }
        // Only a stall is worth a notice: any delivered transaction restarts its clock.
        if head != headBefore { stalledSince = nil }
        if head == entries.count {
            entries.removeAll(keepingCapacity: true)
            head = 0
            stalledSince = nil
        } else if head >= compactAfter {
            // A stream that is never idle never empties the list: drop the delivered front.
            entries.removeFirst(head)
            head = 0
        }
    }

    /// Called after `advance` at monotonic time `now`: the number of waiting messages when a
    /// notice is due (undelivered for `interval` seconds, at most one notice per `interval`),
    /// with how long the stall has lasted; nil otherwise.
    mutating func stallNotice(now: Double, interval: Double = 10) -> (waiting: Int, seconds: Double)? {
        guard hasOutstanding else { return nil }
        guard let since = stalledSince else {
            stalledSince = now
            return nil
        }
        guard now - since >= interval, now - (lastNotice ?? -.infinity) >= interval else { return nil }
        lastNotice = now
        return (waitingMessages, now - since)
    }

    private func failure(_ tracker: KafkaDeliveryTracker) -> KafkaError {
        let topic = tracker.firstFailedTopic ?? "?"
        let reason = tracker.firstError?.message ?? "no reason given"
        return KafkaError("a message to topic \(topic) was not delivered: \(reason); \(consequence(stream: "the stream stops with the slot at"))",
                          code: tracker.firstError?.code)
    }

    /// Whether the ledger serves a snapshot, which has no slot.
    var isSnapshot = false

    /// What a failure leaves behind, for the end of its message: a stream's slot stays at the
    /// durable position (`stream` words it), a snapshot is incomplete and must be run again.
    func consequence(stream: String) -> String {
        if isSnapshot { return "the snapshot is incomplete (rows before this one may already be in Kafka): run it again" }
        return "\(stream) \(durableDescription)"
    }

    /// The durable position for messages, or "its last acknowledged position" before the first.
    var durableDescription: String {
        durable.map { "\($0)" } ?? "its last acknowledged position"
    }
}
