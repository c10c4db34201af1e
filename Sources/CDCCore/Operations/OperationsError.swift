/// Why `cdcctl slots drop` or `cdcctl check` did not do what was asked, worded with the fix.
public enum OperationsError: Error, CustomStringConvertible, Sendable, Equatable {
    /// No slot of that name on the server.
    case slotMissing(slot: String, server: String)
    /// A walsender streams from the slot, and dropping it was not forced.
    case slotActive(slot: String, pid: Int32, client: String?)
    /// The slot was still taken by a consumer after `seconds` of terminating its walsenders.
    case slotStaysActive(slot: String, pid: Int32, seconds: Double)
    /// The preflight found problems (their names, in order).
    case checksFailed(problems: [String])

    /// One line, naming the slot (or the failed checks) and what to do.
    public var description: String {
        switch self {
        case let .slotMissing(slot, server):
            return "replication slot \(slot) does not exist on \(server)"
        case let .slotActive(slot, pid, client):
            let by = client.map { " by \($0)" } ?? ""
            return "replication slot \(slot) is active (walsender process \(pid)\(by)): stop its consumer, or pass --force to terminate it and drop the slot"
        case let .slotStaysActive(slot, pid, seconds):
            return "replication slot \(slot) is still in use (walsender process \(pid)) after \(Int(seconds)) s of terminating its consumers: stop the client that reconnects to it"
        case let .checksFailed(problems):
            let noun = problems.count == 1 ? "problem" : "problems"
            // Each check named once, with how often it failed: "table (2), wal_level".
            var names: [String] = []
            for name in problems where !names.contains(name) { names.append(name) }
            let counted = names.map { name in
                let n = problems.filter { $0 == name }.count
                return n == 1 ? name : "\(name) (\(n))"
            }
            return "check found \(problems.count) \(noun): \(counted.joined(separator: ", ")); the fixes are on stdout"
        }
    }
}
