import Foundation
import XCTest

/// What one run of the real `cdcctl` binary produced, stdout as text.
public struct CLIResult: Sendable {
    public let stdout: String
    public let stderr: String
    public let status: Int32

    /// For failure messages.
    public var summary: String { "exit \(status)\n--- stdout:\n\(stdout)\n--- stderr:\n\(stderr)" }
}

/// Runs the built `cdcctl` (the one next to the test bundle).
public enum CLI {
    /// The package root.
    public static var packageRoot: URL { LocalStack.packageRoot }

    /// The directory holding the test bundle, which is where SwiftPM puts the products of the
    /// same build (e.g. `.build/debug/`). On Linux the .xctest is itself the executable run.
    public static var productsDirectory: URL {
        #if os(macOS)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        #endif
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// The `cdcctl` binary under test; throws (failing the test) when it was not built.
    public static func binary() throws -> URL {
        let url = productsDirectory.appendingPathComponent("cdcctl")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw HarnessError("""
                cdcctl binary missing at \(url.path): build it with `swift build` (same scratch path \
                and configuration as the tests) before `swift test`
                """)
        }
        return url
    }

    /// The environment every child gets: this process's, without LD_LIBRARY_PATH (cdcctl must
    /// find its libraries through its RUNPATH), without libpq's PG* defaults (so connection
    /// errors do not depend on the caller's shell), with a fixed help width, and with
    /// CDCCTL_PG_URL only when a test passes it.
    public static func baseEnvironment() -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("PG") || key == "LD_LIBRARY_PATH" || key == "CDCCTL_PG_URL" {
            env[key] = nil
        }
        env["COLUMNS"] = "80"
        env["LINES"] = "24"
        return env
    }

    /// Runs `cdcctl args…` with stdin from /dev/null and `environment` applied on top of
    /// `baseEnvironment()` (nil removes a variable). Kills it after `timeout` seconds.
    public static func run(_ args: [String], environment: [String: String?] = [:], timeout: TimeInterval = 120) throws -> CLIResult {
        var env = baseEnvironment()
        for (key, value) in environment { env[key] = value }
        let run = try ProcessRunner.run(try binary(), args, environment: env, timeout: timeout)
        return CLIResult(stdout: run.text, stderr: run.stderr, status: run.status)
    }
}

extension XCTestCase {
    /// Runs `cdcctl args…` and asserts a failed run: the status, EMPTY stdout, and stderr exactly
    /// `stderr` plus a newline.
    @discardableResult
    public func assertError(_ args: [String], status: Int32, environment: [String: String?] = [:], stderr expected: String,
                            file: StaticString = #filePath, line: UInt = #line) throws -> CLIResult {
        let result = try CLI.run(args, environment: environment)
        let context = "cdcctl \(args.joined(separator: " "))\n\(result.summary)"
        XCTAssertEqual(result.status, status, context, file: file, line: line)
        XCTAssertEqual(result.stdout, "", "stdout must stay empty: \(context)", file: file, line: line)
        XCTAssertEqual(result.stderr, expected + "\n", context, file: file, line: line)
        return result
    }
}
