import XCTest
@testable import CDCCore

/// Which NOT NULL columns stay optional because the subject's latest version has them optional.
final class RegisteredNullabilityTests: XCTestCase {
    private func column(_ name: String, nullable: Bool, key: Int? = nil) -> Column {
        Column(name: name, type: .int32, typeName: "integer", nullable: nullable, primaryKeyPosition: key)
    }

    func testColumnsOptionalInTheLatestEnvelopeAreWidened() {
        let before = [column("id", nullable: false, key: 1), column("qty", nullable: true), column("Col ü", nullable: true), column("n", nullable: false)]
        let latest = DebeziumAvroSchema(prefix: "p", table: TableName(schema: "public", table: "t"), columns: before).value.text
        let now = [column("id", nullable: false, key: 1), column("qty", nullable: false), column("Col ü", nullable: false),
                   column("n", nullable: false), column("added", nullable: false)]
        XCTAssertEqual(RegisteredNullability.columnsToWiden(now, latestSchema: latest), [1, 2],
                       "qty and the Avro-adjusted Col ü were optional; id, n and a new column were not")
    }

    func testAFlatRecordIsReadToo() {
        let flat = #"{"type":"record","name":"Value","namespace":"p.public.t","fields":[{"name":"id","type":"int"},{"name":"qty","type":["null","int"],"default":null},{"name":"__deleted","type":["null","string"]}]}"#
        XCTAssertEqual(RegisteredNullability.columnsToWiden([column("id", nullable: false, key: 1), column("qty", nullable: false)], latestSchema: flat), [1])
    }

    func testNothingToWidenWhenTheSchemaIsNotRecognised() {
        XCTAssertEqual(RegisteredNullability.columnsToWiden([column("qty", nullable: false)], latestSchema: "\"string\""), [])
        XCTAssertEqual(RegisteredNullability.columnsToWiden([column("qty", nullable: false)], latestSchema: "not json"), [])
    }
}
