import CDCTestSupport
import Foundation
import XCTest

/// `cdcctl consume/produce/topics` against the stack's Tansu, checked against `kcat` byte for
/// byte: what one produces the other reads identically (binary values, keys, headers, NULLs),
/// -J and -f output equal kcat's, -o/-c/-e behave as kcat's, transactions, consumer groups, and
/// one-line errors with the exit codes scripts rely on.
final class KafkaRoundTripTests: XCTestCase {
    /// Every byte value but the message delimiter 0x01 (and ':' in keys, which splits -K:).
    private let binary: [UInt8] = (0...255).map(UInt8.init).filter { $0 != 1 }

    private func binaryInput() -> Data {
        var input = Data()
        input.append(contentsOf: Array("bin-key:".utf8) + binary + [1])
        input.append(contentsOf: Array("k2:".utf8) + binary.reversed() + [1])
        input.append(contentsOf: Array("k3:".utf8) + Array("plain text".utf8) + [1])
        return input
    }

    /// `-J` lines without `"broker":N,` (the one field that may legitimately differ).
    private func withoutBroker(_ data: Data) -> [Data] {
        let text = [UInt8](data)
        var lines: [Data] = []
        var current: [UInt8] = []
        let marker = Array(#""broker":"#.utf8)
        var i = 0
        while i < text.count {
            if text[i...].starts(with: marker) {
                i += marker.count
                while i < text.count, text[i] != UInt8(ascii: ",") { i += 1 }
                i += 1
                continue
            }
            if text[i] == 0x0A { lines.append(Data(current)); current = [] } else { current.append(text[i]) }
            i += 1
        }
        return lines
    }

    // MARK: - kcat → cdcctl and cdcctl → kcat

    func testKcatProducedBinaryMessagesConsumeByteIdentically() throws {
        let topic = KafkaCLI.uniqueTopic("from-kcat")
        let produced = try KafkaCLI.kcat(["-P", "-t", topic, "-p", "0", "-K:", "-D", "\\x01", "-H", "a=b", "-H", "n"], stdin: binaryInput())
        XCTAssertEqual(produced.status, 0, produced.summary)

        let consumed = try KafkaCLI.cdcctl(["consume", "-t", topic, "-e", "-q", "-K:", "-D", "\\x01"])
        XCTAssertEqual(consumed.status, 0, consumed.summary)
        XCTAssertEqual(consumed.stdout, binaryInput(), "byte-identical key:value\\x01 records")

        let sizes = try KafkaCLI.cdcctl(["consume", "-t", topic, "-e", "-q", "-f", "%p %o %K %S %h\\n"])
        XCTAssertEqual(sizes.lines, ["0 0 7 255 a=b,n=NULL", "0 1 2 255 a=b,n=NULL", "0 2 2 10 a=b,n=NULL"], sizes.summary)

        let mine = try KafkaCLI.cdcctl(["consume", "-t", topic, "-e", "-q", "-J"])
        let theirs = try KafkaCLI.kcat(["-C", "-t", topic, "-e", "-q", "-J"])
        XCTAssertEqual(theirs.status, 0, theirs.summary)
        XCTAssertEqual(withoutBroker(mine.stdout), withoutBroker(theirs.stdout), "-J bytes equal kcat's, escapes included")
        XCTAssertEqual(withoutBroker(mine.stdout).count, 3)
    }

    func testCdcctlProducedBinaryMessagesKcatReadsIdentically() throws {
        let topic = KafkaCLI.uniqueTopic("from-cdcctl")
        let produced = try KafkaCLI.cdcctl(["produce", "-t", topic, "-p", "0", "-K:", "-D", "\\x01", "-H", "a=b", "-H", "n"], stdin: binaryInput())
        XCTAssertEqual(produced.status, 0, produced.summary)
        XCTAssertEqual(produced.stdout, Data())

        let consumed = try KafkaCLI.kcat(["-C", "-t", topic, "-e", "-q", "-K:", "-D", "\\x01"])
        XCTAssertEqual(consumed.status, 0, consumed.summary)
        XCTAssertEqual(consumed.stdout, binaryInput())
        let headers = try KafkaCLI.kcat(["-C", "-t", topic, "-e", "-q", "-f", "%h|%K|%S\\n"])
        XCTAssertEqual(headers.lines, ["a=b,n=NULL|7|255", "a=b,n=NULL|2|255", "a=b,n=NULL|2|10"], headers.summary)
    }

    /// The same text messages (several partitions, NULL keys, tombstones, headers) read by both
    /// tools with -J: the parsed objects are equal except for "broker".
    func testJSONEnvelopeEqualsKcats() throws {
        let topic = KafkaCLI.uniqueTopic("json")
        let input = "k1:v1\nk2:v\"2\\\n:no key\nk4:\nk5:tab\there\n"
        let produced = try KafkaCLI.kcat(["-P", "-t", topic, "-K:", "-Z", "-H", "h=1", "-H", "h=2"], stdin: Data(input.utf8))
        XCTAssertEqual(produced.status, 0, produced.summary)
        func objects(_ run: KafkaRun) throws -> [NSDictionary] {
            try KafkaCLI.jsonObjects(run).map { object -> NSDictionary in
                var copy = object
                copy["broker"] = nil
                return copy as NSDictionary
            }.sorted { ($0["partition"] as! Int, $0["offset"] as! Int) < ($1["partition"] as! Int, $1["offset"] as! Int) }
        }
        let mine = try objects(try KafkaCLI.cdcctl(["consume", "-t", topic, "-e", "-q", "-J"]))
        let theirs = try objects(try KafkaCLI.kcat(["-C", "-t", topic, "-e", "-q", "-J"]))
        XCTAssertEqual(mine.count, 5)
        XCTAssertEqual(mine, theirs)
        let tombstone = try XCTUnwrap(mine.first { $0["key"] as? String == "k4" })
        XCTAssertTrue(tombstone["payload"] is NSNull, "-Z empty value is a NULL value: \(tombstone)")
        XCTAssertEqual(tombstone["headers"] as? [String], ["h", "1", "h", "2"])
        XCTAssertTrue(mine.first { $0["payload"] as? String == "no key" }?["key"] is NSNull)
    }

    func testTombstonesRoundTripBothWays() throws {
        let topic = KafkaCLI.uniqueTopic("tombstone")
        let produced = try KafkaCLI.cdcctl(["produce", "-t", topic, "-p", "1", "-K:", "-Z"], stdin: Data("gone:\nkept:value\n:nokey\n".utf8))
        XCTAssertEqual(produced.status, 0, produced.summary)
        let kcat = try KafkaCLI.kcat(["-C", "-t", topic, "-p", "1", "-e", "-q", "-Z", "-K:"])
        XCTAssertEqual(kcat.lines, ["gone:NULL", "kept:value", "NULL:nokey"], kcat.summary)
        let sizes = try KafkaCLI.kcat(["-C", "-t", topic, "-p", "1", "-e", "-q", "-f", "%K %S\\n"])
        XCTAssertEqual(sizes.lines, ["4 -1", "4 5", "-1 5"], "NULL, not empty: \(sizes.summary)")
        let mine = try KafkaCLI.cdcctl(["consume", "-t", topic, "-p", "1", "-e", "-q", "-Z", "-f", "%k=%s|%K|%S\\n"])
        XCTAssertEqual(mine.lines, ["gone=NULL|4|-1", "kept=value|4|5", "NULL=nokey|-1|5"], mine.summary)
        let plain = try KafkaCLI.cdcctl(["consume", "-t", topic, "-p", "1", "-e", "-q", "-K:"])
        XCTAssertEqual(plain.lines, ["gone:", "kept:value", ":nokey"], "without -Z NULL prints as empty, as in kcat")
    }

    // MARK: - -o, -c, -e, -f

    func testOffsetsCountAndFormatMatchKcat() throws {
        let topic = KafkaCLI.uniqueTopic("offsets")
        // One message per batch: Tansu's ListOffsets answers the last batch's base offset + 1,
        // which -o end and -o -N rely on.
        let perBatch = ["-X", "batch.num.messages=1"]
        XCTAssertEqual(try KafkaCLI.cdcctl(["produce", "-t", topic, "-p", "0"] + perBatch, stdin: Data("1\n2\n3\n4\n5\n".utf8)).status, 0)
        usleep(30_000)
        let middle = Int64(Date().timeIntervalSince1970 * 1000)
        usleep(30_000)
        XCTAssertEqual(try KafkaCLI.cdcctl(["produce", "-t", topic, "-p", "0"] + perBatch, stdin: Data("6\n7\n8\n9\n10\n".utf8)).status, 0)

        func values(_ args: [String]) throws -> [String] {
            let run = try KafkaCLI.cdcctl(["consume", "-t", topic, "-q"] + args)
            XCTAssertEqual(run.status, 0, run.summary)
            return run.lines
        }
        let all = (1...10).map(String.init)
        XCTAssertEqual(try values(["-e"]), all)
        XCTAssertEqual(try values(["-e", "-o", "beginning"]), all)
        XCTAssertEqual(try values(["-e", "-o", "3"]), Array(all[3...]))
        XCTAssertEqual(try values(["-e", "-o3", "-p0"]), Array(all[3...]), "joined values, as kcat accepts them")
        XCTAssertEqual(try values(["-e", "-o", "42"]), [], "past the end: nothing, not a hang")
        XCTAssertEqual(try values(["-e", "-o", "-2"]), ["9", "10"])
        XCTAssertEqual(try values(["-e", "-o", "end"]), [])
        XCTAssertEqual(try values(["-e", "-o", "s@\(middle)"]), Array(all[5...]))
        XCTAssertEqual(try values(["-p", "0", "-o", "e@\(middle)"]), Array(all[..<5]), "stops before the timestamp without -e")
        XCTAssertEqual(try values(["-e", "-o", "s@\(middle)", "-o", "e@\(middle + 1)"]).count, 0)
        XCTAssertEqual(try values(["-c", "3"]), ["1", "2", "3"], "-c exits without -e")
        XCTAssertEqual(try values(["-e", "-c", "3", "-o", "-5"]), ["6", "7", "8"])

        let format = "%t|%p|%o|%k|%K|%s|%S|%T|%h|%%\\t\\n"
        let mine = try KafkaCLI.cdcctl(["consume", "-t", topic, "-e", "-q", "-f", format])
        let theirs = try KafkaCLI.kcat(["-C", "-t", topic, "-e", "-q", "-f", format])
        XCTAssertEqual(mine.stdout, theirs.stdout, "-f output equals kcat's\n\(mine.summary)\n\(theirs.summary)")
        XCTAssertEqual(mine.lines.count, 10)
        XCTAssertTrue(mine.lines.first?.hasPrefix("\(topic)|0|0||-1|1|1|") == true, mine.summary)
    }

    func testEndOfPartitionNoticesAndExitCode() throws {
        let topic = KafkaCLI.uniqueTopic("eof")
        XCTAssertEqual(try KafkaCLI.cdcctl(["produce", "-t", topic, "-p", "2"], stdin: Data("x\n".utf8)).status, 0)
        let run = try KafkaCLI.cdcctl(["consume", "-t", topic, "-e"])
        XCTAssertEqual(run.status, 0, run.summary)
        XCTAssertEqual(run.lines, ["x"])
        let notices = run.stderr.split(separator: "\n").map(String.init)
        XCTAssertEqual(notices.count, 4, run.summary)
        XCTAssertTrue(notices.contains("% Reached end of topic \(topic) [2] at offset 1") || notices.contains("% Reached end of topic \(topic) [2] at offset 1: exiting"), run.summary)
        XCTAssertTrue(notices.last?.hasSuffix(": exiting") == true, run.summary)
        XCTAssertEqual(try KafkaCLI.cdcctl(["consume", "-t", topic, "-e", "-q"]).stderr, "", "-q silences the notices")
    }

    // MARK: - transactions

    func testTransactionalProduceIsVisibleToReadCommitted() throws {
        let topic = KafkaCLI.uniqueTopic("txn")
        let lines = (1...500).map { "line \($0)" }
        let produced = try KafkaCLI.cdcctl(["produce", "-t", topic, "-X", "transactional.id=\(topic)"],
                                           stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
        XCTAssertEqual(produced.status, 0, produced.summary)
        let consumed = try KafkaCLI.cdcctl(["consume", "-t", topic, "-e", "-q", "--isolation", "read_committed"])
        XCTAssertEqual(consumed.status, 0, consumed.summary)
        XCTAssertEqual(Set(consumed.lines), Set(lines))
        XCTAssertEqual(consumed.lines.count, 500)
    }

    /// A failure in the middle of the input (a line over message.max.bytes) aborts the whole
    /// transaction; the lines before it were still queued (linger.ms below the transactional
    /// producer's message.timeout.ms cap of transaction.timeout.ms), so the abort purges them
    /// and no reader, whatever its isolation, ever sees them.
    func testFailedTransactionalProduceLeavesNothingVisible() throws {
        let topic = KafkaCLI.uniqueTopic("txn-fail")
        let input = "a\nb\nc\n" + String(repeating: "x", count: 3000) + "\nd\n"
        let produced = try KafkaCLI.cdcctl(["produce", "-t", topic, "-p", "0", "-X", "transactional.id=\(topic)",
                                            "-X", "message.max.bytes=2000", "-X", "linger.ms=30000"], stdin: Data(input.utf8))
        XCTAssertEqual(produced.status, 1, produced.summary)
        XCTAssertEqual(produced.stderr.split(separator: "\n").count, 1, produced.summary)
        XCTAssertTrue(produced.stderr.hasPrefix("cdcctl: error: transaction aborted, nothing was committed to topic \(topic): cannot produce a message of 3000 bytes to topic \(topic): "), produced.summary)
        for isolation in ["read_committed", "read_uncommitted"] {
            let consumed = try KafkaCLI.cdcctl(["consume", "-t", topic, "-p", "0", "-e", "-q", "--isolation", isolation])
            XCTAssertEqual(consumed.status, 0, consumed.summary)
            XCTAssertEqual(consumed.lines, [], isolation)
        }
    }

    /// A transactional produce stopped before the end of its input: while it runs its messages
    /// are invisible to read_committed readers (the transaction is open); SIGTERM aborts it.
    /// (Tansu's Fetch responses carry no aborted-transaction list, so after the abort Tansu shows
    /// the aborted records even to read_committed readers — a broker limitation not tested here.)
    func testInterruptedTransactionalProduceAborts() throws {
        let topic = KafkaCLI.uniqueTopic("txn-kill")
        let process = Process()
        process.executableURL = try CLI.binary()
        process.arguments = ["produce", "-t", topic, "-p", "0", "-X", "transactional.id=\(topic)"]
        var env = CLI.baseEnvironment()
        env["CDCCTL_KAFKA_BROKERS"] = try KafkaCLI.brokers()
        process.environment = env
        let stdin = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        stdin.fileHandleForWriting.write(Data("one\ntwo\nthree\n".utf8))

        var uncommitted: [String] = []
        for _ in 0..<50 where uncommitted.count < 3 {
            usleep(100_000)
            uncommitted = try KafkaCLI.cdcctl(["consume", "-t", topic, "-p", "0", "-e", "-q", "--isolation", "read_uncommitted"]).lines
        }
        XCTAssertEqual(uncommitted, ["one", "two", "three"], "the messages reached the broker")
        let committed = try KafkaCLI.cdcctl(["consume", "-t", topic, "-p", "0", "-e", "-q", "--isolation", "read_committed"])
        XCTAssertEqual(committed.lines, [], "an open transaction is invisible to read_committed")

        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        try? stdin.fileHandleForWriting.close()
        let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 1, message)
        XCTAssertEqual(message, "cdcctl: error: interrupted before the end of stdin: transaction aborted, none of the 3 messages to topic \(topic) were committed\n")
    }

    // MARK: - consumer groups

    func testConsumerGroupCommitsOffsetsBetweenRuns() throws {
        let topic = KafkaCLI.uniqueTopic("group")
        XCTAssertEqual(try KafkaCLI.cdcctl(["produce", "-t", topic, "-p", "0"], stdin: Data("1\n2\n3\n4\n5\n6\n".utf8)).status, 0)
        let group = ["-G", "g-\(topic)", "-X", "session.timeout.ms=6000", "-e", "-q"]
        let first = try KafkaCLI.cdcctl(["consume", "-t", topic, "-c", "3", "-o", "beginning"] + group)
        XCTAssertEqual(first.status, 0, first.summary)
        XCTAssertEqual(first.lines, ["1", "2", "3"])
        let second = try KafkaCLI.cdcctl(["consume", topic, "-c", "3", "-o", "beginning"] + group)
        XCTAssertEqual(second.status, 0, second.summary)
        XCTAssertEqual(second.lines, ["4", "5", "6"], "the first run's offsets were committed (topic as kcat -G's positional argument)")
    }

    // MARK: - topics

    func testTopicsListsPartitionsLikeKcatWithOffsets() throws {
        let topic = KafkaCLI.uniqueTopic("topics")
        XCTAssertEqual(try KafkaCLI.cdcctl(["produce", "-t", topic, "-p", "3"], stdin: Data("a\n".utf8)).status, 0)
        let mine = try KafkaCLI.cdcctl(["topics", "-t", topic, "-J"])
        XCTAssertEqual(mine.status, 0, mine.summary)
        let theirs = try KafkaCLI.kcat(["-L", "-t", topic, "-J"])
        let a = try XCTUnwrap(try JSONSerialization.jsonObject(with: mine.stdout) as? [String: Any])
        let b = try XCTUnwrap(try JSONSerialization.jsonObject(with: theirs.stdout) as? [String: Any])
        XCTAssertEqual(a["brokers"] as? NSArray, b["brokers"] as? NSArray)
        XCTAssertEqual(a["controllerid"] as? Int, b["controllerid"] as? Int)
        XCTAssertEqual(a["query"] as? NSDictionary, b["query"] as? NSDictionary)
        let partitions = try XCTUnwrap(((a["topics"] as? [[String: Any]])?.first?["partitions"]) as? [[String: Any]])
        let theirPartitions = try XCTUnwrap(((b["topics"] as? [[String: Any]])?.first?["partitions"]) as? [[String: Any]])
        XCTAssertEqual(partitions.count, 4)
        for (p, q) in zip(partitions, theirPartitions) {
            var p = p
            XCTAssertEqual(p.removeValue(forKey: "low") as? Int, 0)
            XCTAssertEqual(p.removeValue(forKey: "high") as? Int, q["partition"] as? Int == 3 ? 1 : 0)
            XCTAssertEqual(p as NSDictionary, q as NSDictionary)
        }
        let text = try KafkaCLI.cdcctl(["topics", "-t", topic])
        XCTAssertTrue(text.lines.contains { $0.hasPrefix("    partition 3, leader ") && $0.hasSuffix(", low: 0, high: 1") }, text.summary)
        XCTAssertTrue(text.lines.contains("  topic \"\(topic)\" with 4 partitions:"), text.summary)
    }

    // MARK: - errors: one line on stderr, nothing on stdout, non-zero exit

    private func assertOneLineError(_ args: [String], status: Int32, _ expected: String, stdin: Data = Data(),
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        let run = try KafkaCLI.cdcctl(args, stdin: stdin)
        XCTAssertEqual(run.status, status, run.summary, file: file, line: line)
        XCTAssertEqual(run.stdout, Data(), run.summary, file: file, line: line)
        XCTAssertEqual(run.stderr, "cdcctl: error: \(expected)\n", file: file, line: line)
    }

    func testErrorsAreOneLine() throws {
        let topic = KafkaCLI.uniqueTopic("errors")
        try assertOneLineError(["consume", "-t", topic, "-X", "no.such.property=1"], status: 1,
                               #"invalid Kafka property no.such.property: No such configuration property: "no.such.property""#)
        try assertOneLineError(["produce", "-t", topic, "-X", "acks=sometimes"], status: 1,
                               #"invalid Kafka property acks: Invalid value for configuration property "request.required.acks""#)
        try assertOneLineError(["consume", "-t", topic, "-X", "session.timeout.ms"], status: 64,
                               "invalid -X 'session.timeout.ms': expected property=value")
        try assertOneLineError(["consume", "-t", topic, "-o", "yesterday"], status: 64,
                               "invalid offset 'yesterday': expected beginning, end, stored, N, -N, s@TIMESTAMP_MS or e@TIMESTAMP_MS")
        try assertOneLineError(["consume", "-t", topic, "-f", "%x"], status: 64,
                               "invalid format '%x': unsupported formatter %x (use %t %p %o %k %K %s %S %R %T %h %%)")
        try assertOneLineError(["consume", "-t", topic, "-G", "g", "-o", "5"], status: 64,
                               "with a group (-G) reading starts at the committed offsets: -o accepts only beginning, end (for partitions without one) or stored")
        try assertOneLineError(["consume", "-t", topic, "-G", "g", "-p", "1"], status: 64,
                               "-p cannot be used with a group (-G): the group assigns the partitions")
        try assertOneLineError(["consume", "-t", topic, "-e"], status: 1,
                               "topic \(topic) does not exist on \(try KafkaCLI.brokers()): Broker: Unknown topic or partition")
        try assertOneLineError(["topics", "-t", topic], status: 1, "topic \(topic): Broker: Unknown topic or partition")
    }

    func testUnreachableBrokerFailsWithinSeconds() throws {
        let started = Date()
        try assertOneLineError(["consume", "-b", "127.0.0.1:1", "-t", "t", "-e", "-m", "2"], status: 1,
                               "cannot fetch metadata for topic t from 127.0.0.1:1: Local: Broker transport failure (is the broker reachable?)")
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    }

    /// produce used to queue its input for message.timeout.ms (300 s) before failing; it must
    /// give up within -m (plus start-up), before reading any input, transactional or not.
    func testProduceToUnreachableBrokerFailsWithinMetadataTimeout() throws {
        for extra in [[], ["-X", "transactional.id=cli-unreachable"]] {
            let started = Date()
            try assertOneLineError(["produce", "-b", "127.0.0.1:1", "-t", "t", "-m", "2"] + extra, status: 1,
                                   "cannot reach the Kafka broker 127.0.0.1:1 within 2 s (-m sets how long to wait): Local: Broker transport failure",
                                   stdin: Data("a\nb\nc\n".utf8))
            let elapsed = Date().timeIntervalSince(started)
            print("produce \(extra.joined(separator: " ")) to 127.0.0.1:1 with -m 2 failed after \(String(format: "%.1f", elapsed)) s")
            XCTAssertGreaterThan(elapsed, 1.5, "it waits for -m, a broker may be starting")
            XCTAssertLessThan(elapsed, 5)
        }
    }
}
