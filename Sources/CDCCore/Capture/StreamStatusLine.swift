/// The stream's one-line status on stderr (position, lag, rate), redrawn every second like the
/// snapshot's progress line. Silent unless enabled, which the CLI does only when stderr is a
/// terminal and not `-q`.
struct StreamStatusLine {
    private let enabled: Bool
    private var lastDraw = 0.0
    private var lastEvents: Int64 = 0
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    /// Redraws the line when a second has passed since the last one.
    mutating func update(now: Double, received: LSN, acknowledged: LSN, lagBytes: Int64?, events: Int64) {
        guard enabled, now - lastDraw >= 1 else { return }
        let rate = lastDraw == 0 ? 0 : Double(events - lastEvents) / (now - lastDraw)
        lastDraw = now
        lastEvents = events
        StandardError.write("\r\u{1B}[K" + Self.text(received: received, acknowledged: acknowledged, lagBytes: lagBytes, eventsPerSecond: rate))
        drawn = true
    }

    /// Clears the line, so a notice that follows starts on a clean line.
    mutating func clear() {
        guard drawn else { return }
        StandardError.write("\r\u{1B}[K")
        drawn = false
    }

    /// The line's text, e.g. `streaming: received 0/1A2B3C8, acknowledged 0/1A2B3C8, lag 0 bytes, 120 events/s`.
    static func text(received: LSN, acknowledged: LSN, lagBytes: Int64?, eventsPerSecond: Double) -> String {
        let lag = lagBytes.map { ByteSize.pretty($0) } ?? "unknown"
        return "streaming: received \(received), acknowledged \(acknowledged), lag \(lag), \(Int(eventsPerSecond.rounded())) events/s"
    }
}
