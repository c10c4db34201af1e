import Foundation
import CDCTestSupport
import XCTest

/// What one run of the real `cdcctl` binary produced.
struct CLIResult {
    let stdout: String
    let stderr: String
    let status: Int32

    /// For failure messages.
    var summary: String { "exit \(status)\n--- stdout:\n\(stdout)\n--- stderr:\n\(stderr)" }
}

struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs the built `cdcctl` (the one next to the test bundle) and the helpers the tests need:
/// the package root, the local stack's PostgreSQL URL, and `psql` for fixtures.
enum CLI {
    /// The package root.
    static var packageRoot: URL { LocalStack.packageRoot }

    /// The directory holding the test bundle, which is where SwiftPM puts the products of the
    /// same build (e.g. `.build/debug/`). On Linux the .xctest is itself the executable run.
    static var productsDirectory: URL {
        #if os(macOS)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        #endif
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// The `cdcctl` binary under test; throws (failing the test) when it was not built.
    static func binary() throws -> URL {
        let url = productsDirectory.appendingPathComponent("cdcctl")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw CLIError("""
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
    static func baseEnvironment() -> [String: String] {
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
    static func run(_ args: [String], environment: [String: String?] = [:], timeout: TimeInterval = 120) throws -> CLIResult {
        var env = baseEnvironment()
        for (key, value) in environment { env[key] = value }
        return try runProcess(try binary(), args, environment: env, timeout: timeout)
    }

    /// Runs any executable, capturing stdout and stderr through temporary files (no pipe can
    /// fill up and block the child).
    static func runProcess(_ executable: URL, _ args: [String], environment: [String: String]? = nil,
                           currentDirectory: URL? = nil, timeout: TimeInterval = 120) throws -> CLIResult {
        let run = try runCapturing(executable, args, environment: environment, currentDirectory: currentDirectory, timeout: timeout)
        return CLIResult(stdout: String(decoding: run.stdout, as: UTF8.self), stderr: run.stderr, status: run.status)
    }

    /// Runs any executable with stdin from `stdin` (nil: /dev/null) and stdout/stderr captured in
    /// temporary files; kills it after `timeout` seconds. Stdout comes back as raw bytes.
    static func runCapturing(_ executable: URL, _ args: [String], stdin: Data? = nil, environment: [String: String]? = nil,
                             currentDirectory: URL? = nil, timeout: TimeInterval) throws -> (stdout: Data, stderr: String, status: Int32) {
        let tmp = FileManager.default.temporaryDirectory
        let id = UUID().uuidString
        let inURL = tmp.appendingPathComponent("cdcctl-cli-\(id).in")
        let outURL = tmp.appendingPathComponent("cdcctl-cli-\(id).out")
        let errURL = tmp.appendingPathComponent("cdcctl-cli-\(id).err")
        if let stdin { try stdin.write(to: inURL) }
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { for url in [inURL, outURL, errURL] { try? FileManager.default.removeItem(at: url) } }
        let inHandle = stdin == nil ? nil : try FileHandle(forReadingFrom: inURL)
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)

        let process = Process()
        process.executableURL = executable
        process.arguments = args
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        process.standardInput = inHandle ?? FileHandle.nullDevice
        process.standardOutput = outHandle
        process.standardError = errHandle
        try process.run()
        try? inHandle?.close()
        try? outHandle.close()
        try? errHandle.close()

        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline { timedOut = true; process.terminate(); break }
            usleep(10_000)
        }
        process.waitUntilExit()
        let stderr = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
        if timedOut {
            throw CLIError("\(executable.lastPathComponent) \(args.joined(separator: " ")) did not finish in \(Int(timeout))s\n\(stderr)")
        }
        return ((try? Data(contentsOf: outURL)) ?? Data(), stderr, process.terminationStatus)
    }
}

/// The local stack's PostgreSQL, and `psql` for fixtures.
enum Stack {
    /// `CDCCTL_PG_URL` from the environment, or from `scripts/stack up` (run once per process)
    /// when it is missing. Never skips: without a database the tests fail.
    static func pgURL() throws -> String { try LocalStack.pgURL() }

    /// The stack's URL with another user and/or database (and optionally a password).
    static func url(user: String? = nil, password: String? = nil, database: String? = nil) throws -> String {
        guard var parts = URLComponents(string: try pgURL()) else { throw CLIError("cannot parse \(try pgURL())") }
        if let user { parts.user = user }
        if let password { parts.password = password }
        if let database { parts.path = "/" + database }
        guard let url = parts.string else { throw CLIError("cannot build a URL from \(parts)") }
        return url
    }

    /// The psql that scripts/stack uses (PostgreSQL 15), or the one on PATH.
    static var psql: URL {
        let pinned = "/usr/lib/postgresql/15/bin/psql"
        if FileManager.default.isExecutableFile(atPath: pinned) { return URL(fileURLWithPath: pinned) }
        return URL(fileURLWithPath: "/usr/bin/psql")
    }

    /// Runs SQL as the stack's superuser; throws with psql's stderr when it fails.
    @discardableResult
    static func sql(_ statements: String) throws -> String {
        let result = try CLI.runProcess(psql, ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                                               "-d", try pgURL(), "-c", statements])
        guard result.status == 0 else { throw CLIError("psql failed (\(result.status)): \(result.stderr)\nSQL: \(statements)") }
        return result.stdout
    }

    /// A fresh lower-case identifier for a test's schema or role.
    static func uniqueName(_ prefix: String) -> String {
        let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(10)
        return "\(prefix)_\(getpid())_\(suffix)"
    }
}
