import Dispatch

/// Runs `body` on Swift's concurrency pool and blocks the calling thread (never one of the pool's)
/// until it finishes: how the synchronous commands wait for a server's async calls.
public func waitForTask<Value: Sendable>(_ body: @escaping @Sendable () async throws -> Value) throws -> Value {
    let outcome = LockedValue<Result<Value, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        do { outcome.set(.success(try await body())) } catch { outcome.set(.failure(error)) }
        done.signal()
    }
    done.wait()
    guard let result = outcome.value else { preconditionFailure("the task signalled before setting its outcome") }
    return try result.get()
}
