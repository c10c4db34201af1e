import CDCTestSupport
import Foundation
import Glibc
import XCTest

/// `cdcctl stream` failures: one `cdcctl: error: …` line on stderr, a non-zero exit, nothing on
/// stdout — and no slot left behind by a run that could not start.
final class StreamErrorTests: XCTestCase {
    private func assertOneLineError(_ run: StreamRun, mentioning words: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(run.isRunning, file: file, line: line)
        XCTAssertNotEqual(run.process.terminationStatus, 0, run.summary, file: file, line: line)
        XCTAssertEqual(run.process.terminationReason, .exit, run.summary, file: file, line: line)
        XCTAssertEqual(run.stdout, "", "stdout must stay empty", file: file, line: line)
        XCTAssertEqual(run.partialLine, "", file: file, line: line)
        let stderr = run.stderr
        // Notices (`cdcctl: created …`) may precede it; the error is the one last line.
        let lines = stderr.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.last, "", "stderr ends with a newline: \(stderr)", file: file, line: line)
        let errorLines = lines.filter { $0.hasPrefix("cdcctl: error: ") }
        XCTAssertEqual(errorLines.count, 1, "exactly one error line:\n\(stderr)", file: file, line: line)
        XCTAssertEqual(lines.dropLast().last.map { $0.hasPrefix("cdcctl: error: ") }, true, "the error is the last line:\n\(stderr)", file: file, line: line)
        for word in words {
            XCTAssertTrue(errorLines.first?.localizedCaseInsensitiveContains(word) ?? false, "error should mention '\(word)': \(stderr)", file: file, line: line)
        }
    }

    func testSlotInUseByAnotherStream() throws {
        let f = try StreamFixture(self)
        let t = f.table("items")
        try f.sql.exec("CREATE TABLE \(t) (id int PRIMARY KEY)")
        let first = try f.startStream(["-t", t, "--status-interval", "1"])
        try f.waitForSlotActive(run: first)

        let second = try f.stream(["-t", t], timeout: 20)
        assertOneLineError(second, mentioning: [f.slot, "in use"])

        // The first stream is unaffected and still stops cleanly.
        XCTAssertTrue(first.isRunning, first.summary)
        try f.sql.exec("INSERT INTO \(t) VALUES (1)")
        try first.waitForEvents("the insert") { $0.contains { $0.id == 1 } }
        first.signal(SIGTERM)
        try first.waitForExit(timeout: 10)
        XCTAssertEqual(first.process.terminationStatus, 0, first.summary)
    }

    func testMissingPublicationWithoutTable() throws {
        let f = try StreamFixture(self)
        let run = try f.stream([], timeout: 20)
        assertOneLineError(run, mentioning: [f.publication, "--table"])
        XCTAssertNil(try f.slotState(), "no slot may be created when the publication is missing")
    }

    func testInvalidEndpos() throws {
        let f = try StreamFixture(self)
        for bad in ["12345", "0/XYZ", "1/2/3", "", "123456789/0"] {
            let run = try f.stream(["-t", f.table("items"), "--endpos", bad], timeout: 20)
            assertOneLineError(run, mentioning: ["endpos"])
        }
        XCTAssertNil(try f.slotState())
        XCTAssertEqual(try f.sql.value("SELECT count(*)::text FROM pg_publication WHERE pubname = $1", [f.publication]), "0")
    }

    func testTableAndAllTablesExcludeEachOther() throws {
        let f = try StreamFixture(self)
        let run = try f.stream(["-t", f.table("items"), "--all-tables"], timeout: 20)
        assertOneLineError(run, mentioning: ["--table", "--all-tables"])
        XCTAssertNil(try f.slotState())
        XCTAssertEqual(try f.sql.value("SELECT count(*)::text FROM pg_publication WHERE pubname = $1", [f.publication]), "0")
    }

    func testRoleWithoutReplicationPrivilege() throws {
        let f = try StreamFixture(self)
        let role = f.schema + "_norepl"
        try f.sql.exec("CREATE ROLE \(role) LOGIN NOREPLICATION")
        f.roles.append(role)
        try f.sql.exec("CREATE TABLE \(f.table("items")) (id int PRIMARY KEY)")
        try f.sql.exec("GRANT USAGE ON SCHEMA \(f.schema) TO \(role); GRANT SELECT ON \(f.table("items")) TO \(role)")
        try f.createPublication(["items"])

        let run = try f.stream(["-t", f.table("items")], url: try LocalStack.url(user: role), timeout: 20)
        assertOneLineError(run, mentioning: ["replication"])
        XCTAssertFalse(run.stderr.contains("\n "), "one line, no continuation: \(run.stderr)")
        XCTAssertNil(try f.slotState(), "no slot may be left behind")
    }

    func testInitialOnlyOnAnExistingSlot() throws {
        let f = try StreamFixture(self)
        try f.sql.exec("CREATE TABLE \(f.table("items")) (id int PRIMARY KEY)")
        try f.createPublication(["items"])
        try f.createSlot()
        let run = try f.stream(["-t", f.table("items"), "--snapshot", "initial-only"], timeout: 20)
        assertOneLineError(run, mentioning: [f.slot, "initial-only"])
    }

    func testNoCreateSlotWithAMissingSlot() throws {
        let f = try StreamFixture(self)
        try f.sql.exec("CREATE TABLE \(f.table("items")) (id int PRIMARY KEY)")
        let run = try f.stream(["-t", f.table("items"), "--no-create-slot"], timeout: 20)
        assertOneLineError(run, mentioning: [f.slot])
        XCTAssertNil(try f.slotState())
    }
}
