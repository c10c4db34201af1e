@testable import CDCCore
import XCTest

/// `ApplyRecordDecoder`: Debezium envelopes (with or without the schema/payload wrapper), flat
/// rows, plain documents and tombstones become the right change; source positions are read.
final class ApplyRecordDecoderTests: XCTestCase {
    private func decode(_ envelope: ApplyEnvelope, _ value: String?, key: String? = nil) throws -> DecodedRecord? {
        try ApplyRecordDecoder(envelope: envelope).decode(value: try value.map { try ApplyJSON.parse($0) }, key: try key.map { try ApplyJSON.parse($0) }, topic: "t")
    }

    func testDebeziumOperations() throws {
        let update = try XCTUnwrap(decode(.debezium, #"{"before":null,"after":{"id":1,"n":"2.50"},"source":{"schema":"s","table":"t","txId":77,"lsn":500,"sequence":"[\"400\",\"500\"]","snapshot":"false"},"op":"u"}"#))
        XCTAssertEqual(update.change.kind, .upsert)
        XCTAssertEqual(update.change.sourceTable, TableName(schema: "s", table: "t"))
        XCTAssertEqual(update.change.row.map(\.0), ["id", "n"])
        XCTAssertEqual(update.transaction?.lastCommitted, 400)
        XCTAssertEqual(update.transaction?.identity, "tx77")

        let delete = try XCTUnwrap(decode(.debezium, #"{"before":{"id":1},"after":null,"source":{"schema":"s","table":"t","txId":78,"sequence":"[null,\"600\"]"},"op":"d"}"#))
        XCTAssertEqual(delete.change.kind, .delete)
        XCTAssertNil(delete.transaction?.lastCommitted)

        let snapshot = try XCTUnwrap(decode(.debezium, #"{"after":{"id":1},"source":{"schema":"s","table":"t","snapshot":"first","lsn":42,"txId":5},"op":"r"}"#))
        XCTAssertEqual(snapshot.transaction?.identity, "snapshot42")

        XCTAssertEqual(try decode(.debezium, #"{"source":{"schema":"s","table":"t"},"op":"t"}"#)?.change.kind, .truncate)
        XCTAssertNil(try decode(.debezium, #"{"op":"m","message":{"prefix":"p","content":""}}"#))
        let wrapped = try XCTUnwrap(decode(.debezium, #"{"schema":{},"payload":{"after":{"id":3},"op":"c","source":{"schema":"s","table":"t"}}}"#))
        XCTAssertEqual(wrapped.change.row.first?.1, .number("3"))
        XCTAssertThrowsError(try decode(.debezium, #"{"id":1}"#)) { XCTAssertTrue("\($0)".contains("--envelope flat"), "\($0)") }
    }

    /// Debezium's JsonConverter with schemas: a Decimal is base64 of the unscaled value.
    func testDecimalsOfConnectSchemas() throws {
        let event = #"{"schema":{"type":"struct","fields":[{"type":"struct","field":"after","fields":[{"type":"int32","field":"id"},{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"2"},"field":"price"}]}]},"payload":{"after":{"id":1,"price":"Ae8="},"op":"c","source":{"schema":"s","table":"t"}}}"#
        let decoded = try XCTUnwrap(decode(.debezium, event))
        XCTAssertEqual(decoded.change.row.last?.1, .string("4.95"))
    }

    func testFlatPlainAndTombstones() throws {
        let deleted = try XCTUnwrap(decode(.flat, #"{"id":1,"__deleted":"true","__table":"t","__op":"d","__lsn":5}"#))
        XCTAssertEqual(deleted.change.kind, .delete)
        XCTAssertEqual(deleted.change.row.map(\.0), ["id"])
        XCTAssertEqual(deleted.change.sourceTable, TableName(schema: "public", table: "t"))
        XCTAssertEqual(try decode(.flat, #"{"id":1,"__deleted":"false"}"#)?.change.kind, .upsert)
        XCTAssertEqual(try decode(.flat, #"{"__op":"t"}"#)?.change.kind, .truncate)
        XCTAssertEqual(try decode(.plain, #"{"productId":"p1","name":"x"}"#)?.change.kind, .upsert)
        let tombstone = try XCTUnwrap(decode(.plain, nil, key: #"{"productId":"p1"}"#))
        XCTAssertEqual(tombstone.change.kind, .delete)
        XCTAssertEqual(tombstone.change.row.map(\.0), ["productId"])
        XCTAssertNil(try decode(.debezium, nil))
    }
}
