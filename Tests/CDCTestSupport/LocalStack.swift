import Foundation

/// The local stack the server-backed tests use: the `CDCCTL_*` variables that CI's
/// `scripts/test` exports, or, when they are missing, those of `scripts/stack up` (run once per
/// test process). Tests never skip for want of a server.
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

    private static let resolved: Result<String, Error> = Result {
        if let url = ProcessInfo.processInfo.environment["CDCCTL_PG_URL"], !url.isEmpty { return url }
        let exports = try stackUp()
        for (name, value) in exports where name.hasPrefix("CDCCTL_") { setenv(name, value, 0) }
        guard let url = exports["CDCCTL_PG_URL"], !url.isEmpty else {
            throw LocalStackError(description: "scripts/stack up printed no CDCCTL_PG_URL")
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
            throw LocalStackError(description: "scripts/stack up exited with status \(status)")
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

/// The stack could not be found or started.
public struct LocalStackError: Error, CustomStringConvertible {
    public let description: String
}
