import XCTest
@testable import AvroCodec

final class AvroBinaryCodecTests: XCTestCase {
    func roundTrip(_ value: AvroValue, _ json: String, file: StaticString = #filePath, line: UInt = #line) throws -> [UInt8] {
        let schema = try AvroCompiledSchema(json: json)
        let encoded = try AvroBinaryWriter.encode(value, as: schema)
        XCTAssertEqual(try AvroBinaryReader.decode(encoded, as: schema), value, json, file: file, line: line)
        return encoded
    }

    func testZigZagVarintExactBytes() throws {
        let cases: [(Int64, String)] = [
            (0, "00"), (-1, "01"), (1, "02"), (63, "7e"), (-64, "7f"), (64, "8001"), (-65, "8101"),
            (Int64(Int32.max), "feffffff0f"), (Int64(Int32.min), "ffffffff0f"),
            (Int64.max, "feffffffffffffffff01"), (Int64.min, "ffffffffffffffffff01"),
        ]
        for (value, expected) in cases {
            var writer = AvroBinaryWriter()
            writer.writeLong(value)
            XCTAssertEqual(hex(writer.bytes), expected, "\(value)")
            var reader = AvroBinaryReader(writer.bytes)
            XCTAssertEqual(try reader.readLong(), value)
            XCTAssertEqual(reader.remaining, 0)
            if let int = Int32(exactly: value) {
                XCTAssertEqual(try roundTrip(.int(int), #""int""#), writer.bytes)
            }
            XCTAssertEqual(try roundTrip(.long(value), #""long""#), writer.bytes)
        }
    }

    func testPrimitiveEncodings() throws {
        XCTAssertEqual(try roundTrip(.null, #""null""#), [])
        XCTAssertEqual(try roundTrip(.boolean(true), #""boolean""#), [1])
        XCTAssertEqual(try roundTrip(.boolean(false), #""boolean""#), [0])
        XCTAssertEqual(hex(try roundTrip(.float(1.5), #""float""#)), "0000c03f")
        XCTAssertEqual(hex(try roundTrip(.double(-2.0), #""double""#)), "00000000000000c0")
        _ = try roundTrip(.double(.nan), #""double""#)
        _ = try roundTrip(.float(-.infinity), #""float""#)
        _ = try roundTrip(.double(-0.0), #""double""#)
        XCTAssertEqual(hex(try roundTrip(.bytes([0xDE, 0xAD]), #""bytes""#)), "04dead")
        XCTAssertEqual(hex(try roundTrip(.fixed([1, 2, 3]), #"{"type":"fixed","name":"F","size":3}"#)), "010203")
        XCTAssertEqual(hex(try roundTrip(.enumSymbol(index: 1, name: "B"), #"{"type":"enum","name":"E","symbols":["A","B"]}"#)), "02")
    }

    func testStrings() throws {
        XCTAssertEqual(try roundTrip(.string(""), #""string""#), [0])
        XCTAssertEqual(hex(try roundTrip(.string("foo"), #""string""#)), "06666f6f")
        let unicode = "Ünïcødé ✓ 𝄞 日本語 \u{0}"
        let encoded = try roundTrip(.string(unicode), #""string""#)
        XCTAssertEqual(Array(encoded.dropFirst()), Array(unicode.utf8))
        // Non-contiguous (bridged/substring-derived) strings take the same path.
        _ = try roundTrip(.string(String(String(repeating: "ab", count: 100).dropFirst())), #""string""#)
    }

    func testLogicalTypesRoundTrip() throws {
        let decimal = #"{"type":"bytes","logicalType":"decimal","precision":40,"scale":4}"#
        let value = try AvroDecimal.unscaledBytes("-123456789012345678901234567890.1234", scale: 4)
        _ = try roundTrip(.bytes(value), decimal)
        _ = try roundTrip(.fixed(try AvroDecimal.unscaledBytes("-1.5", scale: 3, fixedSize: 8)),
                          #"{"type":"fixed","name":"Money","size":8,"logicalType":"decimal","precision":18,"scale":3}"#)
        _ = try roundTrip(.int(Int32(AvroTemporal.days(year: 2024, month: 2, day: 29))), #"{"type":"int","logicalType":"date"}"#)
        _ = try roundTrip(.long(86_399_999_999), #"{"type":"long","logicalType":"time-micros"}"#)
        _ = try roundTrip(.long(-1), #"{"type":"long","logicalType":"timestamp-micros"}"#)
        _ = try roundTrip(.string("123e4567-e89b-12d3-a456-426614174000"), #"{"type":"string","logicalType":"uuid"}"#)
    }

    func testNestedNullableUnions() throws {
        let json = #"{"type":"record","name":"R","fields":[{"name":"o","type":["null",{"type":"record","name":"In","fields":[{"name":"v","type":["null","long","string"]},{"name":"w","type":["null",{"type":"array","items":["null","In"]}]}]}]}]}"#
        let inner: AvroValue = .record([.union(branch: 2, .string("s")), .union(branch: 0, .null)])
        let value: AvroValue = .record([.union(branch: 1, .record([
            .union(branch: 1, .long(-5)),
            .union(branch: 1, .array([.union(branch: 1, inner), .union(branch: 0, .null)])),
        ]))])
        XCTAssertEqual(hex(try roundTrip(value, json)), "020209020402040273000000")
        XCTAssertEqual(hex(try roundTrip(.record([.union(branch: 0, .null)]), json)), "00")
    }

    func testMapsAndArraysOfRecords() throws {
        for (json, value) in Fixtures.typeCorpus { _ = try roundTrip(value, json) }
        let json = #"{"type":"map","values":{"type":"array","items":{"type":"record","name":"P","fields":[{"name":"x","type":"int"}]}}}"#
        XCTAssertEqual(hex(try roundTrip(.map([("a", .array([.record([.int(1)]), .record([.int(2)])]))]), json)), "0202610402040000")
    }

    func testMatchesFastavroForTheChangeEventRecord() throws {
        let schema = try AvroCompiledSchema(json: Fixtures.ordersSchemaJSON)
        let encoded = try AvroBinaryWriter.encode(Fixtures.order(), as: schema)
        XCTAssertEqual(hex(encoded), Fixtures.ordersFastavroHex)
        XCTAssertEqual(try AvroBinaryReader.decode(encoded, as: schema), Fixtures.order())
    }

    func testWriterBufferIsReusable() throws {
        let schema = try AvroCompiledSchema(json: Fixtures.ordersSchemaJSON)
        var writer = AvroBinaryWriter(capacity: 1024)
        try writer.encode(Fixtures.order(id: 1), as: schema)
        let first = writer.bytes
        writer.reset()
        try writer.encode(Fixtures.order(id: 1), as: schema)
        XCTAssertEqual(writer.bytes, first)
        XCTAssertGreaterThanOrEqual(writer.bytes.capacity, 1024)
    }

    func testShapeMismatchesNameTheFieldPath() throws {
        let schema = try AvroCompiledSchema(json: Fixtures.ordersSchemaJSON)
        func failure(_ change: (inout [AvroValue]) -> Void) -> AvroEncodingError? {
            guard case .record(var fields) = Fixtures.order() else { return nil }
            change(&fields)
            var writer = AvroBinaryWriter()
            do {
                try writer.encode(.record(fields), as: schema)
                return nil
            } catch {
                XCTAssertTrue(writer.bytes.isEmpty, "a failed encode leaves nothing behind")
                return error as? AvroEncodingError
            }
        }
        XCTAssertEqual(failure { $0[0] = .int(1) }?.path, "Value.id")
        XCTAssertEqual(failure { $0[1] = .int(1) }?.path, "Value.customer_id")
        XCTAssertEqual(failure { $0[1] = .union(branch: 2, .int(1)) }?.path, "Value.customer_id")
        XCTAssertEqual(failure { $0[2] = .enumSymbol(index: 1, name: "NEW") }?.path, "Value.status")
        XCTAssertEqual(failure { $0[8] = .array([.string("a"), .long(1)]) }?.path, "Value.tags[1]")
        XCTAssertEqual(failure { $0[9] = .map([("k", .double(1))]) }?.path, #"Value.attrs{"k"}"#)
        XCTAssertEqual(failure { $0.removeLast() }?.path, "Value")
        XCTAssertThrowsError(try AvroBinaryWriter.encode(.fixed([1]), as: AvroCompiledSchema(json: #"{"type":"fixed","name":"F","size":2}"#)))
    }
}
