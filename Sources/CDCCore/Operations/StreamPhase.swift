/// Where a `cdcctl stream` is in its life, as `/healthz` reports it: healthy while it reads the
/// initial snapshot or streams; not while it starts, reconnects after a lost connection, or has
/// stopped, so an orchestrator's probe sees an outage the process itself is riding out.
public enum StreamPhase: UInt8, Sendable {
    case starting, snapshot, streaming, reconnecting, stopped

    /// Whether a health probe should pass.
    public var isHealthy: Bool { self == .snapshot || self == .streaming }

    /// The word `/healthz` answers with.
    public var word: String {
        switch self {
        case .starting: "starting"
        case .snapshot: "snapshot"
        case .streaming: "streaming"
        case .reconnecting: "reconnecting"
        case .stopped: "stopped"
        }
    }
}
