import Glibc

/// SIGINT and SIGTERM turned into a flag the replication loop polls between reads, so a stop
/// lands on a transaction boundary instead of killing the process mid-write.
public enum StopSignal {
    nonisolated(unsafe) private static var raised: sig_atomic_t = 0

    /// Installs the handlers (idempotent).
    public static func install() {
        for signal in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { _ in StopSignal.raised += 1 }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0 // no SA_RESTART: a blocking poll returns EINTR at once
            sigaction(signal, &action, nil)
        }
    }

    /// Whether a stop was requested.
    public static var isRaised: Bool { raised != 0 }

    /// How many stop signals arrived: a second one gives up waiting for a slow sink.
    public static var count: Int { Int(raised) }
}
