/// `--exactly-once` found a committed position that may not belong to the stream it starts:
/// skipping by it could lose changes, so the stream refuses to start. Resetting the recorded
/// position (`KafkaSinkOptions.ExactlyOnce.resetPosition`) is the decision that overrides it.
/// The description names what does not match in the library's terms; a command line words it
/// with its flag.
public struct CommittedPositionMismatch: Error, CustomStringConvertible, Sendable, Equatable {
    /// What does not match.
    public enum Reason: Sendable, Equatable {
        /// The position was recorded on a cluster with another system identifier.
        case otherCluster(recorded: String, current: String)
        /// Recorded on another timeline of this cluster, and ahead of where the stream starts:
        /// it may lie on a branch of WAL history this server never had.
        case otherTimeline(recorded: UInt32, current: UInt32, start: LSN)
        /// Ahead of everything this server's WAL holds (`walFlush`): it belongs to another WAL
        /// history (another cluster, a restored backup or snapshot).
        case aheadOfServer(walFlush: LSN)
        /// Recorded without a cluster identity (by an earlier cdcctl), and ahead of where the
        /// stream starts: it cannot be told from another cluster's.
        case unidentified(start: LSN)
    }

    /// The slot whose position is recorded.
    public let slot: String
    /// The offsets topic holding it.
    public let topic: String
    /// The recorded position (where the earlier stream resumes).
    public let position: LSN
    /// What does not match.
    public let reason: Reason

    /// Creates the error.
    public init(slot: String, topic: String, position: LSN, reason: Reason) {
        self.slot = slot
        self.topic = topic
        self.position = position
        self.reason = reason
    }

    /// What does not match, on one line, ending before what to do about it.
    public var mismatch: String {
        let recorded = "the position \(position) of slot \(slot) in topic \(topic)"
        switch reason {
        case let .otherCluster(recordedID, currentID):
            return "\(recorded) was recorded on another cluster (system identifier \(recordedID); this server's is \(currentID))"
        case let .otherTimeline(recordedTimeline, currentTimeline, start):
            return "\(recorded) was recorded on timeline \(recordedTimeline), this server is on timeline \(currentTimeline), and it is ahead of the slot (\(start))"
        case let .aheadOfServer(walFlush):
            return "\(recorded) is ahead of this server's WAL (\(walFlush)): it was recorded on another cluster or WAL history"
        case let .unidentified(start):
            return "\(recorded) was recorded without a cluster identity (by an earlier cdcctl) and is ahead of the slot (\(start))"
        }
    }

    public var description: String {
        "\(mismatch): skipping by it could lose changes; reset the recorded position to stream everything from the slot"
    }
}
