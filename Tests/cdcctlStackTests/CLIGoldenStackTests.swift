import CDCTestSupport
import Foundation
import XCTest

/// The golden error lines of the real `cdcctl` binary that need the stack's PostgreSQL (a missing
/// database, table or privilege), and a snapshot happy path. The ones without a server are in
/// cdcctlTests' `CLIGoldenTests`.
final class CLIGoldenStackTests: XCTestCase {
    // MARK: - bad input: one exact line on stderr, nothing on stdout, non-zero exit

    func testDatabaseThatDoesNotExist() throws {
        let name = LocalStack.uniqueName("gt_nodb")
        let url = try LocalStack.url(database: name)
        let port = try XCTUnwrap(URLComponents(string: url)?.port)
        try assertError(["snapshot", "--db", url, "-t", "public.t"], status: 1, stderr: """
            cdcctl: error: cannot connect to \(url): connection to server at "127.0.0.1", port \(port) \
            failed: FATAL:  database "\(name)" does not exist
            """)
    }

    func testTableThatDoesNotExist() throws {
        let schema = try makeSchemaWithRows()
        try assertError(["snapshot", "--db", try LocalStack.pgURL(), "-t", "\(schema).missing"], status: 1,
                        stderr: "cdcctl: error: table \(schema).missing does not exist")
    }

    /// The first table exists and has rows, but nothing may be written before the second fails.
    func testSecondTableThatDoesNotExistWritesNothing() throws {
        let schema = try makeSchemaWithRows()
        try assertError(["snapshot", "--db", try LocalStack.pgURL(), "-t", "\(schema).t", "-t", "\(schema).missing"],
                        status: 1, stderr: "cdcctl: error: table \(schema).missing does not exist")
    }

    func testPermissionDeniedOnTable() throws {
        let schema = try makeSchemaWithRows()
        let role = try makeRole()
        try LocalStack.sql("GRANT USAGE ON SCHEMA \(schema) TO \(role)")
        try assertError(["snapshot", "--db", try LocalStack.url(user: role), "-t", "\(schema).t"], status: 1,
                        stderr: "cdcctl: error: cannot read table \(schema).t: permission denied for table t")
    }

    /// A role with no privileges at all: it cannot even use the schema.
    func testPermissionDeniedOnSchema() throws {
        let schema = try makeSchemaWithRows()
        let role = try makeRole()
        try assertError(["snapshot", "--db", try LocalStack.url(user: role), "-t", "\(schema).t"], status: 1,
                        stderr: "cdcctl: error: cannot read table \(schema).t: permission denied for schema \(schema)")
    }

    /// The readable first table is large enough to fill the output buffer; the refused second
    /// table must still leave stdout empty.
    func testPermissionDeniedOnSecondTableWritesNothing() throws {
        let schema = try makeSchemaWithRows()
        let role = try makeRole()
        try LocalStack.sql("""
            CREATE TABLE \(schema).big AS SELECT g AS id, md5(g::text) AS s FROM generate_series(1, 5000) g;
            GRANT USAGE ON SCHEMA \(schema) TO \(role); GRANT SELECT ON \(schema).big TO \(role);
            """)
        try assertError(["snapshot", "--db", try LocalStack.url(user: role), "-t", "\(schema).big", "-t", "\(schema).t"], status: 1,
                        stderr: "cdcctl: error: cannot read table \(schema).t: permission denied for table t")
    }

    // MARK: - happy path

    /// Not on a terminal, so no progress line: stderr stays empty even without -q.
    /// Not on a terminal, so no progress line: stderr stays empty even without -q.
    func testSnapshotWritesOneEventPerRow() throws {
        let schema = try makeSchemaWithRows()
        let result = try CLI.run(["snapshot", "--db", try LocalStack.pgURL(), "-t", "\(schema).t"])
        XCTAssertEqual(result.status, 0, result.summary)
        XCTAssertEqual(result.stderr, "", result.summary)
        try assertThreeReadEvents(result.stdout, schema: schema)
    }

    /// -q, with the database from CDCCTL_PG_URL instead of --db.
    func testQuietSnapshotFromEnvironmentURL() throws {
        let schema = try makeSchemaWithRows()
        let result = try CLI.run(["snapshot", "-q", "-t", "\(schema).t"], environment: ["CDCCTL_PG_URL": try LocalStack.pgURL()])
        XCTAssertEqual(result.status, 0, result.summary)
        XCTAssertEqual(result.stderr, "", result.summary)
        try assertThreeReadEvents(result.stdout, schema: schema)
    }

    // MARK: - helpers

    /// A new schema with table `t` holding rows 1, 2, 3; dropped when the test ends.
    private func makeSchemaWithRows() throws -> String {
        let schema = LocalStack.uniqueName("gt")
        addTeardownBlock { _ = try? LocalStack.sql("DROP SCHEMA IF EXISTS \(schema) CASCADE") }
        try LocalStack.sql("""
            CREATE SCHEMA \(schema);
            CREATE TABLE \(schema).t (id int PRIMARY KEY, name text NOT NULL, amount numeric(8,2));
            INSERT INTO \(schema).t VALUES (1, 'one', 1.50), (2, 'two', NULL), (3, 'three', 3.25);
            """)
        return schema
    }

    /// A new login role with no privileges; dropped (with whatever was granted to it) when the
    /// test ends.
    private func makeRole() throws -> String {
        let role = LocalStack.uniqueName("gt_role")
        addTeardownBlock { _ = try? LocalStack.sql("DROP OWNED BY \(role); DROP ROLE IF EXISTS \(role)") }
        try LocalStack.sql("CREATE ROLE \(role) LOGIN")
        return role
    }

    private func assertThreeReadEvents(_ stdout: String, schema: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertTrue(stdout.hasSuffix("\n"), "NDJSON ends with a newline", file: file, line: line)
        let lines = stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 3, stdout, file: file, line: line)
        var ids: [Int] = []
        for text in lines {
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
            let event = try XCTUnwrap(object as? [String: Any], String(text), file: file, line: line)
            XCTAssertEqual(event["op"] as? String, "r", String(text), file: file, line: line)
            let source = try XCTUnwrap(event["source"] as? [String: Any], file: file, line: line)
            XCTAssertEqual(source["schema"] as? String, schema, file: file, line: line)
            XCTAssertEqual(source["table"] as? String, "t", file: file, line: line)
            let after = try XCTUnwrap(event["after"] as? [String: Any], file: file, line: line)
            ids.append(try XCTUnwrap((after["id"] as? NSNumber)?.intValue, file: file, line: line))
        }
        XCTAssertEqual(ids, [1, 2, 3], file: file, line: line)
    }
}
