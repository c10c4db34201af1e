/// The acknowledgement rules of the replication loop, with no socket: events in, actions out.
///
/// The flush LSN reported to the server only moves to the end of a transaction the sink has
/// durably taken, or, while no transaction is open and nothing handed to the sink awaits
/// delivery, to a keepalive's WAL end (everything before it has been received and delivered).
/// A sink that delivers later (Kafka) hands a transaction over first and reports it durable
/// when the broker has acknowledged every message of it. `--endpos` stops the stream before the first
/// transaction that commits after it.
public struct ReplicationStateMachine: Sendable {
    /// What the loop should do next.
    public enum Action: Equatable, Sendable {
        /// Report `flush` (also as write and apply) to the server.
        case sendStatus(flush: LSN, replyRequested: Bool)
        /// Stop streaming: everything up to `acknowledged` is delivered.
        case stop
    }

    /// What to do with a transaction that begins.
    public enum BeginDecision: Equatable, Sendable { case emit, stopBefore }

    /// The position the sink has durably taken; the only value ever reported as flushed.
    public private(set) var acknowledged: LSN
    /// Whether a transaction's events are being emitted right now.
    public private(set) var inTransaction = false
    /// Whether a stop was requested (signal) and will happen at the next transaction boundary.
    public private(set) var stopRequested = false
    /// The end of the last transaction (or message) handed to the sink, durable or not.
    public private(set) var handedOver: LSN

    private let endpos: LSN?
    private let statusInterval: Double
    private let heartbeatInterval: Double?
    private var lastStatusAt: Double
    private var lastHeartbeatAt: Double

    /// Creates the machine at the slot's confirmed position.
    public init(start: LSN, endpos: LSN?, statusInterval: Double, heartbeatInterval: Double?, now: Double) {
        acknowledged = start
        handedOver = start
        self.endpos = endpos
        self.statusInterval = statusInterval
        self.heartbeatInterval = heartbeatInterval
        lastStatusAt = now
        lastHeartbeatAt = now
    }

    /// A transaction begins; `finalLSN` is its commit record's LSN.
    public mutating func begin(finalLSN: LSN) -> BeginDecision {
        if let endpos, finalLSN > endpos { return .stopBefore }
        inTransaction = true
        return .emit
    }

    /// The sink durably took every event of the transaction ending at `endLSN` (handed over
    /// and durable at once, as stdout is).
    public mutating func delivered(transactionEnd endLSN: LSN, now: Double) -> [Action] {
        if endLSN > acknowledged { acknowledged = endLSN }
        return handedOver(transactionEnd: endLSN, now: now)
    }

    /// Every event of the transaction ending at `endLSN` was handed to the sink, which may not
    /// have delivered them yet.
    public mutating func handedOver(transactionEnd endLSN: LSN, now: Double) -> [Action] {
        inTransaction = false
        if endLSN > handedOver { handedOver = endLSN }
        if stopRequested || reachedEnd(endLSN) { return [.sendStatus(flush: acknowledged, replyRequested: false), .stop] }
        return periodic(now: now)
    }

    /// The sink reports everything up to `lsn` durable (a position it was handed, possibly just
    /// before `handedOver` is told of it).
    public mutating func durable(through lsn: LSN, now: Double) -> [Action] {
        if lsn > acknowledged { acknowledged = lsn }
        return periodic(now: now)
    }

    /// A non-transactional logical message at `lsn` arrives: emit it, or stop before it.
    public func beginMessage(at lsn: LSN) -> BeginDecision {
        if let endpos, lsn > endpos { return .stopBefore }
        return .emit
    }

    /// A non-transactional logical message at `lsn` was handed to the sink, which may not have
    /// delivered it yet.
    public mutating func handedOver(messageAt lsn: LSN, now: Double) -> [Action] {
        if lsn > handedOver { handedOver = lsn }
        if reachedEnd(lsn) { return [.sendStatus(flush: acknowledged, replyRequested: false), .stop] }
        return periodic(now: now)
    }

    /// A keepalive from the server.
    public mutating func keepalive(walEnd: LSN, replyRequested: Bool, now: Double) -> [Action] {
        if !inTransaction && handedOver <= acknowledged {
            let reachable = endpos.map { min($0, walEnd) } ?? walEnd
            if reachable > acknowledged { acknowledged = reachable }
            if reachedEnd(walEnd) { return [.sendStatus(flush: acknowledged, replyRequested: false), .stop] }
        }
        if replyRequested { return [status(now: now, replyRequested: false)] }
        return periodic(now: now)
    }

    /// Time passed with nothing received.
    public mutating func tick(now: Double) -> [Action] {
        if stopRequested && !inTransaction { return [.sendStatus(flush: acknowledged, replyRequested: false), .stop] }
        if let heartbeatInterval, !inTransaction, now - lastHeartbeatAt >= heartbeatInterval {
            lastHeartbeatAt = now
            // Asking for a reply makes the server send its WAL end, which the keepalive
            // handler acknowledges: the slot advances even when the published tables are idle.
            return [status(now: now, replyRequested: true)]
        }
        return periodic(now: now)
    }

    /// SIGINT/SIGTERM: finish the transaction being emitted, then stop.
    public mutating func requestStop(now: Double) -> [Action] {
        stopRequested = true
        return tick(now: now)
    }

    private func reachedEnd(_ lsn: LSN) -> Bool { endpos.map { lsn >= $0 } ?? false }

    private mutating func periodic(now: Double) -> [Action] {
        guard now - lastStatusAt >= statusInterval else { return [] }
        return [status(now: now, replyRequested: false)]
    }

    private mutating func status(now: Double, replyRequested: Bool) -> Action {
        lastStatusAt = now
        return .sendStatus(flush: acknowledged, replyRequested: replyRequested)
    }
}
