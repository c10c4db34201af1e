import CDCTestSupport
import Foundation
import XCTest

/// `cdcctl slots`, `cdcctl slots drop` and `cdcctl check`, run as the real binary against the
/// stack. (e2e/operate-slots-check.sh adds a throw-away wal_level=replica cluster.)
final class SlotsCheckTests: XCTestCase {
    // MARK: - slots

    func testRetainedWALGrowsWithWritesAndShrinksOnceAStreamConfirms() throws {
        let f = try StreamFixture(self)
        try f.sql.exec("CREATE TABLE \(f.table("items")) (id int PRIMARY KEY, payload text)")
        try f.createPublication(["items"])
        try f.createSlot()
        let before = try XCTUnwrap(try slot(f.slot), "slots -J lists the new slot")
        XCTAssertEqual(before["plugin"] as? String, "pgoutput")
        XCTAssertEqual(before["active"] as? Bool, false)
        XCTAssertNil(before["publication"] as? String, "an inactive slot's publication is unknown")
        let retained0 = try XCTUnwrap(before["retained_bytes"] as? Int)

        // 4 MB of payload.
        try f.sql.exec("INSERT INTO \(f.table("items")) SELECT g, repeat(md5(g::text), 32) FROM generate_series(1, 4096) g")
        let retained1 = try XCTUnwrap(try slot(f.slot)?["retained_bytes"] as? Int)
        XCTAssertGreaterThanOrEqual(retained1 - retained0, 4 << 20, "retained WAL grows by the insert: \(retained0) -> \(retained1)")
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(try slot(f.slot)?["lag_bytes"] as? Int), 4 << 20)

