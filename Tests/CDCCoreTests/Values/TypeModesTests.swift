import AvroCodec
@testable import CDCCore
import XCTest

/// `--decimal`, `--interval`, `--hstore` and PostGIS geometry, no server: the pure conversions
/// (unscaled bytes, Debezium's interval string, hstore's text form, EWKB's SRID), the JSON each
/// mode writes, and Avro bodies that decode with the schemas `AvroColumnType` gives.
final class TypeModesTests: XCTestCase {
    private func json(_ text: String, _ type: ColumnType, file: StaticString = #filePath, line: UInt = #line) -> String {
        var sink = JSONValueSink()
        var converter = TextValueConverter()
        var copy = text
        do {
            try copy.withUTF8 { try converter.convert(UnsafeRawBufferPointer($0), as: type, into: &sink) }
        } catch {
            XCTFail("\(text) as \(type): \(error)", file: file, line: line)
        }
        return String(decoding: sink.out.bytes, as: UTF8.self)
    }

    private func unscaled(_ text: String, scale: Int) throws -> [UInt8] {
        var out = ByteWriter()
        try Array(text.utf8).withUnsafeBytes { try DecimalText.writeUnscaled($0, scale: scale, into: &out) }
        return out.bytes
    }

    // MARK: decimal

    func testUnscaledBytesMatchTheArbitraryPrecisionEncoder() throws {
        let cases: [(String, Int)] = [
            ("0", 0), ("0.00", 2), ("-12.50", 2), ("12.5", 3), ("127", 0), ("128", 0), ("-128", 0), ("-129", 0), ("255", 0), ("256", 0),
            ("32767", 0), ("-32768", 0), ("1", 20), ("0.00000000000000000001", 20), ("999999999999999999", 0), ("-999999999999999999", 0),
            ("9223372036854775807", 0), ("123456789012345678901234567890.123", 3), ("-0.5", 1), ("100", 2), ("1.10", 2),
        ]
        for (text, scale) in cases {
            XCTAssertEqual(try unscaled(text, scale: scale), try AvroDecimal.unscaledBytes(text, scale: scale), "\(text) scale \(scale)")
        }
        // Debezium's example: -12.50 of numeric(10,2) is the unscaled -1250, base64 "+x4=".
        XCTAssertEqual(try unscaled("-12.50", scale: 2), [0xFB, 0x1E])
        XCTAssertThrowsError(try unscaled("1.25", scale: 1))
        XCTAssertThrowsError(try unscaled("1x", scale: 0))
    }

