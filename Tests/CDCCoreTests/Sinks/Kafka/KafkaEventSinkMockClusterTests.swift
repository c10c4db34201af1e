@testable import CDCCore
import CDCTestSupport
import Foundation
import XCTest

/// A real `KafkaEventSink` (`--format json`) against librdkafka's in-process mock cluster
/// (`test.mock.num.brokers`): records, order, delivery tracking and failures, with no broker.
///
/// librdkafka 2.16's mock cluster does not create topics through the Admin API (CreateTopics
/// fails with "Failed while waiting for controller: Local: Timed out" after 30 s), so the sink
/// runs with `createTopics = false` and topics are auto-created on first produce, with the
/// mock's 4 partitions. Order is therefore checked per partition, which is all Kafka promises a consumer
/// (the same key always lands in the same partition, so each row's events stay in order).
final class KafkaEventSinkMockClusterTests: XCTestCase {
    private let items = EventTable(prefix: "mock", database: "db", name: TableName(schema: "public", table: "items"), columns: [
        Column(name: "id", type: .int32, typeName: "integer", nullable: false, primaryKeyPosition: 1),
        Column(name: "name", type: .text, typeName: "text", nullable: true, primaryKeyPosition: nil),
    ])
    private let notes = EventTable(prefix: "mock", database: "db", name: TableName(schema: "public", table: "notes"), columns: [
        Column(name: "body", type: .text, typeName: "text", nullable: true, primaryKeyPosition: nil),
    ])
    private let itemsTopic = "mock.public.items"
    private let notesTopic = "mock.public.notes"

    // MARK: helpers

    private func makeSink(_ properties: [String: String] = [:], bootstrap: String? = nil, configure: (inout KafkaSinkOptions) -> Void = { _ in })
        throws -> (KafkaEventSink, RDKafkaProducer, String) {
        let config: RDKafkaConfig
        if let bootstrap {
            config = RDKafkaConfig()
            try config.set("bootstrap.servers", bootstrap)
            try config.set("log_level", "0")
            for (key, value) in properties { try config.set(key, value) }
        } else {
            config = try KafkaTestStack.mockConfig(properties)
        }
        for (key, value) in KafkaEventSink.producerDefaults where properties[key] == nil { try config.set(key, value) }
        let producer = try RDKafkaProducer(config: config)
        var options = KafkaSinkOptions(format: .json)
        options.createTopics = false // the mock cluster cannot create topics through the Admin API
        configure(&options)
        let sink = try KafkaEventSink(producer: producer, registry: nil, options: options, stop: StopToken(), clock: { 1_700_000_000_000_000_000 })
        return (sink, producer, try XCTUnwrap(producer.bootstrapServers))
    }

    private func position(_ lsn: UInt64, txId: Int64) -> SourcePosition {
        SourcePosition(commitMicros: 1_700_000_000_000_000, sequence: (nil, LSN(lsn)), txId: txId, lsn: LSN(lsn))
    }

    /// Hands one change over, its rows as COPY text lines.
    private func change(_ sink: KafkaEventSink, _ op: CDCCore.Operation, _ table: EventTable, before: String? = nil, after: String? = nil,
                        at position: SourcePosition) throws {
        try withRow(before) { before in try withRow(after) { after in
            try sink.change(op, table: table, before: before, after: after, position: position)
        } }
    }

    private func withRow(_ line: String?, _ body: (RowSource?) throws -> Void) throws {
        guard let line else { return try body(nil) }
        try Array(line.utf8).withUnsafeBytes { try body(.copyLine($0)) }
    }

    /// Polls `durable` until it reports `lsn` or `timeout` passes; returns the last report.
    @discardableResult
    private func waitDurable(_ sink: KafkaEventSink, _ lsn: LSN, timeout: Double = 15) throws -> LSN? {
        let deadline = Date().addingTimeInterval(timeout)
        var last: LSN?
        repeat {
            last = try sink.durable(wait: 0.1)
            if last == lsn { break }
        } while Date() < deadline
        return last
    }

    /// Every message of `topic` (all 4 partitions), by partition and offset.
    private func read(_ topic: String, bootstrap: String) throws -> [KafkaMessage] {
        let consumer = try RDKafkaConsumer(config: try KafkaTestStack.consumerConfig(bootstrap: bootstrap))
        defer { try? consumer.close() }
        return try KafkaTestStack.readToEnd(consumer, topic: topic, partitions: [0, 1, 2, 3])
    }

