import XCTest
@testable import CDCCore

/// Topic names from PostgreSQL names Kafka would refuse (issue: "topic names not sanitized").
final class KafkaTopicNameTests: XCTestCase {
    func testLegalNamesAreKeptAsTheyAre() {
        let options = KafkaSinkOptions(format: .json)
        XCTAssertEqual(options.topic(prefix: "cdc", table: TableName(schema: "shop", table: "order_items-2")), "cdc.shop.order_items-2")
    }

    func testCharactersKafkaRefusesBecomeUnderscores() {
        let options = KafkaSinkOptions(format: .json)
        XCTAssertEqual(options.topic(prefix: "cdc", table: TableName(schema: "Shop Floor", table: "prix$€")), "cdc.Shop_Floor.prix__")
        var custom = KafkaSinkOptions(format: .json)
        custom.topicTemplate = "{prefix}/{table}"
        XCTAssertEqual(custom.topic(prefix: "cdc", table: TableName(schema: "public", table: "t")), "cdc_t")
        XCTAssertTrue(OutboxTopicTemplate.isValidTopic(options.topic(prefix: "ünï", table: TableName(schema: "s", table: "ç")).utf8))
        XCTAssertEqual(options.messageTopic(prefix: "my app"), "my_app.message")
    }
}
