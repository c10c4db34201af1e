import XCTest
@testable import CDCCore

/// Malformed input must always end in a `PgOutputDecodingError`, never a crash or over-read.
final class PgOutputMalformedTests: XCTestCase {
    /// Valid messages whose every strict prefix must be rejected.
    private let fixtures: [(name: String, wire: Wire, version: Int, inStream: Bool)] = [
        ("begin", Wire().tag("B").u64(1).i64(2).u32(3), 1, false),
        ("commit", Wire().tag("C").u8(0).u64(1).u64(2).i64(3), 1, false),
        ("origin", Wire().tag("O").u64(1).cstring("origin"), 1, false),
        ("relation", Wire().tag("R").u32(1).cstring("public").cstring("t").u8(0x64).i16(2)
            .u8(1).cstring("id").u32(23).i32(-1).u8(0).cstring("v").u32(25).i32(-1), 1, false),
        ("type", Wire().tag("Y").u32(1).cstring("public").cstring("mood"), 1, false),
        ("insert", Wire().tag("I").u32(1).tag("N").i16(4).text("abc").tag("n").tag("u").tag("b").i32(2).raw([1, 2]), 1, false),
        ("update", Wire().tag("U").u32(1).tag("K").i16(1).text("1").tag("N").i16(2).text("2").tag("u"), 1, false),
        ("delete", Wire().tag("D").u32(1).tag("O").i16(2).text("1").tag("n"), 1, false),
        ("truncate", Wire().tag("T").i32(2).u8(1).u32(5).u32(6), 1, false),
        ("message", Wire().tag("M").u8(1).u64(9).cstring("pfx").i32(3).raw([1, 2, 3]), 1, false),
        ("streamed insert", Wire().tag("I").u32(700).u32(1).tag("N").i16(1).text("x"), 2, true),
        ("stream start", Wire().tag("S").u32(700).u8(1), 2, false),
        ("stream commit", Wire().tag("c").u32(700).u8(0).u64(1).u64(2).i64(3), 2, false),
        ("stream abort v2", Wire().tag("A").u32(700).u32(701), 2, false),
        ("begin prepare", Wire().tag("b").u64(1).u64(2).i64(3).u32(4).cstring("g"), 3, false),
        ("prepare", Wire().tag("P").u8(0).u64(1).u64(2).i64(3).u32(4).cstring("g"), 3, false),
        ("commit prepared", Wire().tag("K").u8(0).u64(1).u64(2).i64(3).u32(4).cstring("g"), 3, false),
        ("rollback prepared", Wire().tag("r").u8(0).u64(1).u64(2).i64(3).i64(4).u32(5).cstring("g"), 3, false),
        ("stream prepare", Wire().tag("p").u8(0).u64(1).u64(2).i64(3).u32(4).cstring("g"), 3, false),
    ]

    func testFixturesAreValid() throws {
        for fixture in fixtures {
            XCTAssertNoThrow(try decode(fixture.wire, version: fixture.version, inStream: fixture.inStream), fixture.name)
        }
    }

    func testEveryPrefixIsRejectedAsTruncated() {
        for fixture in fixtures {
            for length in 0..<fixture.wire.bytes.count {
                let error = assertDecodeFails(Array(fixture.wire.bytes.prefix(length)),
                                              version: fixture.version, inStream: fixture.inStream)
                switch error?.reason {
                case .emptyMessage?: XCTAssertEqual(length, 0, fixture.name)
                case .truncated?, .missingTerminator?: XCTAssertEqual(error?.tag, fixture.wire.bytes[0], fixture.name)
                default: XCTFail("\(fixture.name) prefix \(length): \(String(describing: error))")
                }
            }
        }
    }

    func testTrailingBytesAreRejected() {
        for fixture in fixtures {
            let error = assertDecodeFails(fixture.wire.u8(0).bytes, version: fixture.version, inStream: fixture.inStream)
            XCTAssertEqual(error?.reason, .trailingBytes(count: 1), fixture.name)
            XCTAssertEqual(error?.offset, fixture.wire.bytes.count, fixture.name)
        }
        XCTAssertEqual(assertDecodeFails(Wire().tag("E").u8(0).bytes, version: 2)?.reason, .trailingBytes(count: 1))
    }

    func testEmptyAndUnknownTag() {
        let empty = assertDecodeFails([])
        XCTAssertEqual(empty?.reason, .emptyMessage)
        XCTAssertNil(empty?.tag)
        for tag: UInt8 in [0, UInt8(ascii: "Z"), UInt8(ascii: "w"), UInt8(ascii: "k"), 0xFF] {
            let error = assertDecodeFails([tag, 1, 2, 3])
            XCTAssertEqual(error?.reason, .unknownTag)
            XCTAssertEqual(error?.tag, tag)
            XCTAssertEqual(error?.offset, 0)
        }
    }

