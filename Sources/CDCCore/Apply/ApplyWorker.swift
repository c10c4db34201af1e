import Dispatch

/// Runs one batch at a time of `PostgresApplier.apply` on its own thread, so that reading and
/// decoding the next batch overlaps the target's work on this one (bench/apply: the target's
/// COPY, merge and commit are about 40% of a run). Batches still reach the target one after the
/// other, in input order, each in its own transaction with its positions: exactly once is the
/// applier's business as before; only the reader runs one batch ahead.
///
/// The applier is handed over, not shared: the caller touches it only while no batch runs
/// (before `start`, after `wait`). That hand-over, ordered by the semaphore, is why this class
/// can be `@unchecked Sendable` although the applier is not.
final class ApplyWorker: @unchecked Sendable {
    private let applier: PostgresApplier
    private let queue = DispatchQueue(label: "cdcctl.apply.target")
    private let finished = DispatchSemaphore(value: 0)
    /// Written by the worker before it signals `finished`, read by the caller after waiting.
    private var failure: (any Error)?
    /// Caller's side only.
    private(set) var isRunning = false

    init(applier: PostgresApplier) { self.applier = applier }

    /// Starts applying `records`; the previous batch must have been waited for.
    func start(_ records: [ApplyRecord]) {
        precondition(!isRunning, "a batch is still being applied")
        isRunning = true
        queue.async { [self] in
            do {
                try applier.apply(records)
                failure = nil
            } catch {
                failure = error
            }
            finished.signal()
        }
    }

    /// Waits for the running batch (if any) and rethrows what its apply threw.
    func wait() throws {
        guard isRunning else { return }
        finished.wait()
        isRunning = false
        if let failure {
            self.failure = nil
            throw failure
        }
    }
}
