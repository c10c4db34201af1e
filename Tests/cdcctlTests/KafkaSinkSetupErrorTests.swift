import CDCTestSupport
import Foundation
import XCTest

/// The library's `KafkaSinkError`s and topic template problems name no flags; the CLI words them
/// with the flags that fix them. These runs fail before any server is contacted (nothing
/// listens on port 1).
final class KafkaSinkSetupErrorTests: XCTestCase {
    private let db = "postgresql://postgres@127.0.0.1:1/cdcctl"

    private func assertError(_ args: [String], status: Int32 = 1, stderr expected: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try CLI.run(args, environment: ["CDCCTL_REGISTRY_URL": nil, "CDCCTL_KAFKA_BROKERS": nil])
        let context = "cdcctl \(args.joined(separator: " "))\n\(result.summary)"
        XCTAssertEqual(result.status, status, context, file: file, line: line)
        XCTAssertEqual(result.stdout, "", "stdout must stay empty: \(context)", file: file, line: line)
        XCTAssertEqual(result.stderr, expected + "\n", context, file: file, line: line)
    }

    func testAvroWithoutARegistry() throws {
        try assertError(["stream", "--db", db, "-t", "public.t", "-b", "127.0.0.1:1", "--format", "avro"],
                        stderr: "cdcctl: error: --format avro needs a schema registry: pass --registry URL or set CDCCTL_REGISTRY_URL")
    }

    func testExactlyOnceWithoutATransactionalProducer() throws {
        // -X overrides the transactional.id that --exactly-once sets: empty means none.
        try assertError(["stream", "--db", db, "-t", "public.t", "-b", "127.0.0.1:1", "--format", "json", "--exactly-once", "-X", "transactional.id="],
                        stderr: "cdcctl: error: --exactly-once needs a transactional producer (transactional.id)")
    }

    func testResetOffsetsNeedsExactlyOnce() throws {
        try assertError(["stream", "--db", db, "-t", "public.t", "-b", "127.0.0.1:1", "--reset-offsets"], status: 64,
                        stderr: "cdcctl: error: --reset-offsets only applies with --exactly-once")
    }

    /// Usage errors (EX_USAGE, 64), found by `validate()`.
    func testTopicTemplateProblems() throws {
        try assertError(["snapshot", "--db", db, "-t", "public.t", "-b", "127.0.0.1:1", "--topic-template", ""], status: 64,
                        stderr: "cdcctl: error: --topic-template is empty")
        try assertError(["snapshot", "--db", db, "-t", "public.t", "-b", "127.0.0.1:1", "--topic-template", "{prefix}.{tabel}"], status: 64,
                        stderr: "cdcctl: error: --topic-template '{prefix}.{tabel}' has a placeholder other than {prefix}, {schema}, {table}")
    }
}
