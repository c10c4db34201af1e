import CDCTestSupport
import Foundation
import Glibc
import XCTest

/// Stopping and restarting `cdcctl stream`: what the slot's acknowledged position promises
/// (exactly once across a clean stop, at least once across a crash), the snapshot → stream
/// handoff, and `--snapshot initial-only`.
final class StreamRestartTests: XCTestCase {
    /// `op c` ids of `events`, in order.
    private func createdIds(_ events: [StreamEvent]) -> [Int64] { events.filter { $0.op == "c" }.compactMap(\.id) }

    /// Ids that occur more than once, and the ones of `expected` that never occur.
    private func tally(_ ids: [Int64], expected: ClosedRange<Int64>) -> (duplicates: [Int64], missing: [Int64], unexpected: [Int64]) {
        var counts: [Int64: Int] = [:]
        for id in ids { counts[id, default: 0] += 1 }
        return (counts.filter { $0.value > 1 }.keys.sorted(),
                expected.filter { counts[$0] == nil },
                counts.keys.filter { !expected.contains($0) }.sorted())
    }

    func testSigtermStopsAtATransactionBoundaryAndARestartContinuesExactlyOnce() throws {
        let f = try StreamFixture(self)
        let t = f.table("items")
        try f.sql.exec("CREATE TABLE \(t) (id int PRIMARY KEY, v text)")
        let first = try f.startStream(["-t", t, "--status-interval", "1"])
        try f.waitForSlotActive(run: first)

        // Some transactions, all seen on stdout before the signal…
        for tx in 0..<5 {
            try f.sql.exec("INSERT INTO \(t) SELECT g, 'first' FROM generate_series(\(tx * 3 + 1), \(tx * 3 + 3)) g")
        }
        try first.waitForEvents("the first 15 rows") { self.createdIds($0).count >= 15 }
        // …then a writer still committing while the signal arrives.
        let writer = f.startWriter(pause: 0.001) { sql, i in
            try sql.exec("BEGIN; INSERT INTO \(t) VALUES (\(15 + 2 * i - 1), 'a'); INSERT INTO \(t) VALUES (\(15 + 2 * i), 'b'); COMMIT")
        }
        try writer.waitForSteps(30)
        first.signal(SIGTERM)
        try first.waitForExit(timeout: 10)
        XCTAssertEqual(first.process.terminationStatus, 0, first.summary)
        XCTAssertTrue(first.partialLine.isEmpty, "SIGTERM cut a line: \(first.partialLine.prefix(200))")
        try writer.waitForSteps(writer.completed + 20)
        let steps = try writer.stop()
        let total = Int64(15 + 2 * steps)

        try f.waitForSlotInactive()
        let endpos = try f.sql.currentLSN()
        let second = try f.stream(["-t", t, "--endpos", endpos])
        XCTAssertEqual(second.process.terminationStatus, 0, second.summary)

        let firstIds = createdIds(try first.events())
        let secondIds = createdIds(try second.events())
        XCTAssertGreaterThanOrEqual(firstIds.count, 15)
        XCTAssertFalse(secondIds.isEmpty, "rows written after the stop must come with the restart")
        let result = tally(firstIds + secondIds, expected: 1...total)
        XCTAssertEqual(result.duplicates, [], "a clean stop acknowledges exactly what was printed")
        XCTAssertEqual(result.missing, [])
        XCTAssertEqual(result.unexpected, [])
        // Transactions stay whole: every two-row transaction is printed by one run, in order.
        XCTAssertEqual(firstIds + secondIds, Array(1...total), "commit order across both runs")
        XCTAssertEqual(firstIds.count % 2, 1, "run 1 ends after a whole transaction (15 + 2k rows)")
    }