    /// A message as `key => op name` (`key => tombstone` for a null value).
    private func describe(_ message: KafkaMessage) -> String {
        let key = message.key.map { String(decoding: $0, as: UTF8.self) } ?? "null"
        guard let value = message.value else { return "\(key) => tombstone" }
        guard let event = try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any] else { return "\(key) => not JSON" }
        let row = (event["after"] as? [String: Any]) ?? (event["before"] as? [String: Any])
        return "\(key) => \(event["op"] as? String ?? "?") \(row?["name"] as? String ?? row?["body"] as? String ?? "-")"
    }

    /// Asserts that `messages` are `expected` (in production order) with each partition holding
    /// its share in that order.
    private func assertInOrder(_ messages: [KafkaMessage], _ expected: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(messages.map(describe).sorted(), expected.sorted(), "the topic holds exactly the produced records", file: file, line: line)
        for partition in Set(messages.map(\.partition)) {
            let held = messages.filter { $0.partition == partition }.sorted { $0.offset < $1.offset }.map(describe)
            XCTAssertEqual(held, expected.filter { held.contains($0) }, "partition \(partition) keeps the production order", file: file, line: line)
        }
    }

    // MARK: tests

    func testTransactionsGoToTheirTopicsInOrderWithKeysHeadersAndTombstones() throws {
        let (sink, _, bootstrap) = try makeSink()
        try sink.beginTransaction(id: 501, finalLSN: LSN(0x100), commitMicros: 1_700_000_000_000_000)
        try change(sink, .create, items, after: "1\tada", at: position(0x10, txId: 501))
        try change(sink, .create, items, after: "2\tbob", at: position(0x20, txId: 501))
        try change(sink, .create, notes, after: "hello", at: position(0x30, txId: 501))
        try sink.endTransaction(at: LSN(0x100))
        try sink.beginTransaction(id: 502, finalLSN: LSN(0x200), commitMicros: 1_700_000_000_000_000)
        try change(sink, .update, items, after: "1\tada lovelace", at: position(0x110, txId: 502))
        try change(sink, .delete, items, before: "2\tbob", at: position(0x120, txId: 502))
        try change(sink, .create, items, after: "3\tcy", at: position(0x130, txId: 502))
        try sink.endTransaction(at: LSN(0x200))
        try sink.beginTransaction(id: 503, finalLSN: LSN(0x300), commitMicros: 1_700_000_000_000_000)
        try change(sink, .delete, notes, before: "hello", at: position(0x210, txId: 503))
        try change(sink, .truncate, items, at: position(0x220, txId: 503))
        try sink.endTransaction(at: LSN(0x300))
        XCTAssertTrue(try sink.drain(timeout: 20))
        XCTAssertEqual(try sink.durable(wait: 0), LSN(0x300))
        XCTAssertEqual(sink.produced, 9, "8 events and one tombstone (a keyless delete gets none)")

        let itemMessages = try read(itemsTopic, bootstrap: bootstrap)
        assertInOrder(itemMessages, [
            #"{"id":1} => c ada"#, #"{"id":2} => c bob"#,
            #"{"id":1} => u ada lovelace"#, #"{"id":2} => d bob"#, #"{"id":2} => tombstone"#, #"{"id":3} => c cy"#,
            "null => t -",
        ])
        let noteMessages = try read(notesTopic, bootstrap: bootstrap)
        assertInOrder(noteMessages, ["null => c hello", "null => d hello"])

        let first = try XCTUnwrap(itemMessages.first { describe($0) == #"{"id":1} => c ada"# })
        XCTAssertEqual(first.headers, [KafkaHeader(name: "cdcctl.lsn", text: "0/10"), KafkaHeader(name: "cdcctl.txId", text: "501")])
        let tombstone = try XCTUnwrap(itemMessages.first { $0.value == nil })
        XCTAssertEqual(tombstone.headers, [KafkaHeader(name: "cdcctl.lsn", text: "0/120"), KafkaHeader(name: "cdcctl.txId", text: "502")])
        let value = try XCTUnwrap(first.value)
        XCTAssertNotEqual(value.last, UInt8(ascii: "\n"), "the record is the envelope without NDJSON's newline")
        let event = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(value)) as? [String: Any])
        XCTAssertEqual((event["source"] as? [String: Any])?["table"] as? String, "items")
        XCTAssertEqual((event["after"] as? [String: Any])?["id"] as? Int, 1)
    }

    func testNoTombstonesAndATopicTemplate() throws {
        let (sink, _, bootstrap) = try makeSink { options in
            options.tombstones = false
            options.topicTemplate = "cdc-{table}"
        }
        try sink.beginTransaction(id: 7, finalLSN: LSN(0x100), commitMicros: 0)
        try change(sink, .create, items, after: "1\ta", at: position(0x10, txId: 7))
        try change(sink, .delete, items, before: "1\ta", at: position(0x20, txId: 7))
        try sink.endTransaction(at: LSN(0x100))
        XCTAssertTrue(try sink.drain(timeout: 20))
        assertInOrder(try read("cdc-items", bootstrap: bootstrap), [#"{"id":1} => c a"#, #"{"id":1} => d a"#])
    }

    func testDurableReportsATransactionEndOnlyOnceItsMessagesAreDelivered() throws {
        // linger.ms holds each batch for a second, so the reports cannot have arrived when the
        // transaction is handed over.
        let (sink, producer, _) = try makeSink(["linger.ms": "1000"])
        XCTAssertNil(try sink.durable(wait: 0))
        try sink.beginTransaction(id: 1, finalLSN: LSN(0x100), commitMicros: 0)
        try change(sink, .create, items, after: "1\ta", at: position(0x10, txId: 1))
        try change(sink, .create, items, after: "2\tb", at: position(0x20, txId: 1))
        try sink.endTransaction(at: LSN(0x100))
        XCTAssertNil(try sink.durable(wait: 0), "handed over is not delivered")
        XCTAssertGreaterThan(producer.queueLength, 0)
        XCTAssertEqual(try waitDurable(sink, LSN(0x100)), LSN(0x100))
        XCTAssertEqual(producer.queueLength, 0)

        try sink.beginTransaction(id: 2, finalLSN: LSN(0x200), commitMicros: 0)
        try change(sink, .update, items, after: "1\taa", at: position(0x110, txId: 2))
        try sink.endTransaction(at: LSN(0x200))
        XCTAssertEqual(try sink.durable(wait: 0), LSN(0x100), "the second transaction is not delivered yet")
        XCTAssertEqual(try waitDurable(sink, LSN(0x200)), LSN(0x200))
        XCTAssertTrue(try sink.drain(timeout: 5))
        XCTAssertEqual(try sink.durable(wait: 0), LSN(0x200))
    }

    func testAnAbandonedTransactionIsDeliveredWithoutAPositionOfItsOwn() throws {
        let (sink, _, bootstrap) = try makeSink()
        try sink.beginTransaction(id: 1, finalLSN: LSN(0x100), commitMicros: 0)
        try change(sink, .create, items, after: "1\ta", at: position(0x10, txId: 1))
        try sink.abandonTransaction()
        try sink.beginTransaction(id: 1, finalLSN: LSN(0x100), commitMicros: 0)
        try change(sink, .create, items, after: "1\ta", at: position(0x10, txId: 1))
        try sink.endTransaction(at: LSN(0x100))
        XCTAssertTrue(try sink.drain(timeout: 20))
        XCTAssertEqual(try sink.durable(wait: 0), LSN(0x100))
        XCTAssertEqual(try read(itemsTopic, bootstrap: bootstrap).map(describe), [#"{"id":1} => c a"#, #"{"id":1} => c a"#],
                       "at-least-once: the resent transaction duplicates what was produced")
    }

    /// Compare tests/kafka-stream-too-large.sh. librdkafka checks `message.max.bytes` when the
    /// message is handed to it, so the change itself fails (no delivery report is involved);
    /// the slot stays at the last transaction whose delivery `durable` reported.
    func testATooLargeMessageStopsWithTheSlotAtTheLastGoodTransaction() throws {
        let (sink, _, bootstrap) = try makeSink(["message.max.bytes": "4000"])
        try sink.beginTransaction(id: 1, finalLSN: LSN(0x100), commitMicros: 0)
        try change(sink, .create, items, after: "1\tsmall", at: position(0x10, txId: 1))
        try sink.endTransaction(at: LSN(0x100))
        XCTAssertEqual(try waitDurable(sink, LSN(0x100)), LSN(0x100))

        try sink.beginTransaction(id: 2, finalLSN: LSN(0x200), commitMicros: 0)
        try change(sink, .create, items, after: "2\tfits", at: position(0x110, txId: 2))
        XCTAssertThrowsError(try change(sink, .create, items, after: "3\t" + String(repeating: "x", count: 20_000), at: position(0x120, txId: 2))) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("cannot produce a message of "), text)
            XCTAssertTrue(text.contains("to topic \(itemsTopic): "), text)
            XCTAssertTrue(text.hasSuffix("; the slot stays at 0/100"), text)
        }
        // What the stream does next: it stops without ending the transaction.
        XCTAssertEqual(try waitDurable(sink, LSN(0x200), timeout: 2), LSN(0x100), "nothing of the failed transaction is durable")
        XCTAssertEqual(try read(itemsTopic, bootstrap: bootstrap).map(describe).sorted(), [#"{"id":1} => c small"#, #"{"id":2} => c fits"#])
    }

    /// A message that fails after it was handed over (here: its topic does not exist and may
    /// not be auto-created) makes `durable` throw, naming the topic, with the slot at the last
    /// fully delivered transaction; later transactions are never reported durable.
    func testAnUndeliverableMessageMakesDurableThrowAtTheLastGoodTransaction() throws {
        // A first producer starts the mock cluster and creates the items topic; the sink's
        // producer may not auto-create the notes topic.
        let starter = try RDKafkaProducer(config: try KafkaTestStack.mockConfig())
        let cluster = try XCTUnwrap(starter.bootstrapServers)
        try starter.produce(topic: itemsTopic, key: nil, value: Array("seed".utf8))
        XCTAssertTrue(starter.flush(timeout: 10_000))
        let (sink, _, _) = try makeSink(["allow.auto.create.topics": "false", "message.timeout.ms": "1500", "topic.metadata.refresh.interval.ms": "200"],
                                        bootstrap: cluster)

        try sink.beginTransaction(id: 1, finalLSN: LSN(0x100), commitMicros: 0)
        try change(sink, .create, items, after: "1\tgood", at: position(0x10, txId: 1))
        try sink.endTransaction(at: LSN(0x100))
        try sink.beginTransaction(id: 2, finalLSN: LSN(0x200), commitMicros: 0)
        try change(sink, .create, items, after: "2\talso good", at: position(0x110, txId: 2))
        try change(sink, .create, notes, after: "lost", at: position(0x120, txId: 2))
        try sink.endTransaction(at: LSN(0x200))
        try sink.beginTransaction(id: 3, finalLSN: LSN(0x300), commitMicros: 0)
        try change(sink, .create, items, after: "3\tafter", at: position(0x210, txId: 3))
        try sink.endTransaction(at: LSN(0x300))

        var reported: [LSN?] = []
        var failure: Error?
        let deadline = Date().addingTimeInterval(20)
        while failure == nil && Date() < deadline {
            do { reported.append(try sink.durable(wait: 0.1)) } catch { failure = error }
        }
        let text = "\(try XCTUnwrap(failure, "durable never threw"))"
        XCTAssertTrue(text.hasPrefix("a message to topic \(notesTopic) was not delivered: "), text)
        XCTAssertTrue(text.hasSuffix("; the stream stops with the slot at 0/100"), text)
        XCTAssertFalse(reported.contains { $0 != nil && $0! > LSN(0x100) }, "reported \(reported)")
        XCTAssertThrowsError(try sink.durable(wait: 0), "the failure stays")
        withExtendedLifetime(starter) {}
    }

    func testTransactionMetadataRecordsAndBlocks() throws {
        let (sink, _, bootstrap) = try makeSink { $0.transactionTopic = "mock.transaction" }
        try sink.beginTransaction(id: 9, finalLSN: LSN(0x100), commitMicros: 1_700_000_000_123_000)
        try change(sink, .create, items, after: "1\ta", at: position(0x10, txId: 9))
        try change(sink, .create, notes, after: "n", at: position(0x20, txId: 9))
        try change(sink, .create, items, after: "2\tb", at: position(0x30, txId: 9))
        try sink.endTransaction(at: LSN(0x100))
        XCTAssertTrue(try sink.drain(timeout: 20))

        let records = try read("mock.transaction", bootstrap: bootstrap).sorted { $0.offset < $1.offset }
        let texts = records.map { String(decoding: $0.value ?? [], as: UTF8.self) }
        XCTAssertEqual(texts, [
            #"{"status":"BEGIN","id":"9:256","event_count":null,"data_collections":null,"ts_ms":1700000000123}"#,
            #"{"status":"END","id":"9:256","event_count":3,"data_collections":[{"data_collection":"public.items","event_count":2},{"data_collection":"public.notes","event_count":1}],"ts_ms":1700000000123}"#,
        ])
        XCTAssertEqual(records.map { String(decoding: $0.key ?? [], as: UTF8.self) }, [#"{"id":"9:256"}"#, #"{"id":"9:256"}"#])
        XCTAssertEqual(records.map(\.headers), [[], []], "metadata records carry no headers")
        let second = try XCTUnwrap(try read(itemsTopic, bootstrap: bootstrap).first { $0.key == Array(#"{"id":2}"#.utf8) })
        let event = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(second.value ?? [])) as? [String: Any])
        let block = try XCTUnwrap(event["transaction"] as? [String: Any])
        XCTAssertEqual(block["id"] as? String, "9:256")
        XCTAssertEqual(block["total_order"] as? Int, 3)
        XCTAssertEqual(block["data_collection_order"] as? Int, 2)
    }

    func testLogicalDecodingMessagesGoToTheMessageTopic() throws {
        let (sink, _, bootstrap) = try makeSink()
        let origin = EventTable(prefix: "mock", database: "db", name: TableName(schema: "", table: ""), columns: [])
        try sink.message(prefix: "audit", content: Array("hi".utf8), origin: origin, position: position(0x40, txId: 4))
        try sink.endTransaction(at: LSN(0x40))
        XCTAssertTrue(try sink.drain(timeout: 20))
        XCTAssertEqual(try sink.durable(wait: 0), LSN(0x40))
        let messages = try read("mock.message", bootstrap: bootstrap)
        XCTAssertEqual(messages.map { String(decoding: $0.key ?? [], as: UTF8.self) }, [#"{"prefix":"audit"}"#])
        let event = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(messages.first?.value ?? [])) as? [String: Any])
        XCTAssertEqual(event["op"] as? String, "m")
    }

    /// `--exactly-once` on the mock cluster: a second run reads the committed position back and
    /// skips what the first one committed, standalone messages included.
    func testExactlyOnceSkipsWhatAnEarlierRunCommitted() throws {
        final class Notices { var lines: [String] = [] }
        let exactly = KafkaSinkOptions.ExactlyOnce(slot: "s1", offsetsTopic: "mock.offsets")
        let origin = EventTable(prefix: "mock", database: "db", name: TableName(schema: "", table: ""), columns: [])
        // The mock cluster lives as long as the client that started it: one that outlives both runs.
        let owner = try RDKafkaProducer(config: try KafkaTestStack.mockConfig())
        let cluster = try XCTUnwrap(owner.bootstrapServers)
        func run(_ body: (KafkaEventSink) throws -> Void) throws -> [String] {
            let config = RDKafkaConfig()
            try config.set("bootstrap.servers", cluster)
            try config.set("log_level", "0")
            for (key, value) in KafkaEventSink.producerDefaults { try config.set(key, value) }
            try config.set("transactional.id", "mock-eos")
            let producer = try RDKafkaProducer(config: config)
            let reader = RDKafkaConfig()
            try reader.set("bootstrap.servers", cluster)
            try reader.set("log_level", "0")
            var options = KafkaSinkOptions(format: .json)
            options.createTopics = false
            options.exactlyOnce = exactly
            let notices = Notices()
            let sink = try KafkaEventSink(producer: producer, registry: nil, options: options, positionReader: reader, stop: StopToken(),
                                          log: { notices.lines.append($0) })
            try body(sink)
            XCTAssertTrue(try sink.drain(timeout: 20))
            return notices.lines
        }

        let first = try run { sink in
            try sink.beginTransaction(id: 1, finalLSN: LSN(0x100), commitMicros: 0)
            try change(sink, .create, items, after: "1\ta", at: position(0x10, txId: 1))
            try sink.endTransaction(at: LSN(0x100))
            try sink.beginTransaction(id: 2, finalLSN: LSN(0x200), commitMicros: 0)
            try change(sink, .create, items, after: "2\tb", at: position(0x110, txId: 2))
            try sink.endTransaction(at: LSN(0x200))
            try sink.message(prefix: "p", content: [1], origin: origin, position: position(0x250, txId: 0))
            try sink.endTransaction(at: LSN(0x250))
            XCTAssertEqual(try waitDurable(sink, LSN(0x250)), LSN(0x250))
        }
        XCTAssertEqual(first, [])

        let second = try run { sink in
            try sink.beginTransaction(id: 2, finalLSN: LSN(0x200), commitMicros: 0)
            try change(sink, .create, items, after: "2\tb", at: position(0x110, txId: 2))
            try sink.endTransaction(at: LSN(0x200))
            XCTAssertEqual(try sink.durable(wait: 0), LSN(0x200), "a skipped transaction is durable at once")
            try sink.message(prefix: "p", content: [1], origin: origin, position: position(0x250, txId: 0))
            try sink.endTransaction(at: LSN(0x250))
            try sink.beginTransaction(id: 3, finalLSN: LSN(0x300), commitMicros: 0)
            try change(sink, .create, items, after: "3\tc", at: position(0x210, txId: 3))
            try sink.endTransaction(at: LSN(0x300))
            XCTAssertEqual(try waitDurable(sink, LSN(0x300)), LSN(0x300))
            XCTAssertEqual(sink.produced, 2, "the new transaction's event and its position record")
        }
        XCTAssertEqual(second, ["committed to Kafka up to 0/251 (from mock.offsets)",
                                        "skipping transactions before 0/251: already committed to Kafka"])

        XCTAssertEqual(try read(itemsTopic, bootstrap: cluster).map(describe).sorted(),
                       [#"{"id":1} => c a"#, #"{"id":2} => c b"#, #"{"id":3} => c c"#], "each change once")
        XCTAssertEqual(try read("mock.message", bootstrap: cluster).count, 1)
        let positions = try read("mock.offsets", bootstrap: cluster).sorted { $0.offset < $1.offset }
        XCTAssertEqual(positions.compactMap { $0.value.flatMap(KafkaCommittedPosition.parse) }, [LSN(0x100), LSN(0x200), LSN(0x251), LSN(0x300)],
                       "a standalone message resumes after its own LSN")
        XCTAssertEqual(Set(positions.map { String(decoding: $0.key ?? [], as: UTF8.self) }), ["s1"])
        withExtendedLifetime(owner) {}
    }

    /// A snapshot under exactly-once is committed in Kafka transactions of at most
    /// `snapshotTransactionSize` messages (the chunks' commits happen inside `change`); only its
    /// end carries a position.
    func testExactlyOnceCommitsASnapshotInChunks() throws {
        let config = try KafkaTestStack.mockConfig(["transactional.id": "mock-snapshot"])
        for (key, value) in KafkaEventSink.producerDefaults { try config.set(key, value) }
        let producer = try RDKafkaProducer(config: config)
        let cluster = try XCTUnwrap(producer.bootstrapServers)
        let reader = try KafkaTestStack.consumerConfig(bootstrap: cluster)
        var options = KafkaSinkOptions(format: .json)
        options.createTopics = false
        options.exactlyOnce = .init(slot: "snap", offsetsTopic: "mock.offsets")
        options.snapshotTransactionSize = 2
        let sink = try KafkaEventSink(producer: producer, registry: nil, options: options, positionReader: reader, stop: StopToken())
        let snapshot = SourcePosition(commitMicros: 0, snapshot: .inner, lsn: LSN(0x500))
        for id in 1...5 { try change(sink, .read, items, after: "\(id)\tr\(id)", at: snapshot) }
        XCTAssertEqual(sink.produced, 5)
        try sink.endTransaction(at: LSN(0x500))
        XCTAssertTrue(try sink.drain(timeout: 20))
        XCTAssertEqual(try sink.durable(wait: 0), LSN(0x500))
        XCTAssertEqual(try read(itemsTopic, bootstrap: cluster).map(describe).sorted(), (1...5).map { #"{"id":\#($0)} => r r\#($0)"# })
        let positions = try read("mock.offsets", bootstrap: cluster).compactMap { $0.value.flatMap(KafkaCommittedPosition.parse) }
        XCTAssertEqual(positions, [LSN(0x500)], "the chunks before the end record no position")
    }

    func testTheLibraryErrorsNameNoFlags() throws {
        let producer = try RDKafkaProducer(config: try KafkaTestStack.mockConfig())
        XCTAssertThrowsError(try KafkaEventSink(producer: producer, registry: nil, options: KafkaSinkOptions(format: .avro), stop: StopToken())) { error in
            XCTAssertEqual(error as? KafkaSinkError, .avroNeedsRegistry)
            XCTAssertFalse("\(error)".contains("--"), "\(error)")
        }
        var options = KafkaSinkOptions(format: .json)
        options.exactlyOnce = .init(slot: "s", offsetsTopic: "s.offsets")
        XCTAssertThrowsError(try KafkaEventSink(producer: producer, registry: nil, options: options, positionReader: RDKafkaConfig(), stop: StopToken())) { error in
            XCTAssertEqual(error as? KafkaSinkError, .exactlyOnceNeedsTransactionalProducer)
            XCTAssertFalse("\(error)".contains("--"), "\(error)")
        }
    }
}
