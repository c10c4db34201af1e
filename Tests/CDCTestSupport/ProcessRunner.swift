import Foundation

/// What one run of a child process produced: stdout as bytes, stderr as text, the exit status.
public struct ProcessOutput: Sendable {
    public let stdout: Data
    public let stderr: String
    public let status: Int32

    public init(stdout: Data, stderr: String, status: Int32) {
        self.stdout = stdout
        self.stderr = stderr
        self.status = status
    }

    /// stdout as text.
    public var text: String { String(decoding: stdout, as: UTF8.self) }

    /// stdout's lines (without the final empty one).
    public var lines: [String] {
        guard !text.isEmpty else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0).map(String.init)
    }

    /// For failure messages.
    public var summary: String { "exit \(status)\n--- stdout:\n\(text)\n--- stderr:\n\(stderr)" }
}

/// Runs child processes for tests: stdin from bytes or /dev/null, stdout and stderr captured in
/// temporary files (no pipe can fill up and block the child), killed after a timeout.
public enum ProcessRunner {
    /// Runs `executable args…` with `stdin` as its input (nil: /dev/null), `environment` as its
    /// whole environment (nil: this process's) and waits for it; after `timeout` seconds it is
    /// terminated and this throws with what it wrote on stderr.
    public static func run(_ executable: URL, _ args: [String], stdin: Data? = nil, environment: [String: String]? = nil,
                           currentDirectory: URL? = nil, timeout: TimeInterval = 120) throws -> ProcessOutput {
        let tmp = FileManager.default.temporaryDirectory
        let id = UUID().uuidString
        let inURL = tmp.appendingPathComponent("cdcctl-test-\(id).in")
        let outURL = tmp.appendingPathComponent("cdcctl-test-\(id).out")
        let errURL = tmp.appendingPathComponent("cdcctl-test-\(id).err")
        if let stdin { try stdin.write(to: inURL) }
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
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
            throw HarnessError("\(executable.lastPathComponent) \(args.joined(separator: " ")) did not finish in \(Int(timeout))s\n\(stderr)")
        }
        return ProcessOutput(stdout: (try? Data(contentsOf: outURL)) ?? Data(), stderr: stderr, status: process.terminationStatus)
    }
}

/// A failure of the test harness itself (a missing server, binary or tool, a child that hangs),
/// not of the code under test.
public struct HarnessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
