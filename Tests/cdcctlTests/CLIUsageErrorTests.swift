import CDCTestSupport
import Foundation
import XCTest

/// One exact `cdcctl: error:` line, empty stdout and a non-zero exit for flags ArgumentParser
/// used to misreport (negative numbers read as flags: "Missing value for '-c'") and for schema
/// registry URLs, which must never show their password. No server needed.
final class CLIUsageErrorTests: XCTestCase {
    /// ArgumentParser's exit code for usage errors (EX_USAGE); runtime errors exit 1.
    private let usageError: Int32 = 64
    private let noBroker = ["-b", "127.0.0.1:1"]
    private let noDatabase = ["--db", "postgresql://postgres@127.0.0.1:1/cdcctl"]

    func testNegativeCountsAndPartitionsNameTheFlag() throws {
        for count in ["-1", "0"] {
            try assertError(["consume", "-t", "t", "-c", count] + noBroker, status: usageError,
                            "-c must be a positive number of messages")
            try assertError(["produce", "-t", "t", "-c", count] + noBroker, status: usageError,
                            "-c must be a positive number of messages")
        }
        try assertError(["consume", "-t", "t", "-p", "-1"] + noBroker, status: usageError,
                        "-p must be a partition number (0 or more)")
        try assertError(["produce", "-t", "t", "-p", "-2"] + noBroker, status: usageError,
                        "-p must be a partition number (0 or more, or -1 to let the key's hash choose)")
        for command in ["snapshot", "stream"] {
            try assertError([command, "-t", "public.t", "--partitions", "-3"] + noBroker + noDatabase, status: usageError,
                            "--partitions must be positive (or -1 for the broker's default)")
            try assertError([command, "-t", "public.t", "--replication-factor", "-2"] + noBroker + noDatabase, status: usageError,
                            "--replication-factor must be positive (or -1 for the broker's default)")
        }
        try assertError(["stream", "-t", "public.t", "--heartbeat-interval", "-5"] + noDatabase, status: usageError,
                        "--heartbeat-interval must be positive")
        try assertError(["stream", "-t", "public.t", "--status-interval", "-1"] + noDatabase, status: usageError,
                        "--status-interval must be positive")
    }

    /// --json-form only means something for registry-decoded (consume) or --avro-schema (produce) values.
    func testJSONFormNeedsAvro() throws {
        try assertError(["produce", "-t", "t", "--json-form", "avro"] + noBroker, status: usageError,
                        "--value-subject, --registry and --json-form only apply with --avro-schema FILE")
        try assertError(["consume", "-t", "t", "--raw", "--json-form", "avro"] + noBroker, status: usageError,
                        "--json-form applies to values decoded through the registry; --raw prints bytes as stored")
    }

    /// `--metrics-listen` and `--max-retained-wal` are checked before anything connects.
    func testMonitoringFlagsAreValidated() throws {
        try assertError(["stream", "-t", "public.t", "--metrics-listen", "127.0.0.1:http"] + noDatabase, status: usageError,
                        "invalid --metrics-listen '127.0.0.1:http': expected HOST:PORT or PORT, e.g. 127.0.0.1:9187")
        try assertError(["stream", "-t", "public.t", "--metrics-listen", "example.com:9187"] + noDatabase, status: usageError,
                        "invalid --metrics-listen 'example.com:9187': the host must be an IPv4 address, [IPv6 address] or localhost")
        try assertError(["stream", "-t", "public.t", "--max-retained-wal", "lots"] + noDatabase, status: usageError,
                        "invalid --max-retained-wal 'lots': expected a size like 512MB, 1GB or a number of bytes")
    }

