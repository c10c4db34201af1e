import CDCTestSupport
import Foundation
import XCTest
@testable import CDCCore

/// Snapshot markers across tables, and that a snapshot of several tables is exactly one committed
/// state while other transactions keep committing.
final class SnapshotConsistencyTests: XCTestCase {
    private func markers(_ events: [[String: Any]]) -> [String] {
        events.map { (($0["source"] as? [String: Any])?["snapshot"] as? String) ?? "?" }
    }

    private func tables(_ events: [[String: Any]]) -> [String] {
        events.map { (($0["source"] as? [String: Any])?["table"] as? String) ?? "?" }
    }

    /// Creates tables `t1`, `t2`, … with the given row counts (ids 1…n) and returns their names.
    private func makeTables(_ counts: [Int], _ schema: String, _ connection: PGConnection) throws -> [TableName] {
        try counts.enumerated().map { index, count in
            let name = TableName(schema: schema, table: "t\(index + 1)")
            try connection.execute("CREATE TABLE \(name.sqlIdentifier) (id int PRIMARY KEY, v text)")
            if count > 0 { try connection.execute("INSERT INTO \(name.sqlIdentifier) SELECT i, 'r' || i FROM generate_series(1, \(count)) i") }
            return name
        }
    }

    func testMarkersAcrossThreeTablesWithAnEmptyOneInTheMiddle() throws {
        try withScratchSchema { schema, connection in
            let names = try makeTables([3, 0, 2], schema, connection)
            let events = try snapshotEvents(tables: names)
            XCTAssertEqual(markers(events), ["first", "true", "last_in_data_collection", "first_in_data_collection", "last"])
            XCTAssertEqual(tables(events), ["t1", "t1", "t1", "t3", "t3"])
            XCTAssertEqual(events.compactMap { JSONShape.int64(($0["after"] as? [String: Any])?["id"]) }, [1, 2, 3, 1, 2])
        }
    }

    func testSingleRowTableIsLast() throws {
        try withScratchSchema { schema, connection in
            let names = try makeTables([1], schema, connection)
            XCTAssertEqual(markers(try snapshotEvents(tables: names)), ["last"])
        }
    }

    func testSingleRowMiddleTableIsLastInDataCollection() throws {
        try withScratchSchema { schema, connection in
            let names = try makeTables([2, 1, 2], schema, connection)
            let events = try snapshotEvents(tables: names)
            XCTAssertEqual(markers(events), ["first", "last_in_data_collection", "last_in_data_collection", "first_in_data_collection", "last"])
            XCTAssertEqual(tables(events), ["t1", "t1", "t2", "t3", "t3"])
        }
    }

    func testLastEmittedRowIsLastEvenWhenLaterTablesAreEmpty() throws {
        try withScratchSchema { schema, connection in
            let names = try makeTables([0, 2, 0, 0], schema, connection)
            let events = try snapshotEvents(tables: names)
            XCTAssertEqual(markers(events), ["first", "last"])
            XCTAssertEqual(tables(events), ["t2", "t2"])
        }
    }

    func testOnlyEmptyTablesWriteNothing() throws {
        try withScratchSchema { schema, connection in
            let names = try makeTables([0, 0], schema, connection)
            let snapshot = try PGConnection(conninfo: try TestDatabase.url)
            var reader = SnapshotReader(connection: snapshot, options: SnapshotOptions(tables: names, prefix: "test"))
            var output = CapturingOutput()
            let summary = try reader.run(into: &output)
            XCTAssertEqual(output.bytes, [])
            XCTAssertEqual(summary.rows.map(\.count), [0, 0])
            XCTAssertEqual(summary.rows.map(\.table), names)
        }
    }

    // MARK: - One committed state under concurrent writes

    private static let baseRows = 50_000
    private static let extraA = 1_000_000, extraB = 2_000_000

    /// Commits transfers in a loop on its own connection. Transaction n moves 1 from a.id=n to
    /// b.id=n, inserts a(extraA+n, 0), replaces b's extra row with b(extraB+n, 0) and sets c.n = n,
    /// so the committed state after n transactions is fully determined by n.
    private final class TransferWriter: @unchecked Sendable {
        private let lock = NSLock()
        private var _commits = 0, _stop = false
        private var _error: Error?
        private let done = DispatchSemaphore(value: 0)
        var commits: Int { lock.withLock { _commits } }
        var error: Error? { lock.withLock { _error } }

        func start(url: String, schema: String, limit: Int) {
            let thread = Thread { [self] in
                defer { done.signal() }
                do {
                    let connection = try PGConnection(conninfo: url)
                    var n = 0
                    while n < limit, !lock.withLock({ _stop }) {
                        n += 1
                        try connection.execute("""
                            BEGIN;
                            UPDATE \(schema).a SET v = v - 1 WHERE id = \(n);
                            UPDATE \(schema).b SET v = v + 1 WHERE id = \(n);
                            INSERT INTO \(schema).a VALUES (\(extraA + n), 0);
                            INSERT INTO \(schema).b VALUES (\(extraB + n), 0);
                            DELETE FROM \(schema).b WHERE id = \(extraB + n - 1);
                            UPDATE \(schema).c SET n = \(n);
                            COMMIT
                            """, context: "transfer \(n)")
                        lock.withLock { _commits = n }
                    }
                } catch {
                    lock.withLock { _error = error }
                }
            }
            thread.start()
        }

        func stop() {
            lock.withLock { _stop = true }
            done.wait()
        }
    }

