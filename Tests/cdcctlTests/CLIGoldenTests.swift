import CDCTestSupport
import Foundation
import XCTest

/// Golden tests of the real `cdcctl` binary that need no server: help text, --version, the man
/// page, and one exact `cdcctl: error: …` line (with empty stdout and a non-zero exit) for each bad
/// input. The ones that need the stack's PostgreSQL are cdcctlStackTests' `CLIGoldenStackTests`.
/// `CDCCTL_UPDATE_GOLDEN=1 swift test --filter CLIGoldenTests` rewrites Golden/*.txt.
final class CLIGoldenTests: XCTestCase {
    /// ArgumentParser's exit code for usage errors (EX_USAGE); runtime errors exit 1.
    private let usageError: Int32 = 64

    // MARK: - help and version

    func testRootHelpMatchesGolden() throws {
        let result = try CLI.run(["--help"])
        XCTAssertEqual(result.status, 0, result.summary)
        XCTAssertEqual(result.stderr, "", result.summary)
        try assertGolden(result.stdout, named: "help.txt")
    }

    func testSnapshotHelpMatchesGolden() throws {
        let result = try CLI.run(["snapshot", "--help"])
        XCTAssertEqual(result.status, 0, result.summary)
        XCTAssertEqual(result.stderr, "", result.summary)
        try assertGolden(result.stdout, named: "snapshot-help.txt")
    }

