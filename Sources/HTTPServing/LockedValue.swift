import Synchronization

/// A value shared between a server's tasks and the thread that waits for them: a `Mutex` in
/// a class, because a `Mutex` alone cannot be captured by an escaping closure.
public final class LockedValue<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    /// A box holding `value`.
    public init(_ value: Value) { mutex = Mutex(value) }

    /// The current value.
    public var value: Value { mutex.withLock { $0 } }

    /// Replaces the value.
    public func set(_ value: Value) { mutex.withLock { $0 = value } }
}