    func testNegativeLengthsAndCounts() {
        let textLength = assertDecodeFails(Wire().tag("I").u32(1).tag("N").i16(1).tag("t").i32(-1).bytes)
        XCTAssertEqual(textLength?.reason, .negativeLength(-1))
        XCTAssertEqual(textLength?.offset, 9)
        XCTAssertEqual(textLength?.field, "text column value")
        let binaryLength = assertDecodeFails(Wire().tag("I").u32(1).tag("N").i16(1).tag("b").i32(.min).bytes)
        XCTAssertEqual(binaryLength?.reason, .negativeLength(Int(Int32.min)))
        let columns = assertDecodeFails(Wire().tag("I").u32(1).tag("N").i16(-3).bytes)
        XCTAssertEqual(columns?.reason, .negativeLength(-3))
        let relationColumns = assertDecodeFails(Wire().tag("R").u32(1).cstring("").cstring("t").u8(0x64).i16(-1).bytes)
        XCTAssertEqual(relationColumns?.reason, .negativeLength(-1))
        let truncate = assertDecodeFails(Wire().tag("T").i32(-2).u8(0).bytes)
        XCTAssertEqual(truncate?.reason, .negativeLength(-2))
        XCTAssertEqual(truncate?.offset, 1)
        let content = assertDecodeFails(Wire().tag("M").u8(0).u64(1).cstring("p").i32(-100).bytes)
        XCTAssertEqual(content?.reason, .negativeLength(-100))
    }

    func testOversizedLengthsAndCountsFailBeforeAllocating() {
        let text = assertDecodeFails(Wire().tag("I").u32(1).tag("N").i16(1).tag("t").i32(.max).raw([1, 2]).bytes)
        XCTAssertEqual(text?.reason, .truncated(expected: Int(Int32.max), available: 2))
        let columns = assertDecodeFails(Wire().tag("I").u32(1).tag("N").i16(.max).tag("n").bytes)
        XCTAssertEqual(columns?.reason, .truncated(expected: Int(Int16.max), available: 1))
        let truncate = assertDecodeFails(Wire().tag("T").i32(.max).u8(0).u32(1).bytes)
        XCTAssertEqual(truncate?.reason, .truncated(expected: Int(Int32.max) * 4, available: 4))
        let relation = assertDecodeFails(Wire().tag("R").u32(1).cstring("").cstring("t").u8(0x64).i16(2)
            .u8(0).cstring("a").u32(1).i32(1).bytes)
        XCTAssertEqual(relation?.reason, .truncated(expected: 20, available: 11))
        let content = assertDecodeFails(Wire().tag("M").u8(0).u64(1).cstring("p").i32(5).raw([1]).bytes)
        XCTAssertEqual(content?.reason, .truncated(expected: 5, available: 1))
    }

    func testMissingTerminatorAndInvalidUTF8() {
        let origin = assertDecodeFails(Wire().tag("O").u64(1).raw(Array("no-nul".utf8)).bytes)
        XCTAssertEqual(origin?.reason, .missingTerminator(available: 6))
        XCTAssertEqual(origin?.field, "origin name")
        let relation = assertDecodeFails(Wire().tag("R").u32(1).cstring("public").raw([0x74, 0xC3, 0x28, 0]).u8(0x64).i16(0).bytes)
        XCTAssertEqual(relation?.reason, .invalidUTF8)
        XCTAssertEqual(relation?.field, "relation name")
        XCTAssertEqual(relation?.offset, 12)
        let overlong = assertDecodeFails(Wire().tag("Y").u32(1).raw([0xC0, 0xAF, 0]).cstring("t").bytes)
        XCTAssertEqual(overlong?.reason, .invalidUTF8)
        let prefix = assertDecodeFails(Wire().tag("M").u8(0).u64(1).raw([0xFF, 0]).i32(0).bytes)
        XCTAssertEqual(prefix?.reason, .invalidUTF8)
    }

    func testInvalidMarkers() {
        let kind = assertDecodeFails(Wire().tag("I").u32(1).tag("N").i16(2).tag("n").tag("x").bytes)
        XCTAssertEqual(kind?.reason, .unexpectedByte(UInt8(ascii: "x")))
        XCTAssertEqual(kind?.offset, 9)
        XCTAssertEqual(kind?.field, "tuple column kind")
        let insert = assertDecodeFails(Wire().tag("I").u32(1).tag("K").i16(0).bytes)
        XCTAssertEqual(insert?.reason, .unexpectedByte(UInt8(ascii: "K")))
        let update = assertDecodeFails(Wire().tag("U").u32(1).tag("K").i16(0).tag("K").i16(0).bytes)
        XCTAssertEqual(update?.reason, .unexpectedByte(UInt8(ascii: "K")))
        XCTAssertEqual(update?.field, "new tuple marker")
        let delete = assertDecodeFails(Wire().tag("D").u32(1).tag("N").i16(0).bytes)
        XCTAssertEqual(delete?.reason, .unexpectedByte(UInt8(ascii: "N")))
    }

    func testErrorDescriptionNamesTagFieldAndSizes() {
        let error = assertDecodeFails(Wire().tag("B").u64(1).u32(0).bytes)
        XCTAssertEqual(error?.description,
                       "malformed replication message 'B', field \"commit timestamp\" at byte 9: needs 8 bytes, 4 available")
        XCTAssertEqual(assertDecodeFails([0x01])?.description,
                       "malformed replication message 0x1, field \"message tag\" at byte 0: unknown message tag")
    }

    /// Deterministic pseudo-random garbage, including mutated valid messages: only errors or
    /// successful decodes are acceptable outcomes.
    func testRandomAndMutatedInputNeverCrashes() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        for round in 0..<4000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int(next() % 40)).map { _ in UInt8(truncatingIfNeeded: next()) }
            } else {
                bytes = fixtures[Int(next() % UInt64(fixtures.count))].wire.bytes
                for _ in 0..<(1 + Int(next() % 3)) {
                    bytes[Int(next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: next())
                }
            }
            for version in [1, 4] {
                var decoder = PgOutputDecoder(protocolVersion: version)
                _ = try? decoder.decode(bytes)
            }
            _ = try? ReplicationMessage.decode(bytes)
        }
    }
}
