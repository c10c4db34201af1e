import Dispatch
import Synchronization

/// Runs one batch at a time of `PostgresApplier.apply` on its own thread, so that reading and
/// decoding the next batch overlaps the target's work on this one (bench/apply: the target's
/// COPY, merge and commit are about 40% of a run). Batches still reach the target one after the
/// other, in input order, each in its own transaction with its positions: exactly once is the
/// applier's business as before; only the reader runs one batch ahead.
final class ApplyWorker: Sendable {
    // Unsafe only in name: the applier is handed over, never shared. The caller touches it only
    // while no batch runs (before `start`, after `wait`), and the semaphore orders the two sides.
    nonisolated(unsafe) private let applier: PostgresApplier
    private let queue = DispatchQueue(label: "cdcctl.apply.target")
    private let finished = DispatchSemaphore(value: 0)
    private let failure = Mutex<(any Error)?>(nil)
    private let running = Atomic<Bool>(false)

    init(applier: PostgresApplier) { self.applier = applier }

    /// Whether a batch was started and not yet waited for.
    var isRunning: Bool { running.load(ordering: .relaxed) }

    /// Starts applying `records`; the previous batch must have been waited for.
    func start(_ records: [ApplyRecord]) {
        precondition(!isRunning, "a batch is still being applied")
        running.store(true, ordering: .relaxed)
        queue.async { [self] in
            do {
                try applier.apply(records)
            } catch {
                failure.withLock { $0 = error }
            }
            finished.signal()
        }
    }

    /// Starts applying the records of `batch` and leaves it empty, its capacity kept, for the
    /// next batch to be read into.
    func start(taking batch: inout [ApplyRecord]) {
        let capacity = batch.capacity
        start(batch)
        batch = []
        batch.reserveCapacity(capacity)
    }

    /// Waits for the running batch (if any) and rethrows what its apply threw.
    func wait() throws {
        guard isRunning else { return }
        finished.wait()
        running.store(false, ordering: .relaxed)
        if let error = failure.withLock({ value -> (any Error)? in defer { value = nil }; return value }) { throw error }
    }
}