    /// Run without LD_LIBRARY_PATH: the librdkafka reported must be the >= 2.1 copy found
    /// through the binary's RUNPATH (/usr/local/lib/cdcctl), not Debian's 2.0.2.
    func testVersionReportsLibrariesLoadedThroughRunpath() throws {
        XCTAssertNil(CLI.baseEnvironment()["LD_LIBRARY_PATH"])
        let result = try CLI.run(["--version"], environment: ["LD_LIBRARY_PATH": nil])
        XCTAssertEqual(result.status, 0, result.summary)
        XCTAssertEqual(result.stderr, "", result.summary)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines.count, 4, "expected 3 lines and a final newline: \(result.summary)")
        guard lines.count >= 3 else { return }
        XCTAssertTrue(lines[0].matches(#"^cdcctl [0-9]+\.[0-9]+\.[0-9]+$"#), lines[0])
        XCTAssertTrue(lines[1].matches(#"^libpq [0-9]+(\.[0-9]+)*$"#), lines[1])
        XCTAssertTrue(lines[2].matches(#"^librdkafka [0-9]+\.[0-9]+\.[0-9]+"#), lines[2])
        let version = lines[2].dropFirst("librdkafka ".count).split(separator: ".").compactMap { Int($0.prefix(while: \.isNumber)) }
        XCTAssertGreaterThanOrEqual(version.count, 2, lines[2])
        if version.count >= 2 {
            XCTAssertTrue(version[0] > 2 || (version[0] == 2 && version[1] >= 1),
                          "librdkafka \(version) < 2.1: the RUNPATH copy was not loaded (\(lines[2]))")
        }
    }

    // MARK: - bad input: one exact line on stderr, nothing on stdout, non-zero exit

    func testUnreachableDatabase() throws {
        let url = "postgresql://postgres@127.0.0.1:1/cdcctl"
        try assertError(["snapshot", "--db", url, "-t", "public.t"], status: 1, stderr: """
            cdcctl: error: cannot connect to \(url): connection to server at "127.0.0.1", port 1 failed: \
            Connection refused Is the server running on that host and accepting TCP/IP connections?
            """)
    }

    /// Neither a URL nor key=value: libpq takes it as a database name on the default socket
    /// (PG* variables are removed from the child environment, so that socket is always the one).
    func testMalformedURL() throws {
        try assertError(["snapshot", "--db", "nonsense", "-t", "public.t"], status: 1, stderr: """
            cdcctl: error: cannot connect to database "nonsense": connection to server on socket \
            "/var/run/postgresql/.s.PGSQL.5432" failed: No such file or directory Is the server \
            running locally and accepting connections on that socket?
            """)
        try assertError(["snapshot", "--db", "postgresql://127.0.0.1:notaport/db", "-t", "public.t"], status: 1, stderr: """
            cdcctl: error: cannot connect to postgresql://127.0.0.1:notaport/db: invalid integer value \
            "notaport" for connection option "port"
            """)
    }

    func testPasswordIsNotPrinted() throws {
        let secret = "s3cr3t-\(getpid())"
        let url = "postgresql://postgres:\(secret)@127.0.0.1:1/cdcctl"
        let result = try assertError(["snapshot", "--db", url, "-t", "public.t"], status: 1, stderr: """
            cdcctl: error: cannot connect to postgresql://postgres:***@127.0.0.1:1/cdcctl: connection to \
            server at "127.0.0.1", port 1 failed: Connection refused Is the server running on that host \
            and accepting TCP/IP connections?
            """)
        XCTAssertFalse(result.stderr.contains(secret))

        let keyValue = "host=127.0.0.1 port=1 user=postgres password=\(secret) dbname=cdcctl"
        let second = try assertError(["snapshot", "--db", keyValue, "-t", "public.t"], status: 1, stderr: """
            cdcctl: error: cannot connect to postgresql://postgres:***@127.0.0.1:1/cdcctl: \
            connection to server at "127.0.0.1", port 1 failed: Connection refused Is the server running on \
            that host and accepting TCP/IP connections?
            """)
        XCTAssertFalse(second.stderr.contains(secret))

        // Spellings libpq accepts that a textual mask would miss.
        for spelling in ["host=127.0.0.1 port=1 password = \(secret) user=x",
                         "host=127.0.0.1 port=1 password='\(secret) x'",
                         "postgresql://127.0.0.1:1/db?sslpassword=x&password=\(secret)"] {
            let result = try CLI.run(["snapshot", "--db", spelling, "-t", "public.t"])
            XCTAssertEqual(result.status, 1)
            XCTAssertFalse(result.stderr.contains(secret), result.stderr)
        }
    }

    func testUnknownFlag() throws {
        try assertError(["snapshot", "-t", "x", "--bogus"], status: usageError,
                        stderr: "cdcctl: error: Unknown option '--bogus'")
    }

    func testMissingTableOption() throws {
        try assertError(["snapshot", "--db", "postgresql://postgres@127.0.0.1:1/cdcctl"], status: usageError,
                        stderr: "cdcctl: error: Missing expected argument '--table <schema.table> ...'")
    }

    func testInvalidTableName() throws {
        for name in ["a.b.c", "has space", "\"unterminated", ".t", "s."] {
            try assertError(["snapshot", "--db", "postgresql://postgres@127.0.0.1:1/cdcctl", "-t", name],
                            status: usageError,
                            stderr: "cdcctl: error: invalid -t '\(name)': expected schema.table, or a pattern (a regular expression on schema.table such as 'shop\\..*')")
        }
    }

    func testNoDatabaseConfigured() throws {
        try assertError(["snapshot", "-t", "public.t"], status: usageError, environment: ["CDCCTL_PG_URL": nil],
                        stderr: "cdcctl: error: no database given: pass --db URL or set CDCCTL_PG_URL")
    }

    // MARK: - man page

    /// man/cdcctl.1 (scripts/gen-man) must document every option `cdcctl snapshot --help` lists.
    func testManPageListsEverySnapshotOption() throws {
        let help = try CLI.run(["snapshot", "--help"])
        XCTAssertEqual(help.status, 0, help.summary)
        let helpOptions = Self.optionsInHelp(help.stdout)
        XCTAssertTrue(helpOptions.isSuperset(of: ["--db", "-t", "--table", "-q", "--quiet", "-h", "--help"]),
                      "could not parse the options of `snapshot --help`: \(helpOptions)")

        let manURL = CLI.packageRoot.appendingPathComponent("man/cdcctl.1")
        let man = try String(contentsOf: manURL, encoding: .utf8)
        let manOptions = Self.optionsInMan(man, subcommand: "snapshot")
        let missing = helpOptions.subtracting(manOptions).sorted()
        XCTAssertEqual(missing, [], "man/cdcctl.1 lacks snapshot options \(missing): run scripts/gen-man")
    }

    /// The man page documents consume's and produce's --json-form, keeps the ASCII
    /// "host:port[,host:port...]" (mdoc dropped a "…"), and names environment variables rather
    /// than the repository's scripts/stack for an installed binary.
    func testManPageListsJSONFormAndNoRepositoryScripts() throws {
        let man = try String(contentsOf: CLI.packageRoot.appendingPathComponent("man/cdcctl.1"), encoding: .utf8)
        for subcommand in ["consume", "produce"] {
            let help = try CLI.run([subcommand, "--help"])
            XCTAssertEqual(help.status, 0, help.summary)
            XCTAssertTrue(Self.optionsInHelp(help.stdout).contains("--json-form"), help.stdout)
            let missing = Self.optionsInHelp(help.stdout).subtracting(Self.optionsInMan(man, subcommand: subcommand)).sorted()
            XCTAssertEqual(missing, [], "man/cdcctl.1 lacks \(subcommand) options \(missing): run scripts/gen-man")
            XCTAssertFalse(help.stdout.contains("scripts/stack"), help.stdout)
        }
        XCTAssertFalse(man.contains("host:port[,]"), "run scripts/gen-man")
        XCTAssertTrue(man.contains("host:port[,host:port...]"), "run scripts/gen-man")
        XCTAssertFalse(man.contains("scripts/stack"), "an installed man page must not point at the repository's scripts")
        XCTAssertTrue(man.contains("CDCCTL_REGISTRY_URL"))
    }

    /// -G: the help says where a group starts (its committed offsets; a new group at the end).
    func testConsumeHelpSaysWhereAGroupStarts() throws {
        let help = try CLI.run(["consume", "--help"])
        XCTAssertEqual(help.status, 0, help.summary)
        let text = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertTrue(text.contains("beginning (default without -G)"), text)
        XCTAssertTrue(text.contains("a new group at the end unless -o beginning"), text)
    }

    // MARK: - helpers

    /// Compares with Tests/cdcctlTests/Golden/`name`, or rewrites it when CDCCTL_UPDATE_GOLDEN=1.
    private func assertGolden(_ actual: String, named name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name)")
        if ProcessInfo.processInfo.environment["CDCCTL_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            print("CLIGoldenTests: rewrote \(url.path)")
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            XCTFail("golden file \(url.path) missing: run with CDCCTL_UPDATE_GOLDEN=1", file: file, line: line)
            return
        }
        XCTAssertEqual(actual, expected, "differs from \(url.path) (CDCCTL_UPDATE_GOLDEN=1 rewrites it)", file: file, line: line)
    }

    /// `-t`, `--table`, … from the OPTIONS lines of ArgumentParser's help (value names dropped).
    static func optionsInHelp(_ help: String) -> Set<String> {
        var options: Set<String> = []
        for line in help.split(separator: "\n") where line.hasPrefix("  -") {
            var flags = String(line.dropFirst(2))
            if let gap = flags.range(of: "  ") { flags = String(flags[..<gap.lowerBound]) }
            flags = flags.replacingOccurrences(of: #"<[^>]*>"#, with: "", options: .regularExpression)
            for token in flags.split(whereSeparator: { $0 == " " || $0 == "," }) where token.hasPrefix("-") {
                options.insert(String(token))
            }
        }
        return options
    }

    /// The flags of a subcommand's `.It Fl …` lines in an mdoc page from generate-manual, as
    /// `-t` / `--table` (mdoc writes `--table` as `Fl -table`).
    static func optionsInMan(_ man: String, subcommand: String) -> Set<String> {
        var options: Set<String> = []
        var inside = false
        var depth = 0
        for line in man.split(separator: "\n").map(String.init) {
            if !inside {
                inside = line == ".It Em \(subcommand)"
                continue
            }
            if line.hasPrefix(".Bl") { depth += 1 }
            if line.hasPrefix(".El") { depth -= 1; if depth <= 0 { break } }
            guard depth == 1, line.hasPrefix(".It Fl ") else { continue }
            var flags = String(line.dropFirst(".It Fl ".count))
            if let arg = flags.range(of: " Ar ") { flags = String(flags[..<arg.lowerBound]) }
            for part in flags.components(separatedBy: " , ") {
                let name = part.trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty else { continue }
                options.insert("-" + name)
            }
        }
        return options
    }
}

extension String {
    func matches(_ pattern: String) -> Bool { range(of: pattern, options: .regularExpression) != nil }
}
