import Foundation
import XCTest
import CDCTestSupport
@testable import CDCCore

/// The real PostgreSQL that database tests run against: `CDCCTL_PG_URL` when set (CI's
/// `scripts/test` exports it), otherwise the one `scripts/stack up` starts or reuses.
enum TestDatabase {
    /// The connection URL, looked up once per test process.
    static var url: String {
        get throws { try LocalStack.pgURL() }
    }

    /// The URL with its user replaced (pg_hba trusts 127.0.0.1, so no password is needed).
    static func url(asUser user: String) throws -> String {
        guard var components = URLComponents(string: try url) else { throw HarnessError("unparsable URL") }
        components.user = user
        components.password = nil
        guard let result = components.string else { throw HarnessError("cannot rebuild URL") }
        return result
    }

    /// A fresh lower-case identifier such as `t_1234_3f9a0c1b2d`.
    static func uniqueName(_ prefix: String = "t") -> String { LocalStack.uniqueName(prefix) }
}

extension XCTestCase {
    /// A new connection to the test database.
    func connect() throws -> PGConnection {
        try PGConnection(conninfo: try TestDatabase.url)
    }

    /// Runs `body` with a freshly created, uniquely named schema, dropping it (CASCADE) afterwards
    /// whatever happens, so tests can run in parallel and leave nothing behind.
    func withScratchSchema<T>(_ body: (_ schema: String, _ connection: PGConnection) throws -> T) throws -> T {
        let connection = try connect()
        let schema = TestDatabase.uniqueName("t")
        try connection.execute("CREATE SCHEMA \(schema)", context: "cannot create scratch schema \(schema)")
        defer {
            // A failed body may have left the session inside an (aborted) transaction; end it
            // without "no transaction in progress" warnings or CASCADE notices on stderr.
            do {
                try? connection.execute("SET client_min_messages = error")
                try connection.execute("ROLLBACK")
                try connection.execute("SET client_min_messages = error; DROP SCHEMA \(schema) CASCADE")
            } catch {
                XCTFail("cannot drop scratch schema \(schema): \(error)")
            }
        }
        return try body(schema, connection)
    }

    /// Snapshots `tables` with `SnapshotReader` on its own connection and returns every event,
    /// parsed. Asserts each line ends with a newline and is one JSON object.
    func snapshotEvents(tables: [TableName], url: String? = nil, prefix: String = "test",
                        file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        var events: [[String: Any]] = []
        try forEachSnapshotEvent(tables: tables, url: url, prefix: prefix, file: file, line: line) { event, _ in
            events.append(event)
        }
        return events
    }

    /// Streams a snapshot of `tables` through `body` one event at a time (parsed object and the
    /// raw line without its newline), checking the NDJSON framing of every line.
    @discardableResult
    func forEachSnapshotEvent(tables: [TableName], url: String? = nil, prefix: String = "test",
                              file: StaticString = #filePath, line: UInt = #line,
                              _ body: @escaping ([String: Any], String) throws -> Void) throws -> SnapshotSummary {
        let connection = try PGConnection(conninfo: try url ?? TestDatabase.url)
        var reader = SnapshotReader(connection: connection, options: SnapshotOptions(tables: tables, prefix: prefix))
        var output = CapturingOutput(keepBytes: false) { bytes in
            let raw = String(decoding: bytes.dropLast(), as: UTF8.self)
            guard let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
                throw HarnessError("event line is not a JSON object: \(raw.prefix(200))")
            }
            try body(object, raw)
        }
        let summary = try reader.run(into: &output)
        XCTAssertTrue(output.partial.isEmpty, "output does not end with a newline: \(String(decoding: output.partial.prefix(200), as: UTF8.self))", file: file, line: line)
        XCTAssertGreaterThanOrEqual(output.flushes, 1, "snapshot never flushed its output", file: file, line: line)
        return summary
    }

    /// Runs one query and returns its `columns` first columns of every row as text (nil for NULL).
    func queryRows(_ connection: PGConnection, _ sql: String, _ parameters: [String?] = [], columns: Int) throws -> [[String?]] {
        let result = try connection.query(sql, parameters)
        return (0..<result.rowCount).map { r in (0..<columns).map { result.value(r, $0) } }
    }
}
