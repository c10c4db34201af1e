import XCTest
@testable import CDCCore

/// The CopyBoth wrapper: XLogData and keepalive decoding, status update encoding.
final class ReplicationMessageTests: XCTestCase {
    func testXLogDataCarriesPgOutputPayload() throws {
        let payload = Wire().tag("B").u64(0x16B_3748).i64(5).u32(9).bytes
        let wire = Wire().tag("w").u64(0x1_0000_0010).u64(0x1_0000_0020).i64(777).raw(payload)
        guard case let .xLogData(data) = try ReplicationMessage.decode(wire.bytes) else { return XCTFail() }
        XCTAssertEqual(data.walStart, LSN(0x1_0000_0010))
        XCTAssertEqual(data.walEnd, LSN(0x1_0000_0020))
        XCTAssertEqual(data.walStart.description, "1/10")
        XCTAssertEqual(data.serverTime, PostgresTimestamp(microsecondsSince2000: 777))
        XCTAssertEqual(data.payload, payload)
        var decoder = PgOutputDecoder(protocolVersion: 1)
        XCTAssertEqual(try decoder.decode(data.payload).id, .begin)
    }

    func testXLogDataWithEmptyPayload() throws {
        let wire = Wire().tag("w").u64(1).u64(2).i64(3)
        XCTAssertEqual(try ReplicationMessage.decode(wire.bytes), .xLogData(XLogData(
            walStart: LSN(1), walEnd: LSN(2), serverTime: PostgresTimestamp(microsecondsSince2000: 3), payload: []
        )))
    }

    func testPrimaryKeepalive() throws {
        let wire = Wire().tag("k").u64(0xFFFF_FFFF_FFFF_FFFF).i64(-42)
        XCTAssertEqual(try ReplicationMessage.decode(wire.u8(1).bytes), .primaryKeepalive(PrimaryKeepalive(
            walEnd: LSN(.max), serverTime: PostgresTimestamp(microsecondsSince2000: -42), replyRequested: true
        )))
        guard case let .primaryKeepalive(quiet) = try ReplicationMessage.decode(wire.u8(0).bytes) else { return XCTFail() }
        XCTAssertFalse(quiet.replyRequested)
    }

    func testMalformedWrapperMessages() {
        let keepalive = Wire().tag("k").u64(1).i64(2).u8(0)
        for length in 0..<keepalive.bytes.count {
            XCTAssertThrowsError(try ReplicationMessage.decode(Array(keepalive.bytes.prefix(length)))) { error in
                let reason = (error as? PgOutputDecodingError)?.reason
                XCTAssertEqual(reason, length == 0 ? .emptyMessage : .truncated(expected: length == 17 ? 1 : 8,
                                                                                  available: (length - 1) % 8))
            }
        }
        let xLogData = Wire().tag("w").u64(1).u64(2).i64(3)
        for length in 0..<xLogData.bytes.count {
            XCTAssertThrowsError(try ReplicationMessage.decode(Array(xLogData.bytes.prefix(length))))
        }
        XCTAssertThrowsError(try ReplicationMessage.decode(keepalive.u8(0).bytes)) { error in
            XCTAssertEqual((error as? PgOutputDecodingError)?.reason, .trailingBytes(count: 1))
        }
        XCTAssertThrowsError(try ReplicationMessage.decode(Wire().tag("r").u64(1).bytes)) { error in
            XCTAssertEqual((error as? PgOutputDecodingError)?.reason, .unknownTag)
            XCTAssertEqual((error as? PgOutputDecodingError)?.tag, UInt8(ascii: "r"))
        }
    }

    func testStandbyStatusUpdateEncodesExactBytes() {
        let update = StandbyStatusUpdate(
            writeLSN: LSN(0x0102_0304_0506_0708),
            flushLSN: LSN(0x1112_1314_1516_1718),
            applyLSN: LSN(0x2122_2324_2526_2728),
            clientTime: PostgresTimestamp(microsecondsSince2000: -2),
            replyRequested: true
        )
        XCTAssertEqual(update.encoded(), [
            0x72,
            0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
            0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
            0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,
            0x01,
        ])
        XCTAssertEqual(update.encoded().count, StandbyStatusUpdate.encodedSize)
    }

    func testStandbyStatusUpdateDefaultsToNoReply() {
        let update = StandbyStatusUpdate(writeLSN: LSN(1), flushLSN: LSN(1), applyLSN: .zero,
                                         clientTime: PostgresTimestamp(unixMicroseconds: 946_684_800_000_256))
        let expected = Wire().tag("r").u64(1).u64(1).u64(0).i64(256).u8(0).bytes
        XCTAssertEqual(update.encoded(), expected)
    }
}