        // A checkpoint logs the running transactions (where decoding can restart); the row
        // after it makes the stream decode past that point before --endpos.
        try f.sql.exec("CHECKPOINT")
        try f.sql.exec("INSERT INTO \(f.table("items")) VALUES (0, 'after')")
        let events = try f.streamToNow(["items"])
        XCTAssertEqual(events.count, 4097)
        var retained2 = retained1
        for _ in 0..<50 {
            retained2 = try XCTUnwrap(try slot(f.slot)?["retained_bytes"] as? Int)
            if retained2 < retained1 { break }
            usleep(100_000)
        }
        XCTAssertLessThan(retained2, retained1, "retained WAL shrinks once the stream confirmed")
        XCTAssertLessThan(try XCTUnwrap(try slot(f.slot)?["lag_bytes"] as? Int), 1 << 20)
    }

    func testWarnRetainedFlagsTheSlotWarnsAndExitsTwo() throws {
        let f = try StreamFixture(self)
        try f.sql.exec("CREATE TABLE \(f.table("items")) (id int PRIMARY KEY, payload text)")
        try f.createSlot()
        try f.sql.exec("INSERT INTO \(f.table("items")) SELECT g, repeat('x', 1000) FROM generate_series(1, 200) g")
        let result = try CLI.run(["slots", "--db", f.url, "--warn-retained", "64kB"])
        XCTAssertEqual(result.status, 2, result.summary)
        let header = try XCTUnwrap(result.stdout.split(separator: "\n").first)
        XCTAssertTrue(header.hasPrefix("SLOT "), result.summary)
        XCTAssertTrue(header.hasSuffix(" PUBLICATION  WARN"), result.summary)
        let row = try XCTUnwrap(result.stdout.split(separator: "\n").first { $0.hasPrefix(f.slot + " ") }, result.summary)
        XCTAssertTrue(row.hasSuffix(" unknown      retained>64kB"), String(row))
        XCTAssertTrue(result.stderr.contains("cdcctl: warning: replication slot \(f.slot) retains "), result.summary)
        XCTAssertTrue(result.stderr.contains("more than --warn-retained 64 kB"), result.summary)

        let quiet = try CLI.run(["slots", "--db", f.url, "--warn-retained", "1TB", "-J"])
        XCTAssertEqual(quiet.status, 0, quiet.summary)
        XCTAssertEqual(quiet.stderr, "", quiet.summary)
        XCTAssertEqual(try slot(f.slot, extra: ["--warn-retained", "1TB"])?["warn_retained"] as? Bool, false)
    }

    func testDropRefusesAnActiveSlotAndForceDropsIt() throws {
        let f = try StreamFixture(self)
        try f.sql.exec("CREATE TABLE \(f.table("items")) (id int PRIMARY KEY)")
        try f.createPublication(["items"])
        let run = try f.startStream(["-q"])
        try f.waitForSlotActive(run: run)
        let active = try XCTUnwrap(try slot(f.slot))
        XCTAssertEqual(active["publication"] as? String, f.publication, "an active slot names its walsender's publication")
        let client = try XCTUnwrap(active["client"] as? String)
        XCTAssertTrue(client.hasPrefix("127.0.0.1:"), client)
        let pid = try XCTUnwrap(active["active_pid"] as? Int)

        try assertError(["slots", "drop", "--db", f.url, f.slot], status: 1, stderr: """
            cdcctl: error: replication slot \(f.slot) is active (walsender process \(pid) by \(client)): stop its consumer, \
            or pass --force to terminate it and drop the slot
            """)
        XCTAssertNotNil(try f.slotState())

        let forced = try CLI.run(["slots", "drop", "--db", f.url, f.slot, "--force"])
        XCTAssertEqual(forced.status, 0, forced.summary)
        XCTAssertEqual(forced.stderr, "", forced.summary)
        XCTAssertEqual(forced.stdout, "terminated walsender process \(pid) (client \(client)) and dropped replication slot \(f.slot)\n")
        XCTAssertNil(try f.slotState(), "the slot is gone")
    }

    func testDropOfAMissingSlotIsOneLine() throws {
        let url = try LocalStack.pgURL()
        let name = LocalStack.uniqueName("noslot")
        try assertError(["slots", "drop", "--db", url, name], status: 1,
                        stderr: "cdcctl: error: replication slot \(name) does not exist on \(url)")
        try assertError(["slots", "drop", "--db", url, name, "--force"], status: 1,
                        stderr: "cdcctl: error: replication slot \(name) does not exist on \(url)")
    }

    // MARK: - check

    func testCheckOfTheHealthyStackPasses() throws {
        let f = try StreamFixture(self)
        try f.sql.exec("CREATE TABLE \(f.table("items")) (id int PRIMARY KEY)")
        try f.createPublication(["items"])
        let result = try CLI.run(["check", "--db", f.url, "-t", f.table("items"), "--publication", f.publication,
                                  "-b", try LocalStack.kafkaBrokers(), "--registry", try registryURL()])
        XCTAssertEqual(result.status, 0, result.summary)
        XCTAssertEqual(result.stderr, "", result.summary)
        let statuses = result.stdout.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) ?? "" }
        XCTAssertEqual(Set(statuses), ["ok"], result.summary)
        for name in ["postgres", "wal_level", "replication_privilege", "replication_slots", "wal_senders", "publication", "table",
                     "replica_identity", "broker", "registry"] {
            XCTAssertTrue(result.stdout.contains("ok       \(name) "), "\(name) checked:\n\(result.stdout)")
        }
    }

    /// Every problem in one run: a role without REPLICATION, a table without a key, a table
    /// outside the publication, a missing table, an unreachable registry.
    func testCheckNamesEveryProblemAtOnce() throws {
        let f = try StreamFixture(self)
        let role = f.schema + "_norepl"
        try f.sql.exec("CREATE ROLE \(role) LOGIN NOREPLICATION")
        f.roles.append(role)
        try f.sql.exec("""
            CREATE TABLE \(f.table("keyed")) (id int PRIMARY KEY); CREATE TABLE \(f.table("nokey")) (v text);
            CREATE TABLE \(f.table("other")) (id int PRIMARY KEY)
            """)
        try f.createPublication(["keyed", "nokey"])
        try f.sql.exec("GRANT USAGE ON SCHEMA \(f.schema) TO \(role)")
        let result = try CLI.run(["check", "-J", "--db", try LocalStack.url(user: role), "--publication", f.publication,
                                  "-t", f.table("keyed"), "-t", f.table("other"), "-t", f.table("missing"),
                                  "--registry", "http://127.0.0.1:1", "-m", "2"],
                                 environment: ["CDCCTL_KAFKA_BROKERS": nil])
        XCTAssertEqual(result.status, 1, result.summary)
        XCTAssertEqual(result.stderr, """
            cdcctl: error: check found 5 problems: replication_privilege, table (2), replica_identity, registry; the fixes are on stdout

            """)
        let checks = try result.stdout.split(separator: "\n").map { line in
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
        }
        let problems = checks.filter { $0["status"] as? String == "problem" }
        XCTAssertEqual(problems.map { $0["check"] as? String }, ["replication_privilege", "table", "table", "replica_identity", "registry"])
        XCTAssertTrue(problems.allSatisfy { ($0["fix"] as? String)?.isEmpty == false }, result.stdout)
        let messages = problems.compactMap { $0["message"] as? String }
        XCTAssertTrue(messages.contains { $0.hasPrefix("role \(role) has neither the REPLICATION attribute") }, result.stdout)
        XCTAssertTrue(messages.contains("table \(f.table("other")) is not in publication \(f.publication), so none of its changes would arrive"), result.stdout)
        XCTAssertTrue(messages.contains("table \(f.table("missing")) does not exist"), result.stdout)
        XCTAssertTrue(messages.contains { $0.hasPrefix("table \(f.table("nokey")) has no primary key and no replica identity") }, result.stdout)
        XCTAssertEqual(checks.first { $0["check"] as? String == "broker" }?["status"] as? String, "skip")
    }

    /// `-t` and `--exclude-table` take patterns as `stream` does: each table a pattern matches is
    /// checked; a pattern that matches nothing, or an exclusion that removes nothing, is a problem.
    func testCheckTakesTablePatternsAsStreamDoes() throws {
        let f = try StreamFixture(self)
        try f.sql.exec("""
            CREATE TABLE \(f.table("order_a")) (id int PRIMARY KEY); CREATE TABLE \(f.table("order_b")) (id int PRIMARY KEY);
            CREATE TABLE \(f.table("order_tmp")) (v text)
            """)
        try f.createPublication(["order_a"])
        let result = try CLI.run(["check", "--db", f.url, "--publication", f.publication, "-t", "\(f.schema)\\.order_.*",
                                  "--exclude-table", ".*_tmp", "-t", "\(f.schema)\\.nothing_.*", "--exclude-table", ".*\\.nope"],
                                 environment: ["CDCCTL_KAFKA_BROKERS": nil, "CDCCTL_REGISTRY_URL": nil])
        XCTAssertEqual(result.status, 1, result.summary)
        XCTAssertTrue(result.stdout.contains("table \(f.table("order_a")) is in publication \(f.publication)"), result.summary)
        XCTAssertTrue(result.stdout.contains("table \(f.table("order_b")) is not in publication \(f.publication)"), result.summary)
        XCTAssertFalse(result.stdout.contains("order_tmp"), "the excluded key-less table is not checked:\n\(result.stdout)")
        XCTAssertTrue(result.stdout.contains("-t '\(f.schema)\\.nothing_.*' matches no table"), result.summary)
        XCTAssertTrue(result.stdout.contains("--exclude-table '.*\\.nope' matches none of the tables selected"), result.summary)
        XCTAssertEqual(result.stderr, "cdcctl: error: check found 3 problems: table (3); the fixes are on stdout\n")
    }

    /// A port where nothing listens refuses the connection: that is a definite answer, given at
    /// once instead of after librdkafka's retries have used up -m.
    func testCheckReportsARefusedBrokerAtOnce() throws {
        let (result, elapsed) = try checkBroker("127.0.0.1:1", timeout: 5)
        XCTAssertTrue(result.stdout.contains("Kafka at 127.0.0.1:1: connection refused (nothing listens there); fix: "), result.summary)
        XCTAssertLessThan(elapsed, 4, "a refusal does not wait for -m 5")
    }

    /// A listener that accepts the connection but never answers (a wrong service, a hung broker)
    /// is given -m seconds, then reported.
    func testCheckReportsASilentBrokerWithinTheTimeout() throws {
        let silent = try SilentListener()
        let (result, elapsed) = try checkBroker("127.0.0.1:\(silent.port)", timeout: 2)
        XCTAssertTrue(result.stdout.contains("Kafka at 127.0.0.1:\(silent.port) did not answer a metadata request within 2 s"), result.summary)
        XCTAssertGreaterThanOrEqual(elapsed, 1.5, "it waited for the timeout")
        XCTAssertLessThanOrEqual(elapsed, 5, "it gave up soon after -m 2")
    }

    /// `check -b BROKER -m TIMEOUT` against the stack's database, with the broker its one problem.
    private func checkBroker(_ broker: String, timeout: Int) throws -> (CLIResult, TimeInterval) {
        let started = Date()
        let result = try CLI.run(["check", "--db", try LocalStack.pgURL(), "-b", broker, "-m", String(timeout)],
                                 environment: ["CDCCTL_REGISTRY_URL": nil])
        let elapsed = Date().timeIntervalSince(started)
        print("check -b \(broker) -m \(timeout) took \(String(format: "%.2f", elapsed)) s")
        XCTAssertEqual(result.status, 1, result.summary)
        XCTAssertEqual(result.stderr, "cdcctl: error: check found 1 problem: broker; the fixes are on stdout\n")
        XCTAssertTrue(result.stdout.contains("problem  broker "), result.summary)
        return (result, elapsed)
    }

    // MARK: - stream's own preflight

    /// The role may create the publication (it owns the table and may create in the
    /// database), but not replicate: the stream stops before creating the publication.
    func testStreamChecksTheReplicationPrivilegeBeforeCreatingAnything() throws {
        let f = try StreamFixture(self)
        let role = f.schema + "_owner"
        try f.sql.exec("CREATE ROLE \(role) LOGIN NOREPLICATION")
        f.roles.append(role)
        let database = try XCTUnwrap(try f.sql.value("SELECT current_database()"))
        try f.sql.exec("""
            CREATE TABLE \(f.table("items")) (id int PRIMARY KEY); ALTER TABLE \(f.table("items")) OWNER TO \(role);
            GRANT USAGE ON SCHEMA \(f.schema) TO \(role); GRANT CREATE ON DATABASE \(database) TO \(role)
            """)
        addTeardownBlock { _ = try? LocalStack.sql("REVOKE CREATE ON DATABASE \(database) FROM \(role)") }
        let run = try f.stream(["-t", f.table("items")], url: try LocalStack.url(user: role), timeout: 20)
        XCTAssertEqual(run.process.terminationStatus, 1, run.summary)
        XCTAssertEqual(run.stdout, "")
        XCTAssertEqual(run.stderr, """
            cdcctl: error: role \(role) has neither the REPLICATION attribute nor superuser, so it cannot open a replication \
            connection: ALTER ROLE "\(role)" REPLICATION (as a superuser)

            """)
        XCTAssertEqual(try f.sql.value("SELECT count(*)::text FROM pg_publication WHERE pubname = $1", [f.publication]), "0",
                       "no publication may be created")
        XCTAssertNil(try f.slotState(), "no slot may be created")
    }

    // MARK: - helpers

    /// The slot's object in `cdcctl slots -J`, nil when it is not listed.
    private func slot(_ name: String, extra: [String] = []) throws -> [String: Any]? {
        let result = try CLI.run(["slots", "-J", "--db", try LocalStack.pgURL()] + extra)
        XCTAssertEqual(result.status, 0, result.summary)
        for line in result.stdout.split(separator: "\n") {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
            if object["slot"] as? String == name { return object }
        }
        return nil
    }

    private func registryURL() throws -> String {
        _ = try LocalStack.pgURL()
        return try XCTUnwrap(ProcessInfo.processInfo.environment["CDCCTL_REGISTRY_URL"] ?? getenv("CDCCTL_REGISTRY_URL").map { String(cString: $0) })
    }
}