    /// Checks each streamed event against the state that the snapshot's c.n implies.
    private final class StateChecker {
        var n: Int?
        var count = ["a": 0, "b": 0, "c": 0]
        var sum = ["a": 0, "b": 0]
        var mismatches: [String] = []
        var order: [String] = []

        func see(_ event: [String: Any]) {
            let table = ((event["source"] as? [String: Any])?["table"] as? String) ?? "?"
            if order.last != table { order.append(table) }
            guard let after = event["after"] as? [String: Any] else { return fail("no after in \(table)") }
            count[table, default: 0] += 1
            if table == "c" { n = JSONShape.int64(after["n"]).map(Int.init); return }
            guard let n else { return fail("\(table) row before c") }
            guard let id = JSONShape.int64(after["id"]).map(Int.init), let v = JSONShape.int64(after["v"]).map(Int.init) else {
                return fail("bad row \(after)")
            }
            sum[table, default: 0] += v
            let expected: Int?
            switch (table, id) {
            case ("a", 1...baseRows): expected = id <= n ? 99 : 100
            case ("b", 1...baseRows): expected = id <= n ? 101 : 100
            case ("a", (extraA + 1)...(extraA + n)): expected = 0
            case ("b", extraB + n) where n > 0: expected = 0
            default: expected = nil
            }
            if expected != v { fail("\(table) id \(id) v \(v), state \(n) implies \(expected.map(String.init) ?? "no such row")") }
        }

        private func fail(_ message: String) { if mismatches.count < 10 { mismatches.append(message) } }
    }

    func testSnapshotIsExactlyOneCommittedStateWhileTransfersCommit() throws {
        try withScratchSchema { schema, connection in
            try connection.execute("""
                CREATE TABLE \(schema).a (id int PRIMARY KEY, v int NOT NULL);
                CREATE TABLE \(schema).b (id int PRIMARY KEY, v int NOT NULL);
                CREATE TABLE \(schema).c (n int NOT NULL);
                INSERT INTO \(schema).a SELECT i, 100 FROM generate_series(1, \(Self.baseRows)) i;
                INSERT INTO \(schema).b SELECT i, 100 FROM generate_series(1, \(Self.baseRows)) i;
                INSERT INTO \(schema).c VALUES (0);
                ANALYZE \(schema).a; ANALYZE \(schema).b
                """)
            let writer = TransferWriter()
            writer.start(url: try TestDatabase.url, schema: schema, limit: Self.baseRows - 1)
            var stopped = false
            defer { if !stopped { writer.stop() } }

            let deadline = Date().addingTimeInterval(20)
            while writer.commits < 5, writer.error == nil, Date() < deadline { usleep(1000) }
            XCTAssertGreaterThanOrEqual(writer.commits, 5, "writer never got going: \(writer.error.map { "\($0)" } ?? "timeout")")

            let checker = StateChecker()
            let committedBefore = writer.commits
            let started = Date()
            let summary = try forEachSnapshotEvent(tables: ["c", "a", "b"].map { TableName(schema: schema, table: $0) }) { event, _ in
                checker.see(event)
            }
            let committedAfter = writer.commits
            let elapsed = Date().timeIntervalSince(started)
            writer.stop()
            stopped = true
            XCTAssertNil(writer.error, "writer failed: \(writer.error.map { "\($0)" } ?? "")")

            let n = try XCTUnwrap(checker.n, "the snapshot has no c row")
            XCTAssertEqual(checker.mismatches, [], "rows are not the committed state \(n)")
            XCTAssertEqual(checker.order, ["c", "a", "b"])
            XCTAssertEqual(checker.count["c"], 1)
            XCTAssertEqual(checker.count["a"], Self.baseRows + n)
            XCTAssertEqual(checker.count["b"], Self.baseRows + (n > 0 ? 1 : 0))
            XCTAssertEqual(checker.sum["a", default: 0] + checker.sum["b", default: 0], 2 * 100 * Self.baseRows, "sum(a.v) + sum(b.v)")
            XCTAssertEqual(summary.rows.map(\.count), [1, Int64(Self.baseRows + n), Int64(Self.baseRows + (n > 0 ? 1 : 0))])
            // The snapshot state lies inside the window, and transfers committed during it that it did not see.
            XCTAssertGreaterThanOrEqual(n, committedBefore, "snapshot older than a commit that finished before it started")
            XCTAssertLessThanOrEqual(n, committedAfter)
            XCTAssertGreaterThan(committedAfter - committedBefore, 0, "no transfer committed during the \(elapsed)s snapshot")
            XCTAssertGreaterThan(committedAfter, n, "no commit after the snapshot's state was fixed")

            // The model of the committed states holds on the server for the writer's final state too.
            let final = writer.commits
            let check = try queryRows(connection, """
                SELECT (SELECT n FROM \(schema).c), (SELECT count(*) FROM \(schema).a), (SELECT count(*) FROM \(schema).b),
                       (SELECT sum(v) FROM \(schema).a) + (SELECT sum(v) FROM \(schema).b),
                       (SELECT count(*) FROM \(schema).a WHERE v = 99), (SELECT count(*) FROM \(schema).b WHERE v = 101)
                """, columns: 6)
            XCTAssertEqual(check.first, ["\(final)", "\(Self.baseRows + final)", "\(Self.baseRows + (final > 0 ? 1 : 0))",
                                         "\(2 * 100 * Self.baseRows)", "\(final)", "\(final)"])
        }
    }
}
