/// Standby Status Update ('r'): the client's report of how far it has durably processed WAL.
///
/// The flush position is what the server uses to advance the slot's `confirmed_flush_lsn` and
/// recycle WAL, so it must never run ahead of what has been delivered downstream.
public struct StandbyStatusUpdate: Hashable, Sendable {
    /// The ASCII tag byte 'r'.
    public static let tag: UInt8 = 0x72
    /// Size of the encoded message: tag, three LSNs, timestamp, flag.
    public static let encodedSize = 34

    /// Last WAL position received and written.
    public let writeLSN: LSN
    /// Last WAL position durably processed.
    public let flushLSN: LSN
    /// Last WAL position applied.
    public let applyLSN: LSN
    /// The client's clock when sending.
    public let clientTime: PostgresTimestamp
    /// Asks the server to answer with a keepalive at once; useful to probe liveness.
    public let replyRequested: Bool

    /// Creates a status update.
    public init(writeLSN: LSN, flushLSN: LSN, applyLSN: LSN, clientTime: PostgresTimestamp, replyRequested: Bool = false) {
        self.writeLSN = writeLSN
        self.flushLSN = flushLSN
        self.applyLSN = applyLSN
        self.clientTime = clientTime
        self.replyRequested = replyRequested
    }

    /// A logical consumer's report: `flushed` is also reported as written and applied.
    public init(flushed: LSN, clientTime: PostgresTimestamp, replyRequested: Bool) {
        self.init(writeLSN: flushed, flushLSN: flushed, applyLSN: flushed, clientTime: clientTime, replyRequested: replyRequested)
    }

    /// The CopyData payload to send to the server.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.encodedSize)
        bytes.append(Self.tag)
        for value in [writeLSN.value, flushLSN.value, applyLSN.value, UInt64(bitPattern: clientTime.microsecondsSince2000)] {
            for shift in stride(from: 56, through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
            }
        }
        bytes.append(replyRequested ? 1 : 0)
        return bytes
    }
}
