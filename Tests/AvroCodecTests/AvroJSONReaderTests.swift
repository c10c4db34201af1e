import XCTest
@testable import AvroCodec

/// `AvroJSONReader`: the inverse of `AvroJSON.render` in both styles, and its errors.
final class AvroJSONReaderTests: XCTestCase {
    let schemaJSON = """
        {"type": "record", "name": "R", "fields": [
          {"name": "i", "type": "int"},
          {"name": "f", "type": "float"},
          {"name": "d", "type": "double"},
          {"name": "b", "type": "bytes"},
          {"name": "fx", "type": {"type": "fixed", "name": "F3", "size": 3}},
          {"name": "dec", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
          {"name": "decf", "type": {"type": "fixed", "name": "M", "size": 4, "logicalType": "decimal", "precision": 9, "scale": 3}},
          {"name": "day", "type": {"type": "int", "logicalType": "date"}},
          {"name": "tms", "type": {"type": "int", "logicalType": "time-millis"}},
          {"name": "tus", "type": {"type": "long", "logicalType": "time-micros"}},
          {"name": "tsms", "type": {"type": "long", "logicalType": "timestamp-millis"}},
          {"name": "tsus", "type": {"type": "long", "logicalType": "timestamp-micros"}},
          {"name": "ltsms", "type": {"type": "long", "logicalType": "local-timestamp-millis"}},
          {"name": "ltsus", "type": {"type": "long", "logicalType": "local-timestamp-micros"}},
          {"name": "uuid", "type": {"type": "fixed", "name": "U", "size": 16, "logicalType": "uuid"}},
          {"name": "u", "type": ["null", "int", "string", {"type": "array", "items": "R"}]},
          {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B"]}},
          {"name": "m", "type": {"type": "map", "values": "long"}},
          {"name": "opt", "type": ["null", "string"], "default": null}
        ]}
        """

    func schema() throws -> AvroCompiledSchema { try AvroCompiledSchema(json: schemaJSON) }

    func sample(_ f: Float, _ d: Double, child: Bool = true) -> AvroValue {
        .record([
            .int(-5), .float(f), .double(d), .bytes([0, 255, 10]), .fixed([1, 2, 3]),
            .bytes([0xFF]), .fixed([0xFF, 0xFF, 0xFF, 0xFF]),
            .int(-1), .int(86_399_999), .long(1), .long(-1), .long(-1_000_001), .long(1_700_000_000_123), .long(5),
            .fixed(Array(0..<16)),
            child ? .union(branch: 3, .array([sample(1, 2, child: false)])) : .union(branch: 2, .string("s")),
            .enumSymbol(index: 1, name: "B"), .map([("a", .long(1)), ("b", .long(-2))]), .union(branch: 0, .null),
        ])
    }

    func testBothStylesReadBackWhatRenderWrites() throws {
        let schema = try schema()
        for (f, d) in [(Float(0.1), 0.1), (-0.0, -0.0), (.nan, .nan), (.infinity, -.infinity), (.greatestFiniteMagnitude, .leastNonzeroMagnitude)] {
            let value = sample(f, d)
            for style in [AvroJSON.Style.plain, .avro] {
                let text = try AvroJSON.render(value, as: schema, style: style)
                let back = try AvroJSONReader.value(from: AvroJSONValue(parsing: text), as: schema, style: style)
                XCTAssertEqual(back, value, "\(style): \(text)")
            }
        }
    }

    func testNaturalFormLooksLikeConsumeOutput() throws {
        let text = try AvroJSON.render(sample(1.5, 2.5), as: schema(), style: .plain)
        for piece in ["\"dec\":\"-0.01\"", "\"decf\":\"-0.001\"", "\"day\":\"1969-12-31\"", "\"tms\":\"23:59:59.999\"",
                      "\"tsus\":\"1969-12-31T23:59:58.999999Z\"", "\"ltsms\":\"2023-11-14T22:13:20.123\"",
                      "\"uuid\":\"00010203-0405-0607-0809-0a0b0c0d0e0f\"", "\"b\":\"AP8K\""] {
            XCTAssertTrue(text.contains(piece), "\(piece) in \(text)")
        }
    }

