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
        guard var components = URLComponents(string: try url) else { throw TestDatabaseError("unparsable URL") }
        components.user = user
        components.password = nil
        guard let result = components.string else { throw TestDatabaseError("cannot rebuild URL") }
        return result
    }

    /// A fresh lower-case identifier such as `t_3f9a0c1b2d4e5f60`.
    static func uniqueName(_ prefix: String = "t") -> String {
        prefix + "_" + String(UInt64.random(in: 1...UInt64.max), radix: 16)
    }
}

/// A failure of the test harness itself (not of the code under test).
struct TestDatabaseError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// An `EventOutput` that hands every complete line to `onLine` as it arrives, and keeps the raw
/// bytes only when asked to (large snapshots stream through without being held).
struct CapturingOutput: EventOutput {
    /// Everything written, when `keepBytes`.
    private(set) var bytes: [UInt8] = []
    /// How many bytes `write` received in total.
    private(set) var byteCount = 0
    /// How many times `flush` was called.
    private(set) var flushes = 0
    /// Bytes after the last newline seen so far (a line split across writes would land here).
    private(set) var partial: [UInt8] = []
    private let keepBytes: Bool
    private let onLine: ([UInt8]) throws -> Void

    init(keepBytes: Bool = true, onLine: @escaping ([UInt8]) throws -> Void = { _ in }) {
        self.keepBytes = keepBytes
        self.onLine = onLine
    }

    mutating func write(lines: ByteWriter) throws {
        byteCount += lines.count
        if keepBytes { bytes.append(contentsOf: lines.bytes) }
        var start = 0
        let all = lines.bytes
        for i in all.indices where all[i] == 0x0A {
            let line = partial + all[start...i]
            partial.removeAll()
            try onLine(line)
            start = i + 1
        }
        partial.append(contentsOf: all[start...])
    }

    mutating func flush() throws { flushes += 1 }
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
                throw TestDatabaseError("event line is not a JSON object: \(raw.prefix(200))")
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

/// Reads what JSONSerialization loses or blurs: key order, and bool vs number.
enum JSONShape {
    /// The keys, in document order, of the object reached by following `path` (object keys from
    /// the top-level object; [] is the top-level object itself) in one JSON text.
    static func keys(in json: String, path: [String] = []) -> [String] {
        var keys: [String] = []
        // One entry per open container: whether it is an object, and the path leading to it.
        var stack: [(isObject: Bool, path: [String])] = []
        var lastKey: String?
        var bytes = Array(json.utf8)[...]
        while let c = bytes.popFirst() {
            switch c {
            case UInt8(ascii: "\""):
                var raw: [UInt8] = []
                while let s = bytes.popFirst(), s != UInt8(ascii: "\"") {
                    raw.append(s)
                    if s == UInt8(ascii: "\\"), let escaped = bytes.popFirst() { raw.append(escaped) }
                }
                let rest = bytes.drop { $0 == UInt8(ascii: " ") }
                if let top = stack.last, top.isObject, rest.first == UInt8(ascii: ":") {
                    let key = String(decoding: raw, as: UTF8.self)
                    lastKey = key
                    if top.path == path { keys.append(key) }
                }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var childPath = stack.last?.path ?? []
                if let top = stack.last {
                    childPath.append(top.isObject ? (lastKey ?? "?") : "[]")
                }
                stack.append((c == UInt8(ascii: "{"), childPath))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                stack.removeLast()
            default:
                break
            }
        }
        return keys
    }

    /// Whether a parsed value is a JSON `true`/`false` (JSONSerialization also lets 0/1 cast to Bool).
    static func isBool(_ value: Any?) -> Bool {
        guard let value, value is Bool else { return false }
        return String(describing: type(of: value)).contains("Bool")
    }

    /// Deep equality of two parsed JSON values that keeps bools, integers and strings apart
    /// (NSObject.isEqual on Linux does not compare bridged arrays of bools reliably).
    static func equal(_ a: Any?, _ b: Any?) -> Bool {
        switch (a, b) {
        case (nil, nil), (is NSNull, is NSNull): return true
        case let (x as [Any], y as [Any]):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case let (x as [String: Any], y as [String: Any]):
            return Set(x.keys) == Set(y.keys) && x.allSatisfy { equal($0.value, y[$0.key]) }
        case let (x as String, y as String): return x == y
        default:
            if isBool(a) || isBool(b) { return isBool(a) && isBool(b) && (a as? Bool) == (b as? Bool) }
            if let x = int64(a), let y = int64(b) { return x == y }
            if let x = a as? Double, let y = b as? Double { return x == y }
            return false
        }
    }

    /// A JSON integer as Int64 (nil for bools, fractions and non-numbers).
    static func int64(_ value: Any?) -> Int64? {
        guard !isBool(value), let value else { return nil }
        return value as? Int64
    }
}
