import Glibc

/// A one-line progress display on stderr (rows, rows/s, ETA), redrawn at most twice a second.
/// Silent unless enabled, which the CLI does only when stderr is a terminal.
public struct ProgressReporter {
    private let enabled: Bool
    private var label = ""
    private var expected: Int64?
    private var rows: Int64 = 0
    private var started = 0.0
    private var lastDraw = 0.0
    /// More to show after the rows (a parallel read's ranges), asked for at each redraw.
    var detail: (() -> String)?

    /// Creates a reporter; `enabled` false makes every call a no-op.
    public init(enabled: Bool) { self.enabled = enabled }

    /// Whether stderr is a terminal.
    public static var stderrIsTerminal: Bool { StandardError.isTerminal }

    mutating func begin(_ label: String, expected: Int64?) {
        guard enabled else { return }
        self.label = label
        self.expected = expected
        rows = 0
        started = Clock.monotonicSeconds()
        lastDraw = 0
    }

    @inline(__always) mutating func row() {
        guard enabled else { return }
        rows += 1
        if rows & 1023 == 0 {
            let now = Clock.monotonicSeconds()
            if now - lastDraw >= 0.5 { lastDraw = now; draw(now: now, final: false) }
        }
    }

    mutating func end() {
        guard enabled else { return }
        draw(now: Clock.monotonicSeconds(), final: true)
    }

    private func draw(now: Double, final: Bool) {
        let elapsed = max(now - started, 1e-6)
        let rate = Double(rows) / elapsed
        var line = "\r\u{1B}[K\(label): \(rows) rows, \(Int(rate)) rows/s" + (final ? "" : detail?() ?? "")
        if final {
            line += String(format0: elapsed) + "\n"
        } else if let expected, expected > rows, rate > 0 {
            line += ", ETA \(Int((Double(expected - rows) / rate).rounded(.up)))s"
        }
        StandardError.write(line)
    }
}

extension String {
    fileprivate init(format0 seconds: Double) {
        self = ", done in \(Int(seconds * 10) / 10).\(Int(seconds * 10) % 10)s"
    }
}
