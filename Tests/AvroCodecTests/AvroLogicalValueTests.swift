import XCTest
@testable import AvroCodec

final class AvroLogicalValueTests: XCTestCase {
    func testDecimalTwosComplementBigEndian() throws {
        let cases: [(String, Int, String)] = [ // text, scale, minimal two's complement
            ("0", 2, "00"), ("1.00", 2, "64"), ("1.27", 2, "7f"), ("1.28", 2, "0080"), ("-1.28", 2, "80"),
            ("-1.29", 2, "ff7f"), ("-0.01", 2, "ff"), ("255", 0, "00ff"), ("-256", 0, "ff00"),
            ("-1234.50", 2, "fe1dc6"), // fastavro's bytes for Decimal("-1234.50")
            ("12300", -2, "7b"), ("-12300", -2, "85"), // negative scale: unscaled ±123
            ("99999999999999999999999999999999999999", 0, "4b3b4ca85a86c47a098a223fffffffff"), // 38 nines
        ]
        for (text, scale, expected) in cases {
            let bytes = try AvroDecimal.unscaledBytes(text, scale: scale)
            XCTAssertEqual(hex(bytes), expected, "\(text) scale \(scale)")
            let back = AvroDecimal.string(unscaled: bytes, scale: scale)
            XCTAssertEqual(back, text == "0" ? "0.00" : text, "\(text) scale \(scale)")
        }
        XCTAssertEqual(AvroDecimal.string(unscaled: [], scale: 0), "0")
        XCTAssertEqual(try AvroDecimal.unscaledBytes("1.50", scale: 1), [15], "trailing zeros beyond the scale are fine")
        XCTAssertThrowsError(try AvroDecimal.unscaledBytes("1.55", scale: 1))
        XCTAssertThrowsError(try AvroDecimal.unscaledBytes("12345", scale: -2))
        XCTAssertThrowsError(try AvroDecimal.unscaledBytes("1e5", scale: 0))
        XCTAssertThrowsError(try AvroDecimal.unscaledBytes("", scale: 0))
        XCTAssertEqual(hex(try AvroDecimal.unscaledBytes("-1", scale: 0, fixedSize: 4)), "ffffffff")
        XCTAssertEqual(hex(try AvroDecimal.unscaledBytes("1", scale: 0, fixedSize: 4)), "00000001")
        XCTAssertThrowsError(try AvroDecimal.unscaledBytes("65536", scale: 0, fixedSize: 2))
    }

