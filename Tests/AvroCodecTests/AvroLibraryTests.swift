import XCTest
@testable import AvroCodec

final class AvroLibraryTests: XCTestCase {
    func testAcceptsAValidRecordSchema() {
        XCTAssertNil(AvroLibrary.validate(schemaJSON: #"{"type":"record","name":"Value","fields":[{"name":"id","type":"long"}]}"#))
    }

    func testRejectsAnInvalidSchemaWithAMessage() {
        let error = AvroLibrary.validate(schemaJSON: #"{"type":"record","name":"Value","fields":[{"name":"id","type":"nope"}]}"#)
        XCTAssertNotNil(error)
        XCTAssertFalse(error?.isEmpty ?? true)
    }
}
