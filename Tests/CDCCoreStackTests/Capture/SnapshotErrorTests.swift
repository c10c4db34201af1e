import CDCTestSupport
import Foundation
import XCTest
@testable import CDCCore

/// Library-level snapshot failures: what is thrown, what it says, and what reaches the output.
final class SnapshotErrorTests: XCTestCase {
    /// Runs a snapshot of `tables` on `connection` expecting a `PostgresError`; returns it and the output.
    private func failingSnapshot(_ tables: [TableName], on connection: PGConnection,
                                 file: StaticString = #filePath, line: UInt = #line) -> (PostgresError?, CapturingOutput) {
        var reader = SnapshotReader(connection: connection, options: SnapshotOptions(tables: tables, prefix: "test"))
        var output = CapturingOutput()
        do {
            let summary = try reader.run(into: &output)
            XCTFail("snapshot should fail, read \(summary.rows.map(\.count))", file: file, line: line)
            return (nil, output)
        } catch let error as PostgresError {
            return (error, output)
        } catch {
            XCTFail("expected PostgresError, got \(type(of: error)): \(error)", file: file, line: line)
            return (nil, output)
        }
    }

    private func makeTable(_ name: TableName, rows: Int, _ connection: PGConnection) throws {
        try connection.execute("CREATE TABLE \(name.sqlIdentifier) (id int PRIMARY KEY, v text)")
        try connection.execute("INSERT INTO \(name.sqlIdentifier) SELECT i, repeat('x', 100) FROM generate_series(1, \(rows)) i")
    }

    func testMissingTableAmongSeveralIsNamedAndNothingIsWritten() throws {
        try withScratchSchema { schema, connection in
            let first = TableName(schema: schema, table: "present")
            let last = TableName(schema: schema, table: "also_present")
            try makeTable(first, rows: 2000, connection)
            try makeTable(last, rows: 10, connection)
            for missing in [TableName(schema: schema, table: "nope"), TableName(schema: schema, table: "No Such"),
                            TableName(schema: schema + "_gone", table: "present")] {
                let (error, output) = failingSnapshot([first, missing, last], on: try connect())
                let message = error?.description ?? ""
                XCTAssertTrue(message.contains(missing.description), "\(message) should name \(missing)")
                XCTAssertTrue(message.contains("does not exist"), message)
                XCTAssertFalse(message.contains(first.description), "only the missing table is blamed: \(message)")
                XCTAssertEqual(error?.sqlState, "42P01")
                XCTAssertEqual(output.byteCount, 0, "events were written before the failure")
                XCTAssertEqual(output.flushes, 0)
            }
            XCTAssertTrue(TableName(schema: schema, table: "No Such").description.contains("\"No Such\""))
        }
    }

    /// A reader that failed must not leave its REPEATABLE READ transaction open on the
    /// connection: a later snapshot on the same connection would silently read the old state.
    func testSnapshotAfterAFailedOneOnTheSameConnectionSeesCurrentData() throws {
        try withScratchSchema { schema, connection in
            let table = TableName(schema: schema, table: "items")
            try makeTable(table, rows: 3, connection)
            let reused = try connect()
            let (error, _) = failingSnapshot([table, TableName(schema: schema, table: "missing")], on: reused)
            XCTAssertNotNil(error)
            try connection.execute("INSERT INTO \(table.sqlIdentifier) VALUES (4, 'after the failure')")

            var reader = SnapshotReader(connection: reused, options: SnapshotOptions(tables: [table], prefix: "test"))
            var output = CapturingOutput()
            let summary = try reader.run(into: &output)
            XCTAssertEqual(summary.rows.first?.count, 4, "the second snapshot read a stale state (the failed run's transaction)")
            XCTAssertEqual(String(decoding: output.bytes, as: UTF8.self).split(separator: "\n").count, 4)
        }
    }

    /// Same root cause as above: a refused snapshot leaves its aborted transaction open, so the
    /// next snapshot on that connection fails with "current transaction is aborted".
    func testSnapshotAfterARefusedOneOnTheSameConnectionSucceeds() throws {
        try withScratchSchema { schema, connection in
            let table = TableName(schema: schema, table: "items")
            try makeTable(table, rows: 3, connection)
            let role = TestDatabase.uniqueName("r")
            try connection.execute("CREATE ROLE \(role) LOGIN; GRANT USAGE ON SCHEMA \(schema) TO \(role)")
            defer {
                do { try connection.execute("DROP OWNED BY \(role); DROP ROLE \(role)") } catch { XCTFail("cannot drop role \(role): \(error)") }
            }
            let reused = try PGConnection(conninfo: try TestDatabase.url(asUser: role))
            let (error, _) = failingSnapshot([table], on: reused)
            XCTAssertEqual(error?.sqlState, "42501")
            try connection.execute("GRANT SELECT ON \(table.sqlIdentifier) TO \(role)")
            var reader = SnapshotReader(connection: reused, options: SnapshotOptions(tables: [table], prefix: "test"))
            var output = CapturingOutput()
            XCTAssertNoThrow(try reader.run(into: &output))
            XCTAssertEqual(String(decoding: output.bytes, as: UTF8.self).split(separator: "\n").count, 3)
        }
    }

