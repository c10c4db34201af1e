import CDCCore
import CDCTestSupport
import Foundation
import Glibc
import Synchronization
import XCTest

// Helpers for the `cdcctl stream` tests: a per-test fixture (schema, publication, slot, all
// dropped afterwards), a running `cdcctl` child whose stdout is read while it runs, and a parsed
// view of event lines.

// MARK: - SQL

/// A plain SQL session on the stack's database (CDCCore's libpq wrapper; the session is pinned
/// to UTC / ISO output, which only matters for values read back here).
final class StreamSQL {
    let connection: PGConnection

    init(url: String? = nil) throws {
        connection = try PGConnection(conninfo: try url ?? LocalStack.pgURL())
        // No NOTICEs (DROP … CASCADE) cluttering the test log.
        try connection.execute("SET client_min_messages = warning")
    }

    /// Runs statements (several allowed, simple protocol).
    func exec(_ sql: String) throws { try connection.execute(sql, context: "SQL failed: \(sql.prefix(300))") }

    /// The rows of one query, `columns` columns each (nil for NULL).
    func rows(_ sql: String, _ parameters: [String?] = [], columns: Int = 1) throws -> [[String?]] {
        let result = try connection.query(sql, parameters, context: "SQL failed: \(sql.prefix(300))")
        return (0..<result.rowCount).map { r in (0..<columns).map { result.value(r, $0) } }
    }

    /// The first column of the first row.
    func value(_ sql: String, _ parameters: [String?] = []) throws -> String? {
        try rows(sql, parameters).first?.first ?? nil
    }

    /// The server's current WAL position as `X/X` text, for `--endpos`.
    func currentLSN() throws -> String {
        guard let lsn = try value("SELECT pg_current_wal_lsn()::text") else { throw HarnessError("no pg_current_wal_lsn") }
        return lsn
    }
}

/// `X/X` → the 64-bit integer that events carry in `source.lsn`.
func lsnValue(_ text: String) -> UInt64? { LSN(text)?.value }

// MARK: - Fixture

/// One test's database objects: a unique schema, publication and slot name; everything is
/// dropped in a teardown block (slots only once inactive: a leftover slot pins WAL).
final class StreamFixture {
    let schema: String
    let slot: String
    let publication: String
    let url: String
    let sql: StreamSQL
    /// Extra objects to drop: other slots, publications and roles a test created.
    var extraSlots: [String] = []
    var extraPublications: [String] = []
    var roles: [String] = []
    /// Children still running at teardown are killed first (so their slots become inactive).
    var runs: [StreamRun] = []
    /// Background writers still going at teardown are stopped before the schema is dropped.
    var writers: [StreamWriter] = []

    init(_ testCase: XCTestCase) throws {
        let base = LocalStack.uniqueName("st")
        schema = base
        slot = base + "_slot"
        publication = base + "_pub"
        url = try LocalStack.pgURL()
        sql = try StreamSQL(url: url)
        try sql.exec("CREATE SCHEMA \(schema)")
        testCase.addTeardownBlock { [self] in self.cleanUp() }
    }

    /// `schema.name`.
    func table(_ name: String) -> String { "\(schema).\(name)" }

    /// Creates the publication for `tables` (names inside the schema) with SQL.
    func createPublication(_ tables: [String]) throws {
        try sql.exec("CREATE PUBLICATION \(publication) FOR TABLE \(tables.map(table).joined(separator: ", "))")
    }

    /// Creates the slot with SQL (pgoutput), so changes made from now on are kept for cdcctl.
    func createSlot() throws {
        _ = try sql.value("SELECT lsn::text FROM pg_create_logical_replication_slot($1, 'pgoutput')", [slot])
    }

