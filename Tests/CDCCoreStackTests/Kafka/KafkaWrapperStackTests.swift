import CDCCore
import CDCTestSupport
import XCTest

/// The librdkafka wrapper against the stack's Tansu: produce, consume, metadata, watermarks,
/// topic creation and transactions. The mock-cluster cases are CDCCoreTests' `KafkaWrapperTests`.
final class KafkaWrapperStackTests: XCTestCase {
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
}
