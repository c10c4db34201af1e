@testable import CDCCore
import XCTest

/// `PostgresTextInput`: cdcctl's JSON values (docs/types.md) back to PostgreSQL text input,
/// one case per row of the type table, and the BC, infinity and negative edges.
final class PostgresTextInputTests: XCTestCase {
    private func text(_ json: String, _ kind: ValueKind) throws -> String? {
        try PostgresTextInput.text(try ApplyJSON.parse(json), kind: kind)
    }

    func testEveryDocumentedType() throws {
        XCTAssertEqual(try text("true", .boolean), "t")
        XCTAssertEqual(try text("-9223372036854775808", .integer), "-9223372036854775808")
        XCTAssertEqual(try text("1.5e-07", .float), "1.5e-07")
        XCTAssertEqual(try text(#""NaN""#, .float), "NaN")
        XCTAssertEqual(try text(#""-12.50""#, .numeric), "-12.50")
        XCTAssertEqual(try text(#""AP8Q""#, .bytea), "\\x00ff10")
        XCTAssertEqual(try text("20781", .date), "2026-11-24")
        XCTAssertEqual(try text("2147483647", .date), "infinity")
        XCTAssertEqual(try text("36930123", .time(precision: 3)), "10:15:30.123000")
        XCTAssertEqual(try text("36930123456", .time(precision: 6)), "10:15:30.123456")
        XCTAssertEqual(try text(#""08:15:30Z""#, .timetz), "08:15:30+00")
        XCTAssertEqual(try text("1795515330123", .timestamp(precision: 3)), "2026-11-24 10:15:30.123000")
        XCTAssertEqual(try text("-500000", .timestamp(precision: 6)), "1969-12-31 23:59:59.500000")
        XCTAssertEqual(try text("-9223372036854775808", .timestamp(precision: 6)), "-infinity")
        XCTAssertEqual(try text(#""2026-11-24T10:15:30.500000Z""#, .timestamptz), "2026-11-24T10:15:30.500000Z")
        XCTAssertEqual(try text(#""-0043-03-15T10:00:00.000000Z""#, .timestamptz), "0044-03-15T10:00:00.000000+00 BC")
        XCTAssertEqual(try text("37091106500000", .interval), "14 mons 3 days 04:05:06.500000")
        XCTAssertEqual(try text("-90000000", .interval), "0 mons 0 days -00:01:30.000000")
        XCTAssertEqual(try text(#""{\"a\": [1, 2]}""#, .json), #"{"a": [1, 2]}"#)
        XCTAssertEqual(try text(#"{"a":[1,2]}"#, .json), #"{"a":[1,2]}"#)
        XCTAssertEqual(try text("true", .bit1), "1")
        XCTAssertEqual(try text(#""wwI=""#, .bits(length: 10)), "1011000011")
        XCTAssertEqual(try text(#"{"x":1.5,"y":-2,"wkb":"AQ==","srid":null}"#, .point), "(1.5,-2)")
        XCTAssertEqual(try text(#"[[1,null],[3,4]]"#, .array(.integer)), #"{{"1",NULL},{"3","4"}}"#)
        XCTAssertEqual(try text(#"["a \"b\"",null,""]"#, .array(.text)), #"{"a \"b\"",NULL,""}"#)
        XCTAssertEqual(try text(#"[20781]"#, .array(.date)), #"{"2026-11-24"}"#)
        XCTAssertEqual(try text(#"{"scale":20,"value":"AQ=="}"#, .numeric), "0.00000000000000000001")
        XCTAssertEqual(try text(#"{"scale":2,"value":"/w=="}"#, .numeric), "-0.01")
        XCTAssertNil(try text("null", .integer))
    }

    func testBCDatesAndTimestamps() {
        XCTAssertEqual(CivilTime.date(days: -719_528), "0001-01-01 BC")   // year 0 = 1 BC
        XCTAssertEqual(CivilTime.timestamp(micros: -62_167_219_200_000_000 - 1), "0002-12-31 23:59:59.999999 BC")   // 1 µs before 1 BC began
    }

    func testUnavailablePlaceholder() throws {
        XCTAssertTrue(PostgresTextInput.isUnavailable(.string("__debezium_unavailable_value")))
        XCTAssertTrue(PostgresTextInput.isUnavailable(.string(PostgresTextInput.unavailableBase64)))
        XCTAssertEqual(Base64Decoding.decode(PostgresTextInput.unavailableBase64).map { String(decoding: $0, as: UTF8.self) }, "__debezium_unavailable_value")
    }

    func testMismatchNamesTheValue() {
        XCTAssertThrowsError(try text(#"{"a":1}"#, .integer)) { XCTAssertTrue("\($0)".contains(#"got {"a":1}"#), "\($0)") }
    }
}
