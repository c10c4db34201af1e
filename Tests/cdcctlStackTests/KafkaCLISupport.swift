import CDCTestSupport
import Foundation
import XCTest

/// What one run of `cdcctl` or `kcat` produced, stdout as bytes.
typealias KafkaRun = ProcessOutput

/// Runs the real `cdcctl` (next to the test bundle) and Debian's `kcat` (with librdkafka from
/// /usr/local/lib/cdcctl, which it needs to talk to Tansu) against the stack's Tansu.
enum KafkaCLI {
    static let kcatPath = URL(fileURLWithPath: "/usr/bin/kcat")
    static let runtimeLibraries = "/usr/local/lib/cdcctl"

    /// `CDCCTL_KAFKA_BROKERS`, or the one `scripts/stack up` exports (started once per process).
    static func brokers() throws -> String { try LocalStack.kafkaBrokers() }

    /// A topic name no other test (or earlier run: Tansu keeps topics in memory) uses.
    static func uniqueTopic(_ prefix: String) -> String { KafkaTestStack.uniqueTopic("cli-\(prefix)") }

    /// `cdcctl args…` with CDCCTL_KAFKA_BROKERS set (so -b is optional) and `stdin` as input.
    static func cdcctl(_ args: [String], stdin: Data = Data(), environment: [String: String?] = [:], timeout: TimeInterval = 30) throws -> KafkaRun {
        var env = CLI.baseEnvironment()
        env["CDCCTL_KAFKA_BROKERS"] = try brokers()
        for (key, value) in environment { env[key] = value }
        return try ProcessRunner.run(try CLI.binary(), args, stdin: stdin, environment: env, timeout: timeout)
    }

    /// `kcat -b BROKERS args…`.
    static func kcat(_ args: [String], stdin: Data = Data(), timeout: TimeInterval = 30) throws -> KafkaRun {
        var env = CLI.baseEnvironment()
        env["LD_LIBRARY_PATH"] = runtimeLibraries
        return try ProcessRunner.run(kcatPath, ["-b", try brokers()] + args, stdin: stdin, environment: env, timeout: timeout)
    }

    /// Parses one JSON object per line.
    static func jsonObjects(_ run: KafkaRun) throws -> [[String: Any]] {
        try run.lines.map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw HarnessError("not a JSON object: \(line)")
            }
            return object
        }
    }
}
