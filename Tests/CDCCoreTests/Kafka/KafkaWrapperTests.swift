import CDCCore
import CDCTestSupport
import XCTest

/// The librdkafka wrapper: produce (keys, NULLs, headers, timestamps), delivery counting,
/// back-pressure, transactions, consume and metadata, on librdkafka's in-process mock cluster
/// (no broker). The cases that need Tansu are CDCCoreStackTests' `KafkaWrapperStackTests`.
final class KafkaWrapperTests: XCTestCase {
    // MARK: - configuration

    func testConfigErrorsNameTheProperty() throws {
        let config = RDKafkaConfig()
        XCTAssertThrowsError(try config.set("no.such.property", "1")) { error in
            XCTAssertEqual("\(error)", #"invalid Kafka property no.such.property: No such configuration property: "no.such.property""#)
        }
        XCTAssertThrowsError(try config.set("socket.timeout.ms", "soon")) { error in
            XCTAssertTrue("\(error)".contains("socket.timeout.ms"), "\(error)")
        }
        try config.set("topic.acks", "all") // kcat's topic. prefix
        try config.set("client.id", "x")
        XCTAssertEqual(config.get("client.id"), "x")
        XCTAssertNil(config.get("transactional.id"))
    }

    // MARK: - mock cluster

    func testMockRoundTripKeepsKeysNullsHeadersAndTimestamps() throws {
        let producer = try RDKafkaProducer(config: try KafkaTestStack.mockConfig())
        let bootstrap = try XCTUnwrap(producer.bootstrapServers)
        let topic = "mock-roundtrip" // the mock cluster auto-creates it (4 partitions); it has no CreateTopics controller
        let headers = [KafkaHeader(name: "a", text: "b"), KafkaHeader(name: "null", value: nil), KafkaHeader(name: "empty", text: "")]
        try producer.produce(topic: topic, partition: 1, key: Array("k".utf8), value: [0, 1, 255], headers: headers, timestamp: 1_600_000_000_000)
        try producer.produce(topic: topic, partition: 1, key: nil, value: nil)
        try producer.produce(topic: topic, partition: 1, key: [], value: [])
        XCTAssertTrue(producer.flush(timeout: 10_000))
        XCTAssertEqual(producer.deliveries.delivered, 3)
        XCTAssertEqual(producer.deliveries.failed, 0)

        let consumer = try RDKafkaConsumer(config: try KafkaTestStack.consumerConfig(bootstrap: bootstrap))
        let messages = try KafkaTestStack.readToEnd(consumer, topic: topic, partitions: [0, 1])
        XCTAssertEqual(messages.count, 3)
        guard messages.count == 3 else { return }
        XCTAssertEqual(messages[0].key, Array("k".utf8))
        XCTAssertEqual(messages[0].value, [0, 1, 255])
        XCTAssertEqual(messages[0].headers, headers)
        XCTAssertEqual(messages[0].timestamp, 1_600_000_000_000)
        XCTAssertEqual(messages[0].timestampType, .createTime)
        XCTAssertEqual(messages.map(\.offset), [0, 1, 2])
        XCTAssertNil(messages[1].key)
        XCTAssertNil(messages[1].value)
        XCTAssertEqual(messages[2].key, [])
        XCTAssertEqual(messages[2].value, [])

        let metadata = try consumer.metadata(topic: topic, timeout: 5_000)
        XCTAssertEqual(metadata.topic(topic)?.partitions.count, 4)
        XCTAssertEqual(metadata.brokers.count, 1)
        XCTAssertEqual(try consumer.watermarks(topic: topic, partition: 1, timeout: 5_000), KafkaWatermarks(low: 0, high: 3))
        XCTAssertEqual(try consumer.watermarks(topic: topic, partition: 0, timeout: 5_000), KafkaWatermarks(low: 0, high: 0))
        try consumer.close()
    }

    func testDeliveryFailuresAreCountedWithTheFirstError() throws {
        let producer = try RDKafkaProducer(config: try KafkaTestStack.mockConfig(["message.timeout.ms": "2000"]))
        let topic = "mock-failures"
        let tracker = KafkaDeliveryTracker()
        try producer.produce(topic: topic, partition: 0, key: nil, value: Array("ok".utf8), tracker: tracker)
        try producer.produce(topic: topic, partition: 7, key: nil, value: Array("no such partition".utf8), tracker: tracker)
        XCTAssertTrue(producer.flush(timeout: 10_000))
        XCTAssertEqual(tracker.produced, 2)
        XCTAssertEqual(tracker.delivered, 1)
        XCTAssertEqual(tracker.failed, 1)
        XCTAssertEqual(tracker.pending, 0)
        XCTAssertEqual(tracker.firstError?.message, "Local: Unknown partition")
        XCTAssertEqual(producer.deliveries.produced, 0, "a given tracker replaces the default one")
    }

    func testBackPressureWaitsInsteadOfFailing() throws {
        let producer = try RDKafkaProducer(config: try KafkaTestStack.mockConfig(["queue.buffering.max.messages": "5", "linger.ms": "1"]))
        for i in 0..<300 {
            try producer.produce(topic: "mock-backpressure", key: nil, value: Array("message \(i)".utf8))
        }
        XCTAssertTrue(producer.flush(timeout: 20_000))
        XCTAssertEqual(producer.deliveries.delivered, 300)
    }

    func testTooLargeMessageThrowsNamingTheTopic() throws {
        let producer = try RDKafkaProducer(config: try KafkaTestStack.mockConfig(["message.max.bytes": "1000"]))
        XCTAssertThrowsError(try producer.produce(topic: "mock-large", key: nil, value: [UInt8](repeating: 0x41, count: 5000))) { error in
            XCTAssertTrue("\(error)".hasPrefix("cannot produce a message of 5000 bytes to topic mock-large: "), "\(error)")
        }
        XCTAssertEqual(producer.deliveries.produced, 0)
    }

    /// Both outcomes reach the cluster: data, commit marker, data, abort marker. (Neither the
    /// mock cluster nor Tansu lists aborted transactions in Fetch responses, so read_committed
    /// readers of either cannot hide the aborted record; librdkafka logs "received abort txn
    /// ctrl msg … but there are no known aborted transactions: ignoring".)
    func testMockTransactionsCommitAndAbort() throws {
        let producer = try RDKafkaProducer(config: try KafkaTestStack.mockConfig(["transactional.id": "mock-txn"]))
        XCTAssertTrue(producer.isTransactional)
        let topic = "mock-txn"
        try producer.initTransactions(timeout: 10_000)
        try producer.beginTransaction()
        try producer.produce(topic: topic, partition: 0, key: nil, value: Array("committed".utf8))
        try producer.commitTransaction(timeout: 10_000)
        try producer.beginTransaction()
        try producer.produce(topic: topic, partition: 0, key: nil, value: Array("aborted".utf8))
        XCTAssertTrue(producer.flush(timeout: 10_000))
        try producer.abortTransaction(timeout: 10_000)
        XCTAssertEqual(producer.deliveries.delivered, 2)
        let consumer = try RDKafkaConsumer(config: try KafkaTestStack.consumerConfig(bootstrap: try XCTUnwrap(producer.bootstrapServers)))
        XCTAssertEqual(try consumer.watermarks(topic: topic, partition: 0, timeout: 5_000).high, 4, "two records and two control markers")
        XCTAssertEqual(try KafkaTestStack.readToEnd(consumer, topic: topic, partitions: [0]).compactMap(\.value).first, Array("committed".utf8))
        XCTAssertThrowsError(try producer.commitTransaction(timeout: 1_000), "no transaction is open any more")
    }

    func testUnknownTopicMetadataOnMock() throws {
        let producer = try RDKafkaProducer(config: try KafkaTestStack.mockConfig())
        let consumer = try RDKafkaConsumer(config: try KafkaTestStack.consumerConfig(bootstrap: try XCTUnwrap(producer.bootstrapServers)))
        let metadata = try consumer.metadata(topic: "mock-never-created", timeout: 5_000)
        XCTAssertEqual(metadata.topic("mock-never-created")?.error?.isUnknownTopic, true)
    }

    func testUnreachableBrokerFailsWithinTheTimeout() throws {
        let config = RDKafkaConfig()
        try config.set("bootstrap.servers", "127.0.0.1:1")
        try config.set("log_level", "0")
        try config.set("group.id", "x")
        let consumer = try RDKafkaConsumer(config: config)
        let started = Date()
        XCTAssertThrowsError(try consumer.metadata(topic: "t", timeout: 2_000)) { error in
            XCTAssertTrue("\(error)".hasPrefix("cannot fetch metadata for topic t from 127.0.0.1:1: "), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 4)
    }
}