    /// The values the negative-number checks must keep accepting: `--partitions -1` (the broker's
    /// default), `produce -p -1` (the partitioner) and kcat's relative offset `-o -5` all get past
    /// flag parsing and fail only on the unreachable server.
    /// Names PostgreSQL would refuse (or truncate) and a bad --parallel are usage errors, found
    /// before any server is contacted (so before a publication could be created).
    func testSlotNamesAndParallelAreCheckedFirst() throws {
        try assertError(["stream", "--slot", "Shop-1", "-t", "public.t"] + noDatabase, status: usageError,
                        "--slot: invalid replication slot name 'Shop-1': only lower-case letters, digits and the underscore are allowed")
        try assertError(["stream", "--publication", String(repeating: "p", count: 64), "-t", "public.t"] + noDatabase, status: usageError,
                        "--publication: publication name '\(String(repeating: "p", count: 64))' is longer than 63 bytes")
        try assertError(["snapshot", "-t", "public.t", "--parallel", "0"] + noDatabase, status: usageError,
                        "--parallel must be between 1 and 64")
        try assertError(["stream", "-t", "public.t", "--parallel", "65"] + noDatabase, status: usageError,
                        "--parallel must be between 1 and 64")
    }

    func testNegativeValuesWithAMeaningStillParse() throws {
        let snapshot = try CLI.run(["snapshot", "-t", "public.t", "--partitions", "-1", "--replication-factor", "-1"] + noBroker + noDatabase)
        XCTAssertEqual(snapshot.status, 1, snapshot.summary)
        XCTAssertTrue(snapshot.stderr.hasPrefix("cdcctl: error: cannot connect to postgresql://postgres@127.0.0.1:1/cdcctl"), snapshot.summary)

        let consume = try CLI.run(["consume", "-t", "t", "-o", "-5", "-e", "-m", "1"] + noBroker)
        XCTAssertEqual(consume.status, 1, consume.summary)
        XCTAssertTrue(consume.stderr.hasPrefix("cdcctl: error: cannot fetch metadata for topic t from 127.0.0.1:1"), consume.summary)

        let produce = try ProcessRunner.run(try CLI.binary(), ["produce", "-t", "t", "-p", "-1", "-m", "1"] + noBroker,
                                           stdin: Data("x\n".utf8), environment: CLI.baseEnvironment(), timeout: 30)
        XCTAssertEqual(produce.status, 1, produce.stderr)
        XCTAssertTrue(produce.stderr.hasPrefix("cdcctl: error: cannot reach the Kafka broker 127.0.0.1:1 within 1 s"), produce.stderr)
    }

    func testRegistryURLErrorsMaskThePassword() throws {
        let secret = "s3cr3t-\(getpid())"
        try assertError(["consume", "-t", "t", "--registry", "ftp://u:\(secret)@x"] + noBroker, status: 1,
                        "invalid schema registry URL 'ftp://u:***@x': expected http(s)://host:port", secret: secret)
        try assertError(["consume", "-t", "t", "--registry", "http://u:\(secret)@"] + noBroker, status: 1,
                        "invalid schema registry URL 'http://u:***@': expected http(s)://host:port", secret: secret)
        try assertError(["consume", "-t", "t", "--registry", "u:\(secret)@host:8081/x"] + noBroker, status: 1,
                        "invalid schema registry URL 'u:***@host:8081/x': expected http(s)://host:port", secret: secret)

        let schema = FileManager.default.temporaryDirectory.appendingPathComponent("cdcctl-usage-\(getpid()).avsc")
        try Data(#""string""#.utf8).write(to: schema)
        defer { try? FileManager.default.removeItem(at: schema) }
        try assertError(["produce", "-t", "t", "--avro-schema", schema.path, "--registry", "ftp://u:\(secret)@x:1/p"] + noBroker,
                        status: 1, "invalid schema registry URL 'ftp://u:***@x:1/p': expected http(s)://host:port", secret: secret)
    }

    // MARK: - helpers

    /// Asserts a failed run: the status, EMPTY stdout, stderr exactly `cdcctl: error: expected`
    /// and a newline, and `secret` nowhere in it.
    private func assertError(_ args: [String], status: Int32, _ expected: String, secret: String? = nil,
                             file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try CLI.run(args, timeout: 30)
        let context = "cdcctl \(args.joined(separator: " "))\n\(result.summary)"
        XCTAssertEqual(result.status, status, context, file: file, line: line)
        XCTAssertEqual(result.stdout, "", "stdout must stay empty: \(context)", file: file, line: line)
        XCTAssertEqual(result.stderr, "cdcctl: error: \(expected)\n", context, file: file, line: line)
        if let secret { XCTAssertFalse(result.stderr.contains(secret), context, file: file, line: line) }
    }
}

/// The shaping flags' values and combinations are checked before anything connects: one line
/// naming the flag (issue #9).
final class CLIShapingUsageTests: XCTestCase {
    private let usageError: Int32 = 64
    private let noDatabase = ["--db", "postgresql://postgres@127.0.0.1:1/cdcctl"]