    func read(_ json: String, _ style: AvroJSON.Style, schema: String) throws -> AvroValue {
        try AvroJSONReader.value(from: AvroJSONValue(parsing: json), as: AvroCompiledSchema(json: schema), style: style)
    }

    func error(_ json: String, _ style: AvroJSON.Style, schema: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            let value = try read(json, style, schema: schema)
            XCTFail("accepted \(json) as \(value)", file: file, line: line)
            return ""
        } catch {
            return "\(error)"
        }
    }

    let decimalSchema = #"{"type":"record","name":"D","fields":[{"name":"d","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}}]}"#

    func testTheIssuesDecimal() throws {
        XCTAssertEqual(try read(#"{"d":"-0.01"}"#, .plain, schema: decimalSchema), .record([.bytes([0xFF])]))
        XCTAssertEqual(try read(#"{"d":"\u00ff"}"#, .avro, schema: decimalSchema), .record([.bytes([0xFF])]))
        XCTAssertEqual(error(#"{"d":-0.01}"#, .plain, schema: decimalSchema),
                       #"D.d: expected a decimal string such as "-0.01" (decimal(10,2) on bytes), got -0.01"#)
        XCTAssertTrue(error(#"{"d":"-0.01"}"#, .avro, schema: decimalSchema).contains("which is the decimal 1940818616.81: more than precision 10 digits"))
        XCTAssertTrue(error(#"{"d":"0.001"}"#, .plain, schema: decimalSchema).contains("more than 2 fractional digits"))
        XCTAssertTrue(error(#"{"d":"123456789"}"#, .plain, schema: decimalSchema).contains("more than 8 integer digits"))
    }

    let unionSchema = #"{"type":"record","name":"U","fields":[{"name":"u","type":["null","double","long",{"type":"record","name":"P","fields":[{"name":"x","type":"int"}]}]}]}"#

    func testUnions() throws {
        XCTAssertEqual(try read(#"{"u":5}"#, .plain, schema: unionSchema), .record([.union(branch: 2, .long(5))]), "integers prefer long over double")
        XCTAssertEqual(try read(#"{"u":5.0}"#, .plain, schema: unionSchema), .record([.union(branch: 1, .double(5))]))
        XCTAssertEqual(try read(#"{"u":{"long":5}}"#, .avro, schema: unionSchema), .record([.union(branch: 2, .long(5))]))
        XCTAssertEqual(try read(#"{"u":{"double":5}}"#, .avro, schema: unionSchema), .record([.union(branch: 1, .double(5))]))
        XCTAssertEqual(try read(#"{"u":null}"#, .avro, schema: unionSchema), .record([.union(branch: 0, .null)]))
        XCTAssertTrue(error(#"{"u":{"long":5}}"#, .plain, schema: unionSchema).hasPrefix("U.u: expected one of null, double"))
        XCTAssertTrue(error(#"{"u":5}"#, .avro, schema: unionSchema).hasPrefix(#"U.u: expected one of null, {"double": …}"#))
        XCTAssertTrue(error(#"{"u":{"int":5}}"#, .avro, schema: unionSchema).hasPrefix("U.u: expected one of null"))
        XCTAssertEqual(error(#"{"u":{"P":{"x":"1"}}}"#, .avro, schema: unionSchema), #"U.u<P>.x: expected int (a 32-bit integer), got "1""#)
        XCTAssertEqual(error(#"{"u":{"x":"1"}}"#, .plain, schema: unionSchema), #"U.u.x: expected int (a 32-bit integer), got "1""#,
                       "the one branch that got inside the object names the field")
    }

    let fixedSchema = #"{"type":"record","name":"X","fields":[{"name":"f","type":{"type":"fixed","name":"F2","size":2}},{"name":"n","type":"int","default":7}]}"#

    func testFixedRecordsAndDefaults() throws {
        XCTAssertEqual(try read(#"{"f":"AP8="}"#, .plain, schema: fixedSchema), .record([.fixed([0, 255]), .int(7)]))
        XCTAssertEqual(try read(#"{"f":"\u0000\u00ff","n":1}"#, .avro, schema: fixedSchema), .record([.fixed([0, 255]), .int(1)]))
        XCTAssertTrue(error(#"{"f":"AAAA"}"#, .plain, schema: fixedSchema).hasPrefix("X.f: expected base64 of 2 bytes (fixed F2, 2 bytes)"))
        XCTAssertTrue(error(#"{"f":"abc"}"#, .avro, schema: fixedSchema).hasPrefix("X.f: expected a string of 2 code points"))
        XCTAssertTrue(error(#"{"f":"AP9="}"#, .plain, schema: fixedSchema).hasPrefix("X.f:"), "non-canonical base64 padding")
        XCTAssertEqual(error(#"{"f":"AP8=","z":1}"#, .plain, schema: fixedSchema), #"X: X has no field "z""#)
        XCTAssertTrue(error(#"{"n":1}"#, .plain, schema: fixedSchema).hasPrefix("X.f: missing, and the field has no default"))
    }

    func testTemporalParsing() {
        XCTAssertEqual(AvroTemporal.days(parsing: "1970-01-01"), 0)
        XCTAssertEqual(AvroTemporal.days(parsing: "1969-12-31"), -1)
        XCTAssertEqual(AvroTemporal.days(parsing: "2024-02-29"), AvroTemporal.days(year: 2024, month: 2, day: 29))
        XCTAssertNil(AvroTemporal.days(parsing: "2023-02-29"))
        XCTAssertNil(AvroTemporal.days(parsing: "2023-2-28"))
        XCTAssertEqual(AvroTemporal.days(parsing: "-0001-01-01"), AvroTemporal.days(year: -1, month: 1, day: 1))
        XCTAssertEqual(AvroTemporal.time(parsing: "23:59:59.999", fractionDigits: 3), 86_399_999)
        XCTAssertEqual(AvroTemporal.time(parsing: "00:00:01", fractionDigits: 6), 1_000_000)
        XCTAssertEqual(AvroTemporal.time(parsing: "00:00:00.5", fractionDigits: 3), 500)
        XCTAssertEqual(AvroTemporal.time(parsing: "00:00:00.5000", fractionDigits: 3), 500, "trailing zeros beyond the unit are exact")
        XCTAssertNil(AvroTemporal.time(parsing: "00:00:00.0001", fractionDigits: 3), "finer than the unit is not truncated")
        XCTAssertNil(AvroTemporal.time(parsing: "24:00:00", fractionDigits: 3))
        XCTAssertEqual(AvroTemporal.timestamp(parsing: "1969-12-31T23:59:59.999Z", fractionDigits: 3), -1)
        XCTAssertEqual(AvroTemporal.timestamp(parsing: "1970-01-01T01:00:00+01:00", fractionDigits: 3), 0)
        XCTAssertNil(AvroTemporal.timestamp(parsing: "1970-01-01T00:00:00", fractionDigits: 3), "UTC kinds need a zone")
        XCTAssertNil(AvroTemporal.timestamp(parsing: "1970-01-01T00:00:00Z", fractionDigits: 3, utc: false), "local kinds have none")
        for value: Int64 in [0, -1, 1_700_000_000_123_456, -62_135_596_800_000_000, Int64.max, Int64.min + 86_400_000_000] {
            let text = AvroTemporal.timestampString(value, fractionDigits: 6)
            XCTAssertEqual(AvroTemporal.timestamp(parsing: text, fractionDigits: 6), value, text)
        }
    }

    func testNumbersAreNotReinterpreted() throws {
        let s = #"{"type":"record","name":"N","fields":[{"name":"i","type":"int"},{"name":"l","type":"long"},{"name":"f","type":"float"}]}"#
        XCTAssertTrue(error(#"{"i":1.0,"l":1,"f":1}"#, .plain, schema: s).hasPrefix("N.i: expected int"))
        XCTAssertTrue(error(#"{"i":2147483648,"l":1,"f":1}"#, .plain, schema: s).hasPrefix("N.i: expected int"))
        XCTAssertTrue(error(#"{"i":1,"l":"1","f":1}"#, .plain, schema: s).hasPrefix("N.l: expected long"))
        XCTAssertTrue(error(#"{"i":1,"l":1,"f":1e39}"#, .plain, schema: s).contains("out of range for float"))
        XCTAssertEqual(try read(#"{"i":1,"l":1,"f":"-Infinity"}"#, .avro, schema: s), .record([.int(1), .long(1), .float(-.infinity)]))
    }
}
