import CDCTestSupport
import Foundation
import Glibc
import XCTest

/// `--heartbeat-interval`: an idle published table must not pin WAL while other tables are busy.
final class StreamHeartbeatTests: XCTestCase {
    func testHeartbeatAdvancesTheSlotWhileThePublishedTableIsIdle() throws {
        let f = try StreamFixture(self)
        try f.sql.exec("CREATE TABLE \(f.table("published")) (id int PRIMARY KEY)")
        try f.sql.exec("CREATE TABLE \(f.table("elsewhere")) (id int PRIMARY KEY, pad text)")
        try f.createPublication(["published"])
        let run = try f.startStream(["-t", f.table("published"), "--heartbeat-interval", "1", "--status-interval", "1"])
        try f.waitForSlotActive(run: run)
        let start = try f.slotState()?.confirmedFlush ?? 0

        // WAL moves, but only for a table the publication does not cover.
        for i in 1...20 {
            try f.sql.exec("INSERT INTO \(f.table("elsewhere")) VALUES (\(i), repeat('x', 1000))")
        }
        guard let target = lsnValue(try f.sql.currentLSN()) else { return XCTFail("no current LSN") }
        XCTAssertGreaterThan(target, start)

        let deadline = Date().addingTimeInterval(10)
        var confirmed = start
        while Date() < deadline {
            confirmed = try f.slotState()?.confirmedFlush ?? 0
            if confirmed >= target { break }
            XCTAssertTrue(run.isRunning, run.summary)
            usleep(100_000)
        }
        XCTAssertGreaterThanOrEqual(confirmed, target, "confirmed_flush_lsn did not reach the unpublished writes within 10s (from \(start))")

        run.signal(SIGTERM)
        try run.waitForExit(timeout: 10)
        XCTAssertEqual(run.process.terminationStatus, 0, run.summary)
        XCTAssertEqual(run.stdout, "", "writes to an unpublished table produce no events")
    }

    /// The heartbeat itself reports the position: with a status interval far longer than the
    /// test, only the heartbeat can move the slot.
    func testHeartbeatReportsWithoutWaitingForTheStatusInterval() throws {
        let f = try StreamFixture(self)
        try f.sql.exec("CREATE TABLE \(f.table("published")) (id int PRIMARY KEY)")
        try f.sql.exec("CREATE TABLE \(f.table("elsewhere")) (id int PRIMARY KEY, pad text)")
        try f.createPublication(["published"])
        let run = try f.startStream(["-t", f.table("published"), "--heartbeat-interval", "1", "--status-interval", "600"])
        try f.waitForSlotActive(run: run)
        for i in 1...20 {
            try f.sql.exec("INSERT INTO \(f.table("elsewhere")) VALUES (\(i), repeat('x', 1000))")
        }
        guard let target = lsnValue(try f.sql.currentLSN()) else { return XCTFail("no current LSN") }
        let deadline = Date().addingTimeInterval(10)
        var confirmed: UInt64 = 0
        while Date() < deadline {
            confirmed = try f.slotState()?.confirmedFlush ?? 0
            if confirmed >= target { break }
            usleep(100_000)
        }
        XCTAssertGreaterThanOrEqual(confirmed, target, "heartbeats every second must report the server's position")
        run.signal(SIGTERM)
        try run.waitForExit(timeout: 10)
        XCTAssertEqual(run.process.terminationStatus, 0, run.summary)
    }
}
