import CDCCore
import XCTest

/// The librdkafka wrapper: produce (keys, NULLs, headers, timestamps), delivery counting,
/// back-pressure, transactions, consume, metadata, watermarks and topic creation. Fast cases
/// run on librdkafka's in-process mock cluster (no broker); the rest against Tansu.
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

    // MARK: - Tansu

    func testTansuProduceConsumeMetadataWatermarks() throws {
        let topic = KafkaTestStack.uniqueTopic("wrapper")
        let producer = try RDKafkaProducer(config: try KafkaTestStack.tansuConfig(["enable.idempotence": "true"]))
        for i in 0..<3 {
            try producer.produce(topic: topic, partition: 2, key: Array("k\(i)".utf8), value: Array("v\(i)".utf8),
                                 headers: [KafkaHeader(name: "i", text: "\(i)")])
            // One message per request: Tansu's ListOffsets answers the last batch's base offset + 1.
            XCTAssertTrue(producer.flush(timeout: 10_000))
        }
        try producer.produce(topic: topic, partition: 2, key: Array("gone".utf8), value: nil)
        XCTAssertTrue(producer.flush(timeout: 10_000))
        XCTAssertEqual(producer.deliveries.delivered, 4)

        let consumer = try RDKafkaConsumer(config: try KafkaTestStack.consumerConfig(bootstrap: try KafkaTestStack.brokers()))
        let metadata = try consumer.metadata(topic: topic, timeout: 5_000)
        let info = try XCTUnwrap(metadata.topic(topic))
        XCTAssertNil(info.error)
        XCTAssertEqual(info.partitions.count, 4, "Tansu auto-creates topics with 4 partitions")
        XCTAssertFalse(metadata.brokers.isEmpty)
        for p in info.partitions {
            XCTAssertTrue(metadata.brokers.contains { $0.id == p.leader }, "leader \(p.leader) is a listed broker")
            XCTAssertEqual(p.replicas, [p.leader])
        }
        XCTAssertEqual(try consumer.watermarks(topic: topic, partition: 2, timeout: 5_000), KafkaWatermarks(low: 0, high: 4))
        let messages = try KafkaTestStack.readToEnd(consumer, topic: topic, partitions: [0, 1, 2, 3])
        XCTAssertEqual(messages.map(\.value), [Array("v0".utf8), Array("v1".utf8), Array("v2".utf8), nil])
        XCTAssertEqual(messages.map(\.key), ["k0", "k1", "k2", "gone"].map { Array($0.utf8) })
        XCTAssertEqual(messages.first?.headers, [KafkaHeader(name: "i", text: "0")])
        XCTAssertTrue(messages.allSatisfy { $0.partition == 2 && $0.timestamp != nil && $0.brokerID == p0Leader(info) })

        let unknown = try consumer.metadata(topic: KafkaTestStack.uniqueTopic("never"), timeout: 5_000)
        XCTAssertEqual(unknown.topics.first?.error?.isUnknownTopic, true, "a consumer's metadata request creates nothing")
    }

    private func p0Leader(_ info: KafkaTopicMetadata) -> Int32 { info.partitions.first { $0.id == 2 }?.leader ?? -2 }

    func testTansuCreateTopicThroughAdminAPI() throws {
        let topic = KafkaTestStack.uniqueTopic("created")
        let producer = try RDKafkaProducer(config: try KafkaTestStack.tansuConfig())
        XCTAssertTrue(try producer.createTopic(topic, partitions: 2, replicationFactor: 1))
        XCTAssertFalse(try producer.createTopic(topic, partitions: 2, replicationFactor: 1))
        let metadata = try producer.metadata(topic: topic, timeout: 5_000)
        XCTAssertEqual(metadata.topic(topic)?.partitions.map(\.id).sorted(), [0, 1])
    }

    func testTansuTransactionCommitIsVisibleToReadCommitted() throws {
        let topic = KafkaTestStack.uniqueTopic("wrapper-txn")
        let producer = try RDKafkaProducer(config: try KafkaTestStack.tansuConfig(["transactional.id": topic]))
        try producer.initTransactions(timeout: 15_000)
        try producer.beginTransaction()
        for i in 0..<5 { try producer.produce(topic: topic, partition: 0, key: nil, value: Array("m\(i)".utf8)) }
        try producer.commitTransaction(timeout: 15_000)
        XCTAssertEqual(producer.deliveries.delivered, 5)
        let consumer = try RDKafkaConsumer(config: try KafkaTestStack.consumerConfig(
            bootstrap: try KafkaTestStack.brokers(), ["isolation.level": "read_committed"]))
        XCTAssertEqual(try KafkaTestStack.readToEnd(consumer, topic: topic, partitions: [0]).compactMap(\.value),
                       (0..<5).map { Array("m\($0)".utf8) })
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
