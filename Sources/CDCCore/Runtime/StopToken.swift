import Synchronization

/// A request to stop, passed explicitly to whatever runs long (the stream loop, a sink's drain,
/// consume and produce). Loops poll it between reads, so a stop lands on a transaction boundary
/// instead of killing the process mid-write; a second request means "stop waiting, give up".
public final class StopToken: Sendable {
    private let requests = Atomic<Int>(0)

    /// A token nobody has raised yet.
    public init() {}

    /// Asks to stop; safe to call from a signal handler (one lock-free atomic add).
    public func raise() {
        requests.add(1, ordering: .relaxed)
    }

    /// Whether a stop was requested.
    public var isRaised: Bool { requests.load(ordering: .relaxed) != 0 }

    /// How many stops were requested: a second one gives up waiting for a slow sink.
    public var count: Int { requests.load(ordering: .relaxed) }

    /// Sleeps for up to `seconds`, waking early when a stop is requested; returns whether it was.
    @discardableResult
    public func sleep(_ seconds: Double) -> Bool {
        let deadline = Clock.monotonicSeconds() + seconds
        while !isRaised {
            let left = deadline - Clock.monotonicSeconds()
            if left <= 0 { return false }
            Clock.sleep(min(left, 0.1))
        }
        return true
    }
}