    func testDecimalModesInJSON() {
        let fixed = ColumnType.numeric(precision: 10, scale: 2)
        let variable = ColumnType.numeric(precision: nil, scale: nil)
        XCTAssertEqual(json("-12.50", fixed), #""-12.50""#) // the format's own: the exact string
        XCTAssertEqual(json("-12.50", .decimal(.precise, base: fixed)), #""+x4=""#)
        XCTAssertEqual(json("-12.50", .decimal(.string, base: fixed)), #""-12.50""#)
        XCTAssertEqual(json("-12.50", .decimal(.double, base: fixed)), "-12.5")
        XCTAssertEqual(json("0.00000000000000000001", .decimal(.precise, base: variable)), #"{"scale":20,"value":"AQ=="}"#)
        XCTAssertEqual(json("1.50", .decimal(.precise, base: variable)), #"{"scale":2,"value":"AJY="}"#)
        XCTAssertEqual(json("0.00000000000000000001", .decimal(.double, base: variable)), "1e-20")
        XCTAssertEqual(json("NaN", .decimal(.double, base: variable)), #""NaN""#)
        XCTAssertEqual(json("-Infinity", .decimal(.string, base: variable)), #""-Infinity""#)
        XCTAssertEqual(json("1e400", .decimal(.double, base: variable)), #""Infinity""#)
        // money as the stream prints it, and as the snapshot's numeric cast does.
        XCTAssertEqual(json("-$1,234.56", .decimal(.precise, base: .money)), json("-1234.56", .decimal(.precise, base: .money)))
        XCTAssertEqual(json("-$1,234.56", .decimal(.string, base: .money)), #""-1234.56""#)
        XCTAssertEqual(json("$5.00", .decimal(.double, base: .money)), "5.0")
        XCTAssertEqual(json("{1.5,NULL}", .array(element: .decimal(.precise, base: .numeric(precision: 5, scale: 1)))), #"["Dw==",null]"#)
        XCTAssertThrowsError(try TypedValue.convert(text: "NaN", as: .decimal(.precise, base: variable)))
    }

    func testModesApplyThroughArraysAndLeaveOtherTypesAlone() {
        let modes = TypeModes(decimal: .double, interval: .string, hstore: .map)
        XCTAssertEqual(ColumnType.numeric(precision: 5, scale: 1).applying(modes), .decimal(.double, base: .numeric(precision: 5, scale: 1)))
        XCTAssertEqual(ColumnType.array(element: .money).applying(modes), .array(element: .decimal(.double, base: .money)))
        XCTAssertEqual(ColumnType.interval.applying(modes), .intervalString)
        XCTAssertEqual(ColumnType.otherText(name: "hstore").applying(modes), .hstoreMap)
        XCTAssertEqual(ColumnType.otherText(name: "inet").applying(modes), .otherText(name: "inet"))
        XCTAssertEqual(ColumnType.int32.applying(modes), .int32)
        XCTAssertEqual(ColumnType.numeric(precision: nil, scale: nil).applying(TypeModes()), .numeric(precision: nil, scale: nil))
        XCTAssertEqual(ColumnType.decimal(.string, base: .money).selectCast, "numeric")
        XCTAssertEqual(ColumnType.array(element: .decimal(.precise, base: .money)).selectCast, "numeric[]")
    }

    // MARK: interval

    func testIntervalStringIsDebeziumsISOForm() {
        let cases = [
            ("P1Y2M3DT4H5M6.5S", "P1Y2M3DT4H5M6.5S"),
            ("PT0S", "P0Y0M0DT0H0M0S"),
            ("P-1D", "P0Y0M-1DT0H0M0S"),
            ("P-1DT-0.25S", "P0Y0M-1DT0H0M-0.25S"),
            ("P-1Y-2M3DT-4H-5M-6.000001S", "P-1Y-2M3DT-4H-5M-6.000001S"),
            ("PT100H", "P0Y0M0DT100H0M0S"),
            ("PT1.100S", "P0Y0M0DT0H0M1.1S"),
            ("P178000000Y", "P178000000Y0M0DT0H0M0S"),
        ]
        for (postgres, debezium) in cases { XCTAssertEqual(json(postgres, .intervalString), "\"\(debezium)\"", postgres) }
        for bad in ["", "P", "1 day", "PT1.5H", "P1X"] {
            XCTAssertThrowsError(try TypedValue.convert(text: bad, as: .intervalString), bad)
        }
    }

    // MARK: hstore

    func testHstorePairsUnescapeAndNULL() throws {
        var scratch = ByteWriter()
        var pairs: [(String, String?)] = []
        let text = #""a"=>"1", "b"=>NULL, "q\"x"=>"y\\z", ""=>"""#
        let count = try Array(text.utf8).withUnsafeBytes { raw in
            try HstoreText.forEachPair(raw, scratch: &scratch) { key, value in
                pairs.append((String(decoding: key, as: UTF8.self), value.map { String(decoding: $0, as: UTF8.self) }))
            }
        }
        XCTAssertEqual(count, 4)
        XCTAssertEqual(pairs.map(\.0), ["a", "b", "q\"x", ""])
        XCTAssertEqual(pairs.map(\.1), ["1", nil, "y\\z", ""])
        for bad in [#""a"=>"#, #""a"=>1"#, #""a" "b""#, #""a"=>"1","#, #"a=>"1""#] {
            XCTAssertThrowsError(try TypedValue.convert(text: bad, as: .hstoreMap), bad)
        }
    }

    func testHstoreModesInJSON() {
        let text = #""a"=>"1", "b"=>NULL, "q\"x"=>"y\\z""#
        XCTAssertEqual(json(text, .otherText(name: "hstore")), #""\"a\"=>\"1\", \"b\"=>NULL, \"q\\\"x\"=>\"y\\\\z\"""#)
        XCTAssertEqual(json(text, .hstoreJSON), #""{\"a\":\"1\",\"b\":null,\"q\\\"x\":\"y\\\\z\"}""#)
        XCTAssertEqual(json(text, .hstoreMap), #"{"a":"1","b":null,"q\"x":"y\\z"}"#)
        XCTAssertEqual(json("", .hstoreMap), "{}")
        XCTAssertEqual(json("", .hstoreJSON), #""{}""#)
        XCTAssertEqual(json(#"{"\"k\"=>\"v\"",NULL}"#, .array(element: .hstoreMap)), #"[{"k":"v"},null]"#)
    }

    // MARK: geometry

    func testGeometryIsTheEWKBWithItsSRID() {
        // POINT(1 2) with SRID 4326 (little-endian EWKB), then without SRID, then big-endian.
        XCTAssertEqual(json("0101000020E6100000000000000000F03F0000000000000040", .geometry),
                       #"{"wkb":"AQEAACDmEAAAAAAAAAAA8D8AAAAAAAAAQA==","srid":4326}"#)
        XCTAssertEqual(json("0101000000000000000000F03F0000000000000040", .geography), #"{"wkb":"AQEAAAAAAAAAAADwPwAAAAAAAABA","srid":null}"#)
        XCTAssertEqual(json("0020000001000010E63FF00000000000004000000000000000", .geometry),
                       #"{"wkb":"ACAAAAEAABDmP/AAAAAAAABAAAAAAAAAAA==","srid":4326}"#)
        for bad in ["", "0101", "01010000000000000000000000000000000000000000000000000G", "010"] {
            XCTAssertThrowsError(try TypedValue.convert(text: bad, as: .geometry), bad)
        }
    }

    // MARK: Avro

    /// A row of every mode's type, encoded by `AvroEventEncoder` and decoded with the
    /// registered value schema, by the Swift codec and by Avro C.
    func testAvroBodiesDecodeWithTheirSchemas() throws {
        let columns = [
            Column(name: "id", type: .int32, typeName: "integer", nullable: false, primaryKeyPosition: 1),
            Column(name: "p", type: .decimal(.precise, base: .numeric(precision: 10, scale: 2)), typeName: "numeric(10,2)", nullable: true, primaryKeyPosition: nil),
            Column(name: "v", type: .decimal(.precise, base: .numeric(precision: nil, scale: nil)), typeName: "numeric", nullable: true, primaryKeyPosition: nil),
            Column(name: "s", type: .decimal(.string, base: .money), typeName: "money", nullable: false, primaryKeyPosition: nil),
            Column(name: "d", type: .decimal(.double, base: .numeric(precision: nil, scale: nil)), typeName: "numeric", nullable: true, primaryKeyPosition: nil),
            Column(name: "i", type: .intervalString, typeName: "interval", nullable: true, primaryKeyPosition: nil),
            Column(name: "hj", type: .hstoreJSON, typeName: "hstore", nullable: true, primaryKeyPosition: nil),
            Column(name: "hm", type: .hstoreMap, typeName: "hstore", nullable: true, primaryKeyPosition: nil),
            Column(name: "ha", type: .array(element: .hstoreMap), typeName: "hstore[]", nullable: true, primaryKeyPosition: nil),
            Column(name: "g", type: .geometry, typeName: "geometry", nullable: false, primaryKeyPosition: nil),
            Column(name: "ga", type: .array(element: .geography), typeName: "geography[]", nullable: true, primaryKeyPosition: nil),
            Column(name: "pt", type: .point, typeName: "point", nullable: true, primaryKeyPosition: nil),
        ]
        let line = "1\t-12.50\t1.50\t$5.00\t12.50\tP1DT0.5S\t\"a\"=>\"1\", \"b\"=>NULL\t\"a\"=>\"1\", \"b\"=>NULL\t"
            + "{\"\\\\\"k\\\\\"=>\\\\\"v\\\\\"\",NULL}\t0101000020E6100000000000000000F03F0000000000000040\t"
            + "{0101000000000000000000F03F0000000000000040:NULL}\t(1.5,-2)"
        var encoder = AvroEventEncoder(prefix: "p", database: "d", table: TableName(schema: "public", table: "t"), columns: columns)
        let body = try Array(line.utf8).withUnsafeBytes {
            try encoder.encodeValue(op: .read, before: nil, after: .copyLine($0), position: SourcePosition(commitMicros: 0), nowNanos: 0)
        }
        let schemaText = encoder.schemas.value.text
        let decoded = try AvroBinaryReader.decode(body, as: try AvroCompiledSchema(json: schemaText))
        guard case .record(let envelope) = decoded, case .union(1, .record(let row)) = envelope[1] else {
            return XCTFail("not an envelope with an after row: \(decoded)")
        }
        func some(_ value: AvroValue) -> AvroValue { .union(branch: 1, value) }
        let ewkb: [UInt8] = [1, 1, 0, 0, 0x20, 0xE6, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0, 0x40]
        let expected: [AvroValue] = [
            .int(1), some(.bytes([0xFB, 0x1E])), some(.record([.int(2), .bytes([0x00, 0x96])])), .string("5.00"), some(.double(12.5)),
            some(.string("P0Y0M1DT0H0M0.5S")), some(.string(#"{"a":"1","b":null}"#)),
            some(.map([("a", .union(branch: 1, .string("1"))), ("b", .union(branch: 0, .null))])),
            some(.array([.union(branch: 1, .map([("k", .union(branch: 1, .string("v")))])), .union(branch: 0, .null)])),
            .record([.bytes(ewkb), .union(branch: 1, .int(4326))]),
            some(.array([.union(branch: 1, .record([.bytes([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0, 0x40]), .union(branch: 0, .null)])),
                         .union(branch: 0, .null)])),
            some(.record([.double(1.5), .double(-2), .union(branch: 1, .bytes([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0, 0, 0, 0, 0, 0, 0, 0xC0])),
                          .union(branch: 0, .null)])),
        ]
        XCTAssertEqual(row.count, expected.count)
        for (i, (got, want)) in zip(row, expected).enumerated() { XCTAssertEqual(got, want, columns[i].name) }
        // Avro C reads the same bytes with the same schema.
        XCTAssertNoThrow(try AvroCDecoder(writerSchemaJSON: schemaText).decode(body))
        // The schemas name Debezium's semantic types.
        for name in ["io.debezium.time.Interval", "io.debezium.data.Json", "io.debezium.data.geometry.Geometry", "io.debezium.data.geometry.Geography",
                     "io.debezium.data.VariableScaleDecimal", "org.apache.kafka.connect.data.Decimal", #""type":"map""#] {
            XCTAssertTrue(schemaText.contains(name), name)
        }
    }
}