    func testSigkillLosesNothingAndNeverAcknowledgesUnprintedTransactions() throws {
        let f = try StreamFixture(self)
        let t = f.table("items")
        try f.sql.exec("CREATE TABLE \(t) (id int PRIMARY KEY, v text)")
        let first = try f.startStream(["-t", t, "--status-interval", "1"])
        try f.waitForSlotActive(run: first)
        let createdAt = try f.slotState()?.confirmedFlush ?? 0

        // One row per transaction, ids in commit order.
        let writer = f.startWriter(pause: 0.001) { sql, i in
            try sql.exec("INSERT INTO \(t) VALUES (\(i), 'row \(i)')")
        }
        let started = Date()
        try first.waitForEvents(timeout: 25, "rows streaming for 2s") { events in
            events.count >= 100 && Date().timeIntervalSince(started) > 2
        }
        first.kill()
        XCTAssertEqual(first.process.terminationReason, .uncaughtSignal)
        try writer.waitForSteps(writer.completed + 100)
        let total = Int64(try writer.stop())

        try f.waitForSlotInactive()
        guard let acknowledged = try f.slotState()?.confirmedFlush else { return XCTFail("slot has no confirmed_flush_lsn") }
        XCTAssertGreaterThan(acknowledged, createdAt, "with --status-interval 1 the first run acknowledged some transactions")

        let endpos = try f.sql.currentLSN()
        let second = try f.stream(["-t", t, "--endpos", endpos])
        XCTAssertEqual(second.process.terminationStatus, 0, second.summary)

        let firstIds = createdIds(try first.events())
        let secondEvents = try second.events()
        let secondIds = createdIds(secondEvents)
        let result = tally(firstIds + secondIds, expected: 1...total)
        XCTAssertEqual(result.missing, [], "every committed row must come at least once")
        XCTAssertEqual(result.unexpected, [])
        let printed = Set(firstIds)
        XCTAssertTrue(Set(result.duplicates).isSubset(of: printed), "only rows run 1 printed may come twice")
        XCTAssertEqual(firstIds, Array(1...Int64(firstIds.count)), "run 1 printed a prefix in commit order")

        // The slot never got ahead of stdout: the first transaction run 1 did not print commits
        // at or after the acknowledged position. Its commit LSN is what the next transaction's
        // events in run 2 carry as sequence[0] (the last committed LSN).
        let firstUnprinted = Int64(firstIds.count + 1)
        if let index = secondEvents.firstIndex(where: { $0.id == firstUnprinted }), index + 1 < secondEvents.count {
            guard let commit = secondEvents[index + 1].sequence?.last else {
                return XCTFail("no last-commit LSN in \(secondEvents[index + 1].line)")
            }
            XCTAssertLessThanOrEqual(acknowledged, commit,
                                     "confirmed_flush_lsn \(acknowledged) is past the commit \(commit) of row \(firstUnprinted), which run 1 never printed")
        } else {
            XCTAssertEqual(firstUnprinted, total + 1, "row \(firstUnprinted) is missing from run 2")
        }
    }

    func testSnapshotToStreamHandoffHasNoGapAndNoDuplicate() throws {
        let f = try StreamFixture(self)
        let t = f.table("big")
        let base: Int64 = 20_000
        try f.sql.exec("CREATE TABLE \(t) (id int PRIMARY KEY, v text, n int DEFAULT 0)")
        try f.sql.exec("INSERT INTO \(t) (id, v) SELECT g, 'initial ' || g FROM generate_series(1, \(base)) g")

        let writer = f.startWriter(pause: 0.002) { sql, i in
            if i % 5 == 0 {
                try sql.exec("BEGIN; INSERT INTO \(t) (id, v) VALUES (\(base + Int64(i)), 'new'); UPDATE \(t) SET n = n + 1 WHERE id = \((i * 7919) % 20_000 + 1); COMMIT")
            } else {
                try sql.exec("INSERT INTO \(t) (id, v) VALUES (\(base + Int64(i)), 'new')")
            }
        }
        try writer.waitForSteps(20)
        let run = try f.startStream(["-t", t, "--status-interval", "1"])
        // Keep writing through the snapshot and well into streaming.
        try run.waitForEvents(timeout: 25, "50 streamed inserts after the snapshot") { events in
            events.lazy.filter { $0.op == "c" }.count >= 50
        }
        let steps = Int64(try writer.stop())
        let total = base + steps
        try run.waitForEvents(timeout: 20, "the last row \(total)") { events in
            events.last(where: { $0.op == "c" })?.id == total
        }
        run.signal(SIGTERM)
        try run.waitForExit(timeout: 10)
        XCTAssertEqual(run.process.terminationStatus, 0, run.summary)

        let events = try run.events()
        let reads = events.filter { $0.op == "r" }.compactMap(\.id)
        let creates = createdIds(events)
        XCTAssertGreaterThanOrEqual(reads.count, Int(base))
        XCTAssertGreaterThan(reads.count, Int(base), "the writer committed rows before the slot existed; the snapshot has them")
        if let lastRead = events.lastIndex(where: { $0.op == "r" }), let firstChange = events.firstIndex(where: { $0.op != "r" }) {
            XCTAssertLessThan(lastRead, firstChange, "the whole snapshot comes before any streamed change")
        }
        let result = tally(reads + creates, expected: 1...total)
        XCTAssertEqual(result.duplicates, [], "a row both in the snapshot and streamed")
        XCTAssertEqual(result.missing, [], "a row in neither the snapshot nor the stream")
        XCTAssertEqual(result.unexpected, [])
        XCTAssertEqual(creates, creates.sorted(), "streamed inserts in commit order")
        XCTAssertTrue(events.contains { $0.op == "u" }, "updates during the handoff stream as updates")
    }