    /// The slot's row: active, confirmed_flush_lsn (integer); nil when the slot does not exist.
    func slotState(_ name: String? = nil) throws -> (active: Bool, confirmedFlush: UInt64?)? {
        let rows = try sql.rows("SELECT active::text, (confirmed_flush_lsn - '0/0')::text FROM pg_replication_slots WHERE slot_name = $1",
                                [name ?? slot], columns: 2)
        guard let row = rows.first else { return nil }
        return (row[0] == "true", row[1].flatMap { UInt64($0) })
    }

    /// Waits until the slot exists and a walsender streams from it.
    func waitForSlotActive(_ name: String? = nil, timeout: TimeInterval = 20, run: StreamRun? = nil) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let state = try slotState(name), state.active { return }
            if let run, !run.isRunning {
                throw HarnessError("cdcctl exited (\(run.process.terminationStatus)) before slot \(name ?? slot) became active:\n\(run.stderr)")
            }
            usleep(50_000)
        }
        throw HarnessError("slot \(name ?? slot) not active after \(Int(timeout))s\n\(run?.stderr ?? "")")
    }

    /// Waits until no walsender holds the slot any more (a just-exited client's walsender may
    /// take a moment to go away).
    func waitForSlotInactive(_ name: String? = nil, timeout: TimeInterval = 15) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard let state = try slotState(name) else { return }
            if !state.active { return }
            usleep(50_000)
        }
        throw HarnessError("slot \(name ?? slot) still active after \(Int(timeout))s")
    }

    /// Starts `cdcctl stream --db URL --slot S --publication P args…`.
    func startStream(_ args: [String], slot: String? = nil, url: String? = nil) throws -> StreamRun {
        let run = try StreamRun(["stream", "--db", url ?? self.url, "--slot", slot ?? self.slot, "--publication", publication] + args)
        runs.append(run)
        return run
    }

    /// Runs `cdcctl stream …` to completion (it must stop by itself, e.g. at --endpos).
    func stream(_ args: [String], slot: String? = nil, url: String? = nil, timeout: TimeInterval = 30) throws -> StreamRun {
        let run = try startStream(args, slot: slot, url: url)
        try run.waitForExit(timeout: timeout)
        return run
    }

    /// Runs `cdcctl stream -t … --endpos <now>` on the existing slot and returns its events,
    /// asserting a clean exit.
    func streamToNow(_ tables: [String], extra: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws -> [StreamEvent] {
        let endpos = try sql.currentLSN()
        let run = try stream(tables.flatMap { ["-t", table($0)] } + ["--endpos", endpos] + extra)
        XCTAssertEqual(run.process.terminationStatus, 0, run.summary, file: file, line: line)
        XCTAssertTrue(run.partialLine.isEmpty, "stdout ends in a partial line", file: file, line: line)
        return try run.events()
    }

    /// Starts a background writer (see `StreamWriter`) that teardown stops if the test does not.
    func startWriter(pause: TimeInterval = 0.002, _ body: @escaping @Sendable (StreamSQL, Int) throws -> Void) -> StreamWriter {
        let writer = StreamWriter(url: url, pause: pause, body)
        writers.append(writer)
        return writer
    }

    private func cleanUp() {
        for run in runs { run.kill() }
        for writer in writers { _ = try? writer.stop() }
        let admin: StreamSQL
        do { admin = try StreamSQL(url: url) } catch { XCTFail("teardown: cannot connect: \(error)"); return }
        for name in [slot] + extraSlots {
            do {
                // A killed client's walsender may linger for a moment; end it if it does not go.
                if (try? waitForSlotInactive(name, timeout: 10)) == nil {
                    _ = try admin.value("SELECT pg_terminate_backend(active_pid)::text FROM pg_replication_slots WHERE slot_name = $1 AND active_pid IS NOT NULL", [name])
                    try waitForSlotInactive(name, timeout: 10)
                }
                _ = try admin.value("SELECT pg_drop_replication_slot(slot_name)::text FROM pg_replication_slots WHERE slot_name = $1", [name])
            } catch {
                XCTFail("teardown: cannot drop slot \(name): \(error)")
            }
        }
        for name in [publication] + extraPublications {
            do { try admin.exec("DROP PUBLICATION IF EXISTS \(name)") } catch { XCTFail("teardown: \(error)") }
        }
        do { try admin.exec("DROP SCHEMA IF EXISTS \(schema) CASCADE") } catch { XCTFail("teardown: \(error)") }
        for role in roles {
            do { try admin.exec("DROP ROLE IF EXISTS \(role)") } catch { XCTFail("teardown: \(error)") }
        }
    }
}

