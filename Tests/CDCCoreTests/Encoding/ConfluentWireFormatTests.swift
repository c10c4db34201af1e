import CDCCore
import XCTest

/// Confluent's framing: written and read in one place, round-tripping every schema id.
final class ConfluentWireFormatTests: XCTestCase {
    func testFrameIsMagicByteBigEndianIDThenBody() {
        XCTAssertEqual(ConfluentWireFormat.frame(schemaID: 0x0102_0304, body: [0xAA, 0xBB]), [0, 1, 2, 3, 4, 0xAA, 0xBB])
        var out = ByteWriter()
        out.write(UInt8(9))
        ConfluentWireFormat.write(schemaID: 7, body: [], into: &out)
        XCTAssertEqual(out.bytes, [9, 0, 0, 0, 0, 7], "write appends")
    }

    func testParseRoundTripsEveryKindOfID() throws {
        for id: Int32 in [0, 1, 255, 256, 65_535, 1 << 24, .max, -1, .min] {
            let framed = ConfluentWireFormat.frame(schemaID: id, body: [1, 2, 3])
            XCTAssertTrue(ConfluentWireFormat.looksFramed(framed))
            let parsed = try ConfluentWireFormat.parse(framed)
            XCTAssertEqual(parsed.schemaID, id)
            XCTAssertEqual(Array(parsed.body), [1, 2, 3])
        }
        XCTAssertEqual(Array(try ConfluentWireFormat.parse([0, 0, 0, 0, 5]).body), [], "an empty body")
    }

    func testShortOrUnframedInputIsRejected() {
        XCTAssertFalse(ConfluentWireFormat.looksFramed([0, 0, 0, 1]))
        XCTAssertFalse(ConfluentWireFormat.looksFramed([1, 0, 0, 0, 1]))
        XCTAssertThrowsError(try ConfluentWireFormat.parse([0, 0, 0, 1])) { error in
            XCTAssertEqual("\(error)", "message of 4 bytes is shorter than the 5-byte Confluent header")
        }
        XCTAssertThrowsError(try ConfluentWireFormat.parse([7, 0, 0, 0, 1])) { error in
            XCTAssertEqual("\(error)", "message starts with byte 7, not the Confluent magic byte 0")
        }
    }
}
