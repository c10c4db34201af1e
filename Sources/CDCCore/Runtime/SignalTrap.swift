import Glibc

/// SIGINT and SIGTERM turned into requests on one `StopToken`. A C signal handler cannot capture
/// anything, so this is the one place that keeps the token process-wide; everything else gets
/// the token passed in.
public enum SignalTrap {
    /// The token the handlers raise. Created before any handler is installed (a `static let`
    /// initializes on first use, which must not happen inside a signal handler).
    private static let token = StopToken()

    /// Installs the handlers (idempotent) and returns the token they raise. No SA_RESTART: a
    /// blocking read or poll returns EINTR at once, so loops notice the request promptly.
    public static func stopToken() -> StopToken {
        let token = token
        for signal in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { _ in SignalTrap.token.raise() }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(signal, &action, nil)
        }
        return token
    }
}
