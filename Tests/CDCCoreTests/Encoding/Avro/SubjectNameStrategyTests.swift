@testable import CDCCore
import XCTest

/// Registry subjects per Confluent's three strategies, for Debezium's record names.
final class SubjectNameStrategyTests: XCTestCase {
    func testEachStrategyNamesKeyAndValueSubjects() {
        let columns = [Column(name: "id", type: .int32, typeName: "integer", nullable: false, primaryKeyPosition: 1)]
        let schemas = DebeziumAvroSchema(prefix: "srv", table: TableName(schema: "public", table: "orders"), columns: columns)
        let key = schemas.key!, value = schemas.value
        let topic = "srv.public.orders"
        XCTAssertEqual(SubjectNameStrategy.topic.subject(topic: topic, isKey: true, schema: key), "srv.public.orders-key")
        XCTAssertEqual(SubjectNameStrategy.topic.subject(topic: topic, isKey: false, schema: value), "srv.public.orders-value")
        XCTAssertEqual(SubjectNameStrategy.record.subject(topic: topic, isKey: true, schema: key), "srv.public.orders.Key")
        XCTAssertEqual(SubjectNameStrategy.record.subject(topic: topic, isKey: false, schema: value), "srv.public.orders.Envelope")
        XCTAssertEqual(SubjectNameStrategy.topicRecord.subject(topic: "t", isKey: false, schema: value), "t-srv.public.orders.Envelope")
        XCTAssertEqual(SubjectNameStrategy.record.subject(topic: topic, isKey: false, schema: TransactionMetadata.valueSchema),
                       "io.debezium.connector.common.TransactionMetadataValue")
    }
}