    func testLargePrecisionDecimalsRoundTrip() throws {
        var random = TestRandom(state: 7)
        for digits in [1, 9, 10, 18, 19, 38, 39, 76, 131, 1000] {
            for negative in [false, true] {
                var text = String((0..<digits).map { _ in Character(String(random.next() % 10)) })
                text = String(text.drop { $0 == "0" })
                if text.isEmpty { text = "7" }
                let scale = min(digits / 2, 30)
                if scale > 0 && text.count > scale { text.insert(".", at: text.index(text.endIndex, offsetBy: -scale)) }
                if scale > 0 && !text.contains(".") { text = "0." + String(repeating: "0", count: scale - text.count) + text }
                if negative { text = "-" + text }
                let bytes = try AvroDecimal.unscaledBytes(text, scale: scale)
                XCTAssertEqual(AvroDecimal.string(unscaled: bytes, scale: scale), text)
                let schema = try AvroCompiledSchema(json: #"{"type":"bytes","logicalType":"decimal","precision":\#(max(digits, scale)),"scale":\#(scale)}"#)
                XCTAssertEqual(try AvroJSON.render(.bytes(bytes), as: schema), "\"\(text)\"")
            }
        }
    }

    func testDatesAndTimes() {
        XCTAssertEqual(AvroTemporal.days(year: 1970, month: 1, day: 1), 0)
        XCTAssertEqual(AvroTemporal.days(year: 2023, month: 12, day: 1), 19692) // Python's date arithmetic
        XCTAssertEqual(AvroTemporal.days(year: 1969, month: 12, day: 31), -1)
        XCTAssertEqual(AvroTemporal.dateString(days: 11016), "2000-02-29")
        XCTAssertEqual(AvroTemporal.dateString(days: -719_528), "0000-01-01")
        for days in stride(from: -800_000, through: 3_000_000, by: 997) {
            let (y, m, d) = AvroTemporal.civil(days: days)
            XCTAssertEqual(AvroTemporal.days(year: y, month: m, day: d), days)
        }
        XCTAssertEqual(AvroTemporal.timeString(45_296_000_001, fractionDigits: 6), "12:34:56.000001")
        XCTAssertEqual(AvroTemporal.timestampString(1_700_000_000_123_456, fractionDigits: 6), "2023-11-14T22:13:20.123456Z")
        XCTAssertEqual(AvroTemporal.timestampString(-1, fractionDigits: 6), "1969-12-31T23:59:59.999999Z")
        XCTAssertEqual(AvroTemporal.timestampString(1_500, fractionDigits: 3, utc: false), "1970-01-01T00:00:01.500")
    }

    func testPlainJSONOfTheChangeEvent() throws {
        let schema = try AvroCompiledSchema(json: Fixtures.ordersSchemaJSON)
        XCTAssertEqual(try AvroJSON.render(Fixtures.order(), as: schema, style: .plain),
                       #"{"id":42,"customer_id":7,"status":"PAID","amount":"-1234.50","note":"héllo ✓","created_at":"2023-11-14T22:13:20.123456Z","ship_date":"2023-12-09","order_uuid":"123e4567-e89b-12d3-a456-426614174000","tags":["a","bb"],"attrs":{"x":1.5,"y":null}}"#)
        XCTAssertEqual(try AvroJSON.render(Fixtures.order(note: nil), as: schema, style: .avro),
                       #"{"id":42,"customer_id":{"int":7},"status":"PAID","amount":{"bytes":"þ\u001dÆ"},"note":null,"created_at":1700000000123456,"ship_date":{"int":19700},"order_uuid":"123e4567-e89b-12d3-a456-426614174000","tags":["a","bb"],"attrs":{"x":{"double":1.5},"y":null}}"#)
    }

    func testPlainJSONOfOtherShapes() throws {
        func plain(_ value: AvroValue, _ json: String) throws -> String { try AvroJSON.render(value, as: AvroCompiledSchema(json: json)) }
        XCTAssertEqual(try plain(.bytes([0, 1, 0xFF]), #""bytes""#), #""AAH/""#)
        XCTAssertEqual(try plain(.fixed(Array(0..<16)), #"{"type":"fixed","name":"U","size":16,"logicalType":"uuid"}"#), #""00010203-0405-0607-0809-0a0b0c0d0e0f""#)
        XCTAssertEqual(try plain(.double(.nan), #""double""#), #""NaN""#)
        XCTAssertEqual(try plain(.float(-.infinity), #""float""#), #""-Infinity""#)
        XCTAssertEqual(try plain(.string("a\"b\\c\n"), #""string""#), #""a\"b\\c\n""#)
        XCTAssertEqual(try plain(.int(3_723_004), #"{"type":"int","logicalType":"time-millis"}"#), #""01:02:03.004""#)
        XCTAssertThrowsError(try plain(.int(1), #""string""#)) { XCTAssertTrue($0 is AvroEncodingError) }
    }

    func testDefaultValuesConvert() throws {
        let schema = try AvroSchema(json: #"{"type":"record","name":"R","fields":[{"name":"b","type":"bytes","default":"\u00ff\u0000"},{"name":"r","type":{"type":"record","name":"In","fields":[{"name":"x","type":"int","default":3},{"name":"y","type":"double"}]},"default":{"y":2}},{"name":"m","type":{"type":"map","values":"long"},"default":{"k":1}},{"name":"u","type":["null","string"],"default":null}]}"#)
        let compiled = try AvroCompiledSchema(schema)
        XCTAssertEqual(compiled.nodes[compiled.root].fieldDefaults, [
            .bytes([0xFF, 0]), .record([.int(3), .double(2)]), .map([("k", .long(1))]), .union(branch: 0, .null),
        ])
    }
}
