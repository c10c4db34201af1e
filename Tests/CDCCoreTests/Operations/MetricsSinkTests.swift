import XCTest
@testable import CDCCore

/// `MetricsSink` counts what passes through it, and `StreamMetrics` renders it; no server.
final class MetricsSinkTests: XCTestCase {
    /// A sink that takes everything and reports durable whatever the test says.
    private struct FakeSink: ChangeEventSink {
        var durableLSN: LSN?
        var changes = 0
        var queued = 0
        mutating func beginTransaction(id: Int64?, finalLSN: LSN, commitMicros: Int64) throws {}
        mutating func change(_ op: CDCCore.Operation, table: EventTable, before: RowSource?, after: RowSource?, position: SourcePosition) throws { changes += 1 }
        mutating func message(prefix: String, content: [UInt8], origin: EventTable, position: SourcePosition) throws {}
        mutating func endTransaction(at lsn: LSN?) throws {}
        mutating func abandonTransaction() throws {}
        mutating func durable(wait: Double) throws -> LSN? { durableLSN }
        var isBackedUp: Bool { false }
        var queuedMessages: Int { queued }
        mutating func drain(timeout: Double?) throws -> Bool { true }
    }

    private func table(_ name: String) -> EventTable {
        EventTable(prefix: "cdcctl", database: "db", name: TableName(schema: "public", table: name), columns: [])
    }

    private func exposition(_ metrics: StreamMetrics) -> String { String(decoding: metrics.exposition(), as: UTF8.self) }

    func testCountsEventsByTableAndOperationAndHandsEverythingOn() throws {
        let metrics = StreamMetrics()
        var sink = MetricsSink(base: FakeSink(), metrics: metrics)
        let p = SourcePosition(commitMicros: 0)
        try sink.beginTransaction(id: 1, finalLSN: LSN(100), commitMicros: 0)
        for op in [CDCCore.Operation.create, .create, .update, .delete] { try sink.change(op, table: table("a"), before: nil, after: nil, position: p) }
        try sink.change(.truncate, table: table("b"), before: nil, after: nil, position: p)
        try sink.change(.create, table: table("a"), before: nil, after: nil, position: p)
        try sink.endTransaction(at: LSN(110))
        XCTAssertEqual(sink.base.changes, 6)
        XCTAssertEqual(metrics.events, 6)
        let text = exposition(metrics)
        XCTAssertTrue(text.contains(#"cdcctl_events_total{table="public.a",op="c"} 3"#), text)
        XCTAssertTrue(text.contains(#"cdcctl_events_total{table="public.a",op="u"} 1"#), text)
        XCTAssertTrue(text.contains(#"cdcctl_events_total{table="public.a",op="d"} 1"#), text)
        XCTAssertTrue(text.contains(#"cdcctl_events_total{table="public.b",op="t"} 1"#), text)
        XCTAssertTrue(text.contains("cdcctl_transactions_total 1\n"), text)
        XCTAssertTrue(text.contains("# TYPE cdcctl_events_total counter\n"), text)
    }

    func testSnapshotRowsAndTablesDone() throws {
        let metrics = StreamMetrics()
        var sink = MetricsSink(base: FakeSink(), metrics: metrics)
        let p = SourcePosition(commitMicros: 0, snapshot: .inner)
        try sink.change(.read, table: table("a"), before: nil, after: nil, position: p)
        try sink.change(.read, table: table("a"), before: nil, after: nil, position: p)
        XCTAssertTrue(exposition(metrics).contains("cdcctl_snapshot_tables_done 0.0\n"))
        try sink.change(.read, table: table("b"), before: nil, after: nil, position: p)
        let text = exposition(metrics)
        XCTAssertTrue(text.contains("cdcctl_snapshot_rows_total 3\n"), text)
        XCTAssertTrue(text.contains("cdcctl_snapshot_tables_done 1.0\n"), text)
        XCTAssertTrue(text.contains("cdcctl_transactions_total 0\n"), "a snapshot is no streamed transaction: \(text)")
    }

    /// Latency is observed when `durable` first reports a transaction's end, not when it is
    /// handed over; a transaction abandoned before its end is never observed.
    func testCommitToAcknowledgeIsObservedWhenTheSinkReportsDurable() throws {
        let metrics = StreamMetrics()
        var sink = MetricsSink(base: FakeSink(), metrics: metrics)
        let twoSecondsAgo = Clock.realtimeNanos() / 1000 - 2_000_000
        try sink.beginTransaction(id: 1, finalLSN: LSN(100), commitMicros: twoSecondsAgo)
        try sink.endTransaction(at: LSN(110))
        try sink.beginTransaction(id: 2, finalLSN: LSN(200), commitMicros: twoSecondsAgo)
        try sink.endTransaction(at: LSN(210))
        try sink.beginTransaction(id: 3, finalLSN: LSN(300), commitMicros: twoSecondsAgo)
        try sink.abandonTransaction()
        sink.base.queued = 7
        _ = try sink.durable(wait: 0)
        XCTAssertTrue(exposition(metrics).contains("cdcctl_commit_to_acknowledge_seconds_count 0\n"))
        XCTAssertTrue(exposition(metrics).contains("cdcctl_queued_messages 7.0\n"))
        sink.base.durableLSN = LSN(110)
        _ = try sink.durable(wait: 0)
        XCTAssertTrue(exposition(metrics).contains("cdcctl_commit_to_acknowledge_seconds_count 1\n"))
        XCTAssertTrue(exposition(metrics).contains(#"cdcctl_commit_to_acknowledge_seconds_bucket{le="1.0"} 0"#))
        XCTAssertTrue(exposition(metrics).contains(#"cdcctl_commit_to_acknowledge_seconds_bucket{le="2.5"} 1"#))
        sink.base.durableLSN = LSN(400)
        _ = try sink.durable(wait: 0)
        _ = try sink.durable(wait: 0)
        let text = exposition(metrics)
        XCTAssertTrue(text.contains("cdcctl_commit_to_acknowledge_seconds_count 2\n"), text)
        XCTAssertTrue(text.contains("cdcctl_transactions_total 2\n"), text)
    }

    func testStatusLineText() {
        XCTAssertEqual(StreamStatusLine.text(received: LSN(0x1_0000_00A0), acknowledged: LSN(0x1_0000_0000), lagBytes: 3 * 1024 * 1024, eventsPerSecond: 119.6),
                       "streaming: received 1/A0, acknowledged 1/0, lag 3 MB, 120 events/s")
        XCTAssertEqual(StreamStatusLine.text(received: .zero, acknowledged: .zero, lagBytes: nil, eventsPerSecond: 0),
                       "streaming: received 0/0, acknowledged 0/0, lag unknown, 0 events/s")
    }
}
