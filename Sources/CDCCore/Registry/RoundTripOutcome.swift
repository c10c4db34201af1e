import Dispatch
import Foundation
import Synchronization

/// The result of one blocking HTTP round trip, set once by URLSession's completion handler and
/// read by the thread that waits on `done` (registry calls are off the hot path, so they block).
final class RoundTripOutcome<Failure: Error & Sendable>: Sendable {
    /// Signalled when the result is set.
    let done = DispatchSemaphore(value: 0)
    private let value = Mutex<Result<(Int, Data), Failure>?>(nil)

    /// The status and body, or why there was none; nil until set.
    var result: Result<(Int, Data), Failure>? { value.withLock { $0 } }

    /// Sets the result and wakes the waiting thread.
    func finish(_ result: Result<(Int, Data), Failure>) {
        value.withLock { $0 = result }
        done.signal()
    }
}