    private func assertError(_ args: [String], _ expected: String, prefixOnly: Bool = false, file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try CLI.run(args + noDatabase, timeout: 30)
        let context = "cdcctl \(args.joined(separator: " "))\n\(result.summary)"
        XCTAssertEqual(result.status, usageError, context, file: file, line: line)
        XCTAssertEqual(result.stdout, "", "stdout must stay empty: \(context)", file: file, line: line)
        XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, "one line: \(context)", file: file, line: line)
        if prefixOnly {
            XCTAssertTrue(result.stderr.hasPrefix("cdcctl: error: \(expected)"), context, file: file, line: line)
        } else {
            XCTAssertEqual(result.stderr, "cdcctl: error: \(expected)\n", context, file: file, line: line)
        }
    }

    func testFlagValues() throws {
        try assertError(["snapshot", "-t", "shop.(orders"], "invalid -t 'shop.(orders': 'shop.(orders' is not a regular expression (", prefixOnly: true)
        try assertError(["snapshot", "-t", "s.t", "--columns", "s.t"], "invalid --columns 's.t': expected schema.table:column[,column…]")
        try assertError(["snapshot", "-t", "s.t", "--mask", "nodot=stars"], "invalid --mask 'nodot=stars': expected schema.table.column=VALUE")
        try assertError(["snapshot", "-t", "s.t", "--mask", "s.t.c=hash"], "invalid --mask 's.t.c=hash': 'hash' needs an algorithm: hash:sha256[:salt]")
        try assertError(["snapshot", "-t", "s.t", "--truncate", "s.t.c=0"], "invalid --truncate 's.t.c=0': expected a number of characters (1 or more), not '0'")
        try assertError(["snapshot", "-t", "s.t", "--key", "s.t:a.*"], "invalid --key 's.t:a.*': key columns are names, not patterns ('a.*')")
        try assertError(["stream", "-t", "s.t", "--ops", "c,r"], "invalid --ops 'c,r': unknown operation 'r': expected a list of c, u, d, t, m")
        try assertError(["snapshot", "-t", "s.t", "--envelope", "flat", "--add-fields", "op,nope"],
                        "invalid --add-fields 'op,nope': unknown field 'nope': expected op, ts_ms, ts_us, ts_ns, source.{version, connector, name, ts_ms, snapshot, db, sequence, ts_us, ts_ns, schema, table, txId, lsn, xmin, origin, origin_lsn}, transaction.{id, total_order, data_collection_order}")
    }

    func testFlagCombinations() throws {
        try assertError(["snapshot", "-t", "s.t", "--add-fields", "op"], "--add-fields applies to --envelope flat")
        try assertError(["stream", "-t", "s.t", "--deletes", "drop"], "--deletes applies to --envelope flat")
        try assertError(["snapshot", "-t", "s.t", "--envelope", "flat", "--deletes", "tombstone"],
                        "--deletes tombstone needs Kafka (a tombstone is a record with the key and no value); on stdout use --deletes rewrite or drop")
        try assertError(["stream", "-t", "s.t", "--envelope", "flat", "--no-tombstones", "-b", "127.0.0.1:1"],
                        "--no-tombstones applies to --envelope debezium; with --envelope flat, --deletes says what a delete becomes")
    }
}