    func testPermissionDeniedNamesTheTable() throws {
        try withScratchSchema { schema, connection in
            let table = TableName(schema: schema, table: "guarded")
            try makeTable(table, rows: 3, connection)
            let role = TestDatabase.uniqueName("r")
            try connection.execute("CREATE ROLE \(role) LOGIN")
            defer {
                do { try connection.execute("DROP OWNED BY \(role); DROP ROLE \(role)") } catch { XCTFail("cannot drop role \(role): \(error)") }
            }
            let url = try TestDatabase.url(asUser: role)

            // No USAGE on the schema.
            do {
                let (error, output) = failingSnapshot([table], on: try PGConnection(conninfo: url))
                let message = error?.description ?? ""
                XCTAssertTrue(message.contains("permission denied"), message)
                XCTAssertTrue(message.contains(table.description), "\(message) should name \(table)")
                XCTAssertEqual(error?.sqlState, "42501")
                XCTAssertEqual(output.byteCount, 0)
            }
            // USAGE on the schema but no SELECT on the table.
            try connection.execute("GRANT USAGE ON SCHEMA \(schema) TO \(role)")
            do {
                let (error, output) = failingSnapshot([table], on: try PGConnection(conninfo: url))
                let message = error?.description ?? ""
                XCTAssertTrue(message.contains("permission denied for table guarded"), message)
                XCTAssertTrue(message.contains(table.description), "\(message) should name \(table)")
                XCTAssertEqual(error?.sqlState, "42501")
                XCTAssertEqual(output.byteCount, 0)
            }
            // A readable table before the refused one: the refusal comes before any event.
            let open = TableName(schema: schema, table: "open")
            try makeTable(open, rows: 2000, connection) // ~800 KB of events, more than any output buffer
            try connection.execute("GRANT SELECT ON \(open.sqlIdentifier) TO \(role)")
            do {
                let (error, output) = failingSnapshot([open, table], on: try PGConnection(conninfo: url))
                XCTAssertTrue(error?.description.contains("permission denied for table guarded") ?? false, "\(error.map { "\($0)" } ?? "")")
                XCTAssertEqual(output.byteCount, 0, "events of \(open) were written before the refusal")
            }
            // With SELECT granted the same role reads it.
            try connection.execute("GRANT SELECT ON \(table.sqlIdentifier) TO \(role)")
            XCTAssertEqual(try snapshotEvents(tables: [table], url: url).count, 3)
        }
    }

    func testUnreachableServerErrorNamesTheTargetWithoutThePassword() throws {
        let targets = [
            "postgresql://postgres:secret@127.0.0.1:1/cdcctl",
            "postgres://postgres:secret@127.0.0.1:1/cdcctl?connect_timeout=5",
            "postgresql://127.0.0.1:1/cdcctl?user=postgres&password=secret&connect_timeout=5",
            "host=127.0.0.1 port=1 dbname=cdcctl user=postgres password=secret",
        ]
        for conninfo in targets {
            do {
                _ = try PGConnection(conninfo: conninfo)
                XCTFail("connected to \(conninfo)")
            } catch let error as PostgresError {
                XCTAssertTrue(error.message.hasPrefix("cannot connect to "), error.message)
                XCTAssertTrue(error.message.contains("127.0.0.1"), "\(error.message) should name the host")
                XCTAssertTrue(error.message.contains("cdcctl"), "\(error.message) should name the database")
                XCTAssertFalse(error.message.contains("secret"), "password leaked: \(error.message)")
                XCTAssertFalse(error.message.contains("\n"), "one line: \(error.message)")
                XCTAssertTrue(error.message.lowercased().contains("refused"), error.message)
            }
        }
    }

    /// libpq accepts quoted key=value values, so a password may contain spaces.
    func testQuotedKeyValuePasswordIsHiddenWhole() throws {
        let conninfo = "host=127.0.0.1 port=1 dbname=cdcctl user=postgres password='open sesame'"
        XCTAssertThrowsError(try PGConnection(conninfo: conninfo)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("127.0.0.1"), message)
            XCTAssertFalse(message.contains("open") || message.contains("sesame"), "password leaked: \(message)")
        }
    }
}
