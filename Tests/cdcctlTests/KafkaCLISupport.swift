import CDCTestSupport
import Foundation
import XCTest

/// What one run of `cdcctl` or `kcat` produced, stdout as bytes.
struct KafkaRun {
    let stdout: Data
    let stderr: String
    let status: Int32

    /// stdout as text.
    var text: String { String(decoding: stdout, as: UTF8.self) }
    /// stdout's lines (without the final empty one).
    var lines: [String] {
        guard !text.isEmpty else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0).map(String.init)
    }
    /// For failure messages.
    var summary: String { "exit \(status)\n--- stdout:\n\(text)\n--- stderr:\n\(stderr)" }
}

/// Runs the real `cdcctl` (next to the test bundle) and Debian's `kcat` (with librdkafka from
/// /usr/local/lib/cdcctl, which it needs to talk to Tansu) against the stack's Tansu.
enum KafkaCLI {
    static let kcatPath = URL(fileURLWithPath: "/usr/bin/kcat")
    static let runtimeLibraries = "/usr/local/lib/cdcctl"

    /// `CDCCTL_KAFKA_BROKERS`, or the one `scripts/stack up` exports (started once per process).
    static func brokers() throws -> String {
        if let value = getenv("CDCCTL_KAFKA_BROKERS").map({ String(cString: $0) }), !value.isEmpty { return value }
        _ = try LocalStack.pgURL() // runs scripts/stack up, which also exports CDCCTL_KAFKA_BROKERS
        guard let value = getenv("CDCCTL_KAFKA_BROKERS").map({ String(cString: $0) }), !value.isEmpty else {
            throw CLIError("scripts/stack up exported no CDCCTL_KAFKA_BROKERS")
        }
        return value
    }

    /// A topic name no other test (or earlier run: Tansu keeps topics in memory) uses.
    static func uniqueTopic(_ prefix: String) -> String {
        "cli-\(prefix)-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// `cdcctl args…` with CDCCTL_KAFKA_BROKERS set (so -b is optional) and `stdin` as input.
    static func cdcctl(_ args: [String], stdin: Data = Data(), environment: [String: String?] = [:], timeout: TimeInterval = 30) throws -> KafkaRun {
        var env = CLI.baseEnvironment()
        env["CDCCTL_KAFKA_BROKERS"] = try brokers()
        for (key, value) in environment { env[key] = value }
        return try run(try CLI.binary(), args, stdin: stdin, environment: env, timeout: timeout)
    }

    /// `kcat -b BROKERS args…`.
    static func kcat(_ args: [String], stdin: Data = Data(), timeout: TimeInterval = 30) throws -> KafkaRun {
        var env = CLI.baseEnvironment()
        env["LD_LIBRARY_PATH"] = runtimeLibraries
        return try run(kcatPath, ["-b", try brokers()] + args, stdin: stdin, environment: env, timeout: timeout)
    }

    /// Runs a process with `stdin` as its input, capturing stdout as bytes.
    static func run(_ executable: URL, _ args: [String], stdin: Data, environment: [String: String], timeout: TimeInterval) throws -> KafkaRun {
        let run = try CLI.runCapturing(executable, args, stdin: stdin, environment: environment, timeout: timeout)
        return KafkaRun(stdout: run.stdout, stderr: run.stderr, status: run.status)
    }

    /// Parses one JSON object per line.
    static func jsonObjects(_ run: KafkaRun) throws -> [[String: Any]] {
        try run.lines.map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw CLIError("not a JSON object: \(line)")
            }
            return object
        }
    }
}