// MARK: - A running cdcctl

/// The real `cdcctl` binary running as a child: stdout and stderr go to temporary files, which
/// the test reads while the child runs (complete lines only).
final class StreamRun {
    let process = Process()
    let args: [String]
    private let outURL: URL
    private let errURL: URL
    private var readFD: Int32 = -1
    private var buffer: [UInt8] = []
    private var complete: [String] = []
    private var parsed: [StreamEvent] = []

    init(_ args: [String]) throws {
        self.args = args
        let tmp = FileManager.default.temporaryDirectory
        let id = UUID().uuidString
        outURL = tmp.appendingPathComponent("cdcctl-stream-\(id).out")
        errURL = tmp.appendingPathComponent("cdcctl-stream-\(id).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        process.executableURL = try CLI.binary()
        process.arguments = args
        process.environment = CLI.baseEnvironment()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
        try? out.close()
        try? err.close()
    }

    deinit {
        kill()
        if readFD >= 0 { close(readFD) }
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
    }

    var isRunning: Bool { process.isRunning }

    /// Every complete stdout line so far (without newlines).
    func lines() -> [String] {
        if readFD < 0 { readFD = open(outURL.path, O_RDONLY | O_CLOEXEC) }
        guard readFD >= 0 else { return complete }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            var start = buffer.count
            buffer.append(contentsOf: chunk[0..<n])
            // Only the new bytes can hold new line ends.
            var lineStart = 0
            while let newline = buffer[start...].firstIndex(of: 0x0A) {
                complete.append(String(decoding: buffer[lineStart..<newline], as: UTF8.self))
                lineStart = newline + 1
                start = lineStart
            }
            buffer.removeFirst(lineStart)
        }
        return complete
    }

    /// Bytes after the last newline (non-empty means a line was cut off).
    var partialLine: String {
        _ = lines()
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Every complete stdout line parsed as an event (each line parsed once).
    func events() throws -> [StreamEvent] {
        let all = lines()
        while parsed.count < all.count { parsed.append(try StreamEvent(line: all[parsed.count])) }
        return parsed
    }

    var stderr: String { String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self) }

    var stdout: String { lines().joined(separator: "\n") }

    /// For failure messages.
    var summary: String {
        let status = process.isRunning ? "running" : "exit \(process.terminationStatus)"
        let out = lines()
        return "cdcctl \(args.joined(separator: " ")): \(status)\n--- stdout (\(out.count) lines, last 5):\n\(out.suffix(5).joined(separator: "\n"))\n--- stderr:\n\(stderr)"
    }