    func testInitialOnlySnapshotsThenALaterRunStreamsFromTheConsistentPoint() throws {
        let f = try StreamFixture(self)
        let t = f.table("items")
        try f.sql.exec("CREATE TABLE \(t) (id int PRIMARY KEY, v text)")
        try f.sql.exec("INSERT INTO \(t) SELECT g, 'before' FROM generate_series(1, 5) g")

        let snapshot = try f.stream(["-t", t, "--snapshot", "initial-only"], timeout: 20)
        XCTAssertEqual(snapshot.process.terminationStatus, 0, snapshot.summary)
        let reads = try snapshot.events()
        XCTAssertEqual(reads.map(\.op), Array(repeating: "r", count: 5), snapshot.summary)
        XCTAssertEqual(reads.compactMap(\.id).sorted(), [1, 2, 3, 4, 5])
        try f.waitForSlotInactive()
        guard let slot = try f.slotState() else { return XCTFail("--snapshot initial-only must leave the slot") }
        XCTAssertNotNil(slot.confirmedFlush)
        XCTAssertEqual(reads.first?.lsn.map(UInt64.init), slot.confirmedFlush, "the snapshot is taken at the slot's consistent point")

        try f.sql.exec("INSERT INTO \(t) VALUES (6, 'after'), (7, 'after')")
        try f.sql.exec("UPDATE \(t) SET v = 'changed' WHERE id = 1")
        try f.sql.exec("DELETE FROM \(t) WHERE id = 2")
        let endpos = try f.sql.currentLSN()
        let later = try f.stream(["-t", t, "--endpos", endpos])
        XCTAssertEqual(later.process.terminationStatus, 0, later.summary)
        let events = try later.events()
        XCTAssertEqual(events.map(\.op), ["c", "c", "u", "d"], later.summary)
        XCTAssertEqual(events.compactMap(\.id), [6, 7, 1, 2])

        // An existing slot cannot be snapshotted again.
        let again = try f.stream(["-t", t, "--snapshot", "initial-only"])
        XCTAssertNotEqual(again.process.terminationStatus, 0)
        XCTAssertEqual(again.stdout, "")
        XCTAssertTrue(again.stderr.hasPrefix("cdcctl: error: "), again.stderr)
    }

    func testDropSlotOnExit() throws {
        let f = try StreamFixture(self)
        let t = f.table("items")
        try f.sql.exec("CREATE TABLE \(t) (id int PRIMARY KEY)")
        try f.sql.exec("INSERT INTO \(t) VALUES (1)")
        // Stopped by --endpos…
        let endpos = try f.sql.currentLSN()
        let run = try f.stream(["-t", t, "--endpos", endpos, "--drop-slot-on-exit"])
        XCTAssertEqual(run.process.terminationStatus, 0, run.summary)
        XCTAssertEqual(try run.events().map(\.op), ["r"])
        XCTAssertNil(try f.slotState(), "--drop-slot-on-exit must drop the slot:\n\(run.summary)")
        // …and by SIGTERM.
        let running = try f.startStream(["-t", t, "--drop-slot-on-exit", "--snapshot", "never"])
        try f.waitForSlotActive(run: running)
        running.signal(SIGTERM)
        try running.waitForExit(timeout: 10)
        XCTAssertEqual(running.process.terminationStatus, 0, running.summary)
        XCTAssertNil(try f.slotState(), "--drop-slot-on-exit must drop the slot after SIGTERM:\n\(running.summary)")
    }
}
