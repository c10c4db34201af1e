/// The result of one preflight check: what was found and, for a problem, how to fix it.
public struct PreflightCheck: Sendable, Equatable {
    /// ok, a problem, or not run (nothing to check it against).
    public enum Status: String, Sendable {
        case ok
        case problem
        case skipped = "skip"
    }

    /// The check's short name (`wal_level`, `replication_slots`, `broker`, …).
    public var name: String
    /// Its outcome.
    public var status: Status
    /// What was found, naming the setting, role, table, broker or URL.
    public var message: String
    /// For a problem: what to do about it.
    public var fix: String?

    /// A passed check.
    public static func ok(_ name: String, _ message: String) -> PreflightCheck {
        PreflightCheck(name: name, status: .ok, message: message, fix: nil)
    }

    /// A problem and its fix.
    public static func problem(_ name: String, _ message: String, fix: String) -> PreflightCheck {
        PreflightCheck(name: name, status: .problem, message: message, fix: fix)
    }

    /// A check that was not run, and why.
    public static func skipped(_ name: String, _ message: String) -> PreflightCheck {
        PreflightCheck(name: name, status: .skipped, message: message, fix: nil)
    }

    /// `message: fix` for a problem, else the message.
    public var sentence: String { fix.map { "\(message): \($0)" } ?? message }
}

/// A preflight problem that stops `cdcctl stream` before it creates anything.
public struct PreflightProblem: Error, CustomStringConvertible, Sendable, Equatable {
    /// The failed check.
    public let check: PreflightCheck
    /// What is wrong and how to fix it, on one line.
    public var description: String { check.sentence }
}
