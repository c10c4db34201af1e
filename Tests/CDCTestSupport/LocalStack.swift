import Foundation

/// The local stack the server-backed tests use: the `CDCCTL_*` variables that CI's
/// `scripts/test` exports, or, when they are missing, those of `scripts/stack up` (run once per
/// test process). Tests never skip for want of a server. Also `psql` for fixtures and the Python
/// with the test clients.
public enum LocalStack {
    /// The package root: the nearest directory above this file holding Package.swift.
    public static let packageRoot: URL = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
            let parent = dir.deletingLastPathComponent()
            precondition(parent.path != dir.path, "no Package.swift above \(#filePath)")
            dir = parent
        }
        return dir
    }()

    /// `CDCCTL_PG_URL`.
    public static func pgURL() throws -> String { try resolved.get() }

    /// `CDCCTL_KAFKA_BROKERS`, or the one `scripts/stack up` exports (started once per process).
    public static func kafkaBrokers() throws -> String {
        if let value = getenv("CDCCTL_KAFKA_BROKERS").map({ String(cString: $0) }), !value.isEmpty { return value }
        _ = try pgURL() // runs scripts/stack up, which also exports CDCCTL_KAFKA_BROKERS
        guard let value = getenv("CDCCTL_KAFKA_BROKERS").map({ String(cString: $0) }), !value.isEmpty else {
            throw HarnessError("scripts/stack up exported no CDCCTL_KAFKA_BROKERS")
        }
        return value
    }

    /// The Python that has the test clients (confluent-kafka, fastavro): `CDCCTL_PYTHON`, else
    /// the venv `scripts/setup` makes (which is what `scripts/stack up` exports). Starts nothing.
    public static var python: String {
        ProcessInfo.processInfo.environment["CDCCTL_PYTHON"] ?? "/usr/local/lib/cdcctl/venv/bin/python"
    }

    /// The stack's URL with another user and/or database (and optionally a password).
    public static func url(user: String? = nil, password: String? = nil, database: String? = nil) throws -> String {
        guard var parts = URLComponents(string: try pgURL()) else { throw HarnessError("cannot parse \(try pgURL())") }
        if let user { parts.user = user }
        if let password { parts.password = password }
        if let database { parts.path = "/" + database }
        guard let url = parts.string else { throw HarnessError("cannot build a URL from \(parts)") }
        return url
    }

    /// The psql that scripts/stack uses (PostgreSQL 15), or the one on PATH.
    public static var psql: URL {
        let pinned = "/usr/lib/postgresql/15/bin/psql"
        if FileManager.default.isExecutableFile(atPath: pinned) { return URL(fileURLWithPath: pinned) }
        return URL(fileURLWithPath: "/usr/bin/psql")
    }

    /// Runs SQL with psql as the stack's superuser and returns its unaligned output; throws with
    /// psql's stderr when it fails.
    @discardableResult
    public static func sql(_ statements: String) throws -> String {
        let result = try ProcessRunner.run(psql, ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", try pgURL(), "-c", statements])
        guard result.status == 0 else { throw HarnessError("psql failed (\(result.status)): \(result.stderr)\nSQL: \(statements)") }
        return result.text
    }

    /// A fresh lower-case identifier for a test's schema, role or database.
    public static func uniqueName(_ prefix: String) -> String {
        let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(10)
        return "\(prefix)_\(getpid())_\(suffix)"
    }

    private static let resolved: Result<String, Error> = Result {
        if let url = ProcessInfo.processInfo.environment["CDCCTL_PG_URL"], !url.isEmpty { return url }
        let exports = try stackUp()
        for (name, value) in exports where name.hasPrefix("CDCCTL_") { setenv(name, value, 0) }
        guard let url = exports["CDCCTL_PG_URL"], !url.isEmpty else {
            throw HarnessError("scripts/stack up printed no CDCCTL_PG_URL")
        }
        return url
    }

    /// Runs `scripts/stack up` and returns its `export NAME=VALUE` lines.
    private static func stackUp() throws -> [String: String] {
        let process = Process()
        process.executableURL = packageRoot.appendingPathComponent("scripts/stack")
        process.arguments = ["up"]
        process.currentDirectoryURL = packageRoot
        process.standardInput = FileHandle.nullDevice
        let stdout = Pipe()
        process.standardOutput = stdout
        try process.run()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        let status = waitForExit(process)
        guard status == 0 else {
            throw HarnessError("scripts/stack up exited with status \(status)")
        }
        return parseExports(String(decoding: data, as: UTF8.self))
    }

    /// The child's exit status. Foundation's `waitUntilExit` has been seen to hang on Linux after
    /// the child was gone, so this reaps the pid itself and only trusts Foundation when it did.
    private static func waitForExit(_ process: Process) -> Int32 {
        let pid = process.processIdentifier
        while true {
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f) }
            if reaped == -1 && errno == ECHILD || !process.isRunning {
                while process.isRunning { usleep(10_000) }
                return process.terminationStatus
            }
            usleep(20_000)
        }
    }

    /// `export NAME=VALUE` lines → [NAME: VALUE], one level of quotes removed.
    public static func parseExports(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard line.hasPrefix("export "), let eq = line.firstIndex(of: "=") else { continue }
            let name = line[line.index(line.startIndex, offsetBy: 7)..<eq].trimmingCharacters(in: .whitespaces)
            var value = String(line[line.index(after: eq)...])
            if value.count >= 2, let quote = value.first, quote == "'" || quote == "\"", value.last == quote {
                value = String(value.dropFirst().dropLast())
            }
            result[name] = value
        }
        return result
    }
}