    /// Waits until `condition` holds for the events so far; fails (throws) after `timeout` or
    /// when the child exits first.
    @discardableResult
    func waitForEvents(timeout: TimeInterval = 20, _ what: String, _ condition: ([StreamEvent]) -> Bool) throws -> [StreamEvent] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let exited = !process.isRunning
            let events = try self.events()
            if condition(events) { return events }
            if exited { throw HarnessError("cdcctl exited before \(what)\n\(summary)") }
            if Date() > deadline { throw HarnessError("no \(what) after \(Int(timeout))s\n\(summary)") }
            usleep(20_000)
        }
    }

    /// Sends a signal to the child.
    func signal(_ sig: Int32) {
        if process.isRunning { Glibc.kill(process.processIdentifier, sig) }
    }

    /// Waits for the child to exit; after `timeout` kills it (SIGKILL) and throws.
    func waitForExit(timeout: TimeInterval) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                kill()
                throw HarnessError("cdcctl did not exit within \(Int(timeout))s (killed)\n\(summary)")
            }
            usleep(10_000)
        }
        process.waitUntilExit()
    }

    /// SIGKILL, and reap.
    func kill() {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

// MARK: - Events

/// One parsed event line, with the raw text kept for exact comparisons.
struct StreamEvent {
    let line: String
    let object: [String: Any]

    init(line: String) throws {
        self.line = line
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw HarnessError("event line is not a JSON object: \(line.prefix(300))")
        }
        self.object = object
    }

    var op: String? { object["op"] as? String }
    var before: [String: Any]? { object["before"] as? [String: Any] }
    var after: [String: Any]? { object["after"] as? [String: Any] }
    var source: [String: Any] { object["source"] as? [String: Any] ?? [:] }
    var table: String? { source["table"] as? String }
    var txId: Int64? { StreamJSON.int64(source["txId"]) }
    var lsn: Int64? { StreamJSON.int64(source["lsn"]) }
    var message: [String: Any]? { object["message"] as? [String: Any] }

    /// `after.id` or `before.id` as an integer.
    var id: Int64? { StreamJSON.int64((after ?? before)?["id"]) }

    /// The raw JSON text of top-level member `key` (e.g. the `after` object exactly as printed).
    func raw(_ key: String) -> String? { StreamJSON.rawMember(key, of: line) }

    /// `source.sequence` as its two parts (nil part for JSON null); nil when not of that shape.
    var sequence: (last: UInt64?, current: UInt64)? {
        guard let text = source["sequence"] as? String,
              let parts = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any], parts.count == 2,
              let current = (parts[1] as? String).flatMap({ UInt64($0) }) else { return nil }
        if parts[0] is NSNull { return (nil, current) }
        guard let last = (parts[0] as? String).flatMap({ UInt64($0) }) else { return nil }
        return (last, current)
    }
}

// MARK: - Background writer

/// Runs `body(i)` for i = 1, 2, … on its own thread and connection until stopped; `body`
/// returns what to record for that step (e.g. the ids it committed).
final class StreamWriter: Sendable {
    private struct State {
        var stopFlag = false
        var finished = false
        var error: (any Error)?
        var steps = 0
    }
    private let state = Mutex(State())

    init(url: String, pause: TimeInterval = 0.002, _ body: @escaping @Sendable (StreamSQL, Int) throws -> Void) {
        let worker = Thread { [self] in
            do {
                let sql = try StreamSQL(url: url)
                var i = 0
                while !shouldStop {
                    i += 1
                    try body(sql, i)
                    state.withLock { [i] in $0.steps = i }
                    if pause > 0 { Thread.sleep(forTimeInterval: pause) }
                }
            } catch {
                state.withLock { $0.error = error }
            }
            state.withLock { $0.finished = true }
        }
        worker.start()
    }

    private var shouldStop: Bool { state.withLock { $0.stopFlag } }

    /// How many steps completed.
    var completed: Int { state.withLock { $0.steps } }

    /// Waits until at least `n` steps completed (or the writer failed).
    func waitForSteps(_ n: Int, timeout: TimeInterval = 20) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while completed < n {
            if let error = state.withLock({ $0.error }) { throw error }
            if Date() > deadline { throw HarnessError("writer did only \(completed) of \(n) steps in \(Int(timeout))s") }
            usleep(5_000)
        }
    }

    /// Stops after the current step; returns how many steps completed; rethrows its error.
    @discardableResult
    func stop(timeout: TimeInterval = 20) throws -> Int {
        state.withLock { $0.stopFlag = true }
        let deadline = Date().addingTimeInterval(timeout)
        while !state.withLock({ $0.finished }) {
            if Date() > deadline { throw HarnessError("writer did not stop within \(Int(timeout))s") }
            usleep(5_000)
        }
        if let error = state.withLock({ $0.error }) { throw error }
        return completed
    }
}
