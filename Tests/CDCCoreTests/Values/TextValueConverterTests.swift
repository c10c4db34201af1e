import Foundation
import XCTest
@testable import CDCCore

/// Pure tests of PostgreSQL text → Debezium value conversion (no server).
final class TextValueConverterTests: XCTestCase {
    private func value(_ text: String?, _ type: ColumnType, file: StaticString = #filePath, line: UInt = #line) -> TypedValue? {
        do { return try TypedValue.convert(text: text, as: type) } catch {
            XCTFail("\(text ?? "NULL") as \(type): unexpected \(error)", file: file, line: line)
            return nil
        }
    }

    private func check(_ text: String?, _ type: ColumnType, _ expected: TypedValue, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(value(text, type, file: file, line: line), expected, "\(text ?? "NULL") as \(type)", file: file, line: line)
    }

    private func rejects(_ text: String, _ type: ColumnType, file: StaticString = #filePath, line: UInt = #line) {
        do {
            let v = try TypedValue.convert(text: text, as: type)
            XCTFail("\"\(text)\" as \(type) should fail, got \(v)", file: file, line: line)
        } catch let error as ConversionError {
            XCTAssertFalse(error.description.isEmpty, file: file, line: line)
        } catch {
            XCTFail("\"\(text)\" as \(type): wrong error type \(error)", file: file, line: line)
        }
    }

    /// Days since 1970-01-01 of an astronomical-year date, by counting (independent of TemporalText).
    static func naiveDays(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        func leap(_ y: Int64) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
        var days: Int64 = 0
        if year >= 1970 {
            for y in 1970..<year { days += leap(y) ? 366 : 365 }
        } else {
            for y in year..<1970 { days -= leap(y) ? 366 : 365 }
        }
        let lengths: [Int64] = [31, leap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        for m in 0..<Int(month - 1) { days += lengths[m] }
        return days + day - 1
    }

    private static let day: Int64 = 86_400_000_000
    private static let month: Int64 = 2_629_800_000_000 // 30.4375 days
    private static let hour: Int64 = 3_600_000_000

    func testBooleans() {
        check("t", .boolean, .bool(true))
        check("f", .boolean, .bool(false))
        check(nil, .boolean, .null)
        for bad in ["", "true", "x", "tt", "1"] { rejects(bad, .boolean) }
    }

    func testIntegerBoundsAndOverflow() {
        check("-9223372036854775808", .int64, .int(.min))
        check("9223372036854775807", .int64, .int(.max))
        check("-32768", .int16, .int(-32768))
        check("2147483647", .int32, .int(2_147_483_647))
        check("0", .int32, .int(0))
        check("-0", .int32, .int(0))
        for bad in ["9223372036854775808", "-9223372036854775809", "99999999999999999999", "", "-", "12a", "1.5", " 1", "--1"] {
            rejects(bad, .int64)
        }
    }

    func testFloatsPassThroughTheirTextIncludingSpecials() {
        for text in ["NaN", "Infinity", "-Infinity", "1.5e-07", "-0", "3.4028235e+38", "1e+308"] {
            check(text, .float64, .float(text))
        }
        check("NaN", .float32, .float("NaN"))
    }

    func testNumericAndMoneyAreExactDecimalText() {
        check("-12.50", .numeric(precision: 10, scale: 2), .decimal("-12.50"))
        check("0.00000000000000000001", .numeric(precision: nil, scale: nil), .decimal("0.00000000000000000001"))
        check("NaN", .numeric(precision: nil, scale: nil), .decimal("NaN"))
        check("1234.56", .money, .decimal("1234.56"))
    }

    func testByteaHex() {
        check("\\x00ff10", .bytea, .bytes([0x00, 0xFF, 0x10]))
        check("\\xDEADbeef", .bytea, .bytes([0xDE, 0xAD, 0xBE, 0xEF]))
        check("\\x", .bytea, .bytes([]))
        for bad in ["\\x0", "\\xzz", "\\x0g", "00ff", "", "\\", "x00", "\\X00"] { rejects(bad, .bytea) }
    }

    func testDates() {
        check("1970-01-01", .date, .int(0))
        check("1969-12-31", .date, .int(-1))
        check("2000-02-29", .date, .int(Self.naiveDays(2000, 2, 29)))
        check("2000-02-29", .date, .int(11_016))
        check("2024-02-29", .date, .int(19_782))
        check("1900-03-01", .date, .int(Self.naiveDays(1900, 3, 1)))
        check("1900-02-28", .date, .int(Self.naiveDays(1900, 3, 1) - 1)) // 1900 is no leap year
        check("0001-01-01", .date, .int(-719_162))
        check("0001-12-31 BC", .date, .int(-719_163)) // 1 BC = year 0, a leap year
        check("0001-02-29 BC", .date, .int(Self.naiveDays(0, 2, 29)))
        check("4714-11-24 BC", .date, .int(Self.naiveDays(-4713, 11, 24)))
        check("10000-01-01", .date, .int(Self.naiveDays(10000, 1, 1)))
        check("5874897-12-31", .date, .int(Self.naiveDays(5_874_897, 12, 31)))
        check("infinity", .date, .int(Int64(Int32.max)))
        check("-infinity", .date, .int(Int64(Int32.min)))
        for bad in ["", "2024", "2024-02", "2024-02-", "2024-13-01", "2024-00-10", "2024-01-32", "2024-01-01x",
                    "2024-01-01 AD", "garbage", "infinit", "Infinity", "01/02/2024"] {
            rejects(bad, .date)
        }
    }

    func testTimesInMillisOrMicrosByPrecision() {
        let tod: Int64 = ((10 * 60 + 15) * 60 + 30) * 1_000_000
        check("10:15:30.123456", .time(precision: 6), .int(tod + 123_456))
        check("10:15:30.123", .time(precision: 3), .int((tod + 123_000) / 1000))
        check("23:59:59", .time(precision: 0), .int(86_399_000))
        check("00:00:00", .time(precision: 6), .int(0))
        check("00:00:00.000001", .time(precision: 6), .int(1))
        check("24:00:00", .time(precision: 6), .int(Self.day))
        check("24:00:00", .time(precision: 3), .int(86_400_000))
        for bad in ["", "10:15", "10:15:3x", "25:00:00", "10:60:00", "10:15:30+02", "garbage", "10-15-30"] {
            rejects(bad, .time(precision: 6))
        }
    }

    func testTimeWithZoneBecomesUTCString() {
        check("10:15:30+02", .timetz, .string("08:15:30Z"))
        check("01:00:00+05:30", .timetz, .string("19:30:00Z"))
        check("20:00:00.5-08", .timetz, .string("04:00:00.5Z"))
        check("23:59:59.999999-08", .timetz, .string("07:59:59.999999Z"))
        check("00:00:00+00", .timetz, .string("00:00:00Z"))
        check("12:00:00.120000+00", .timetz, .string("12:00:00.12Z"))
        check("10:00:00+05:30:15", .timetz, .string("04:29:45Z"))
        check("22:30:00-03:30", .timetz, .string("02:00:00Z"))
        for bad in ["10:15:30", "10:15:30+", "10:15:30Z", "", "10:15+02", "garbage+02"] { rejects(bad, .timetz) }
    }

    func testTimestampsMillisVersusMicrosIncludingPre1970AndInfinity() {
        let base = Self.naiveDays(2026, 11, 24) * Self.day + ((10 * 60 + 15) * 60 + 30) * 1_000_000
        check("2026-11-24 10:15:30.123456", .timestamp(precision: 6), .int(base + 123_456))
        check("2026-11-24 10:15:30.123", .timestamp(precision: 3), .int((base + 123_000) / 1000))
        check("1970-01-01 00:00:00", .timestamp(precision: 6), .int(0))
        check("1969-12-31 23:59:59.5", .timestamp(precision: 6), .int(-500_000))
        check("1969-12-31 23:59:59.999", .timestamp(precision: 3), .int(-1))
        check("1969-12-31 23:59:59.9995", .timestamp(precision: 3), .int(-1)) // floor, not truncation
        check("1969-12-31 23:59:59", .timestamp(precision: 0), .int(-1000))
        check("0044-03-15 10:00:00 BC", .timestamp(precision: 6), .int(Self.naiveDays(-43, 3, 15) * Self.day + 10 * Self.hour))
        check("10000-01-01 00:00:00", .timestamp(precision: 6), .int(Self.naiveDays(10000, 1, 1) * Self.day))
        for precision in [3, 6] {
            check("infinity", .timestamp(precision: precision), .int(.max))
            check("-infinity", .timestamp(precision: precision), .int(.min))
        }
        for bad in ["", "2026-11-24", "2026-11-24T10:15:30", "2026-11-24 10:15", "2026-11-24 10:15:30+00",
                    "infinityx", "2026-11-24 10:15:30 AD", "garbage"] {
            rejects(bad, .timestamp(precision: 6))
        }
    }

    func testTimestampWithZoneAsISOStringInUTC() {
        check("2026-11-24 10:15:30.5+00", .timestamptz(precision: 6), .string("2026-11-24T10:15:30.500000Z"))
        check("2026-11-24 01:15:30+05:30", .timestamptz(precision: 6), .string("2026-11-23T19:45:30.000000Z"))
        check("2026-12-31 20:00:00-08", .timestamptz(precision: 6), .string("2027-01-01T04:00:00.000000Z"))
        check("2026-01-01 00:00:00.000001+00", .timestamptz(precision: 6), .string("2026-01-01T00:00:00.000001Z"))
        check("2026-01-01 00:00:00.100000+00", .timestamptz(precision: 6), .string("2026-01-01T00:00:00.100000Z"))
        check("1969-12-31 23:59:59.999999+00", .timestamptz(precision: 6), .string("1969-12-31T23:59:59.999999Z"))
        check("10000-01-01 00:00:00+00", .timestamptz(precision: 6), .string("+10000-01-01T00:00:00.000000Z"))
        check("0044-03-15 10:00:00+00 BC", .timestamptz(precision: 6), .string("-0043-03-15T10:00:00.000000Z"))
        check("0001-06-01 00:00:00+00 BC", .timestamptz(precision: 6), .string("0000-06-01T00:00:00.000000Z"))
        check("0001-01-01 00:30:00+01 BC", .timestamptz(precision: 6), .string("-0001-12-31T23:30:00.000000Z"))
        // Debezium's ZonedTimestamp pads the fraction to the column's precision (timestamptz(p)).
        check("2026-11-24 10:15:30.5+00", .timestamptz(precision: 3), .string("2026-11-24T10:15:30.500Z"))
        check("2026-11-24 10:15:30.12+00", .timestamptz(precision: 2), .string("2026-11-24T10:15:30.12Z"))
        check("2026-11-24 10:15:30+00", .timestamptz(precision: 1), .string("2026-11-24T10:15:30.0Z"))
        check("2026-11-24 10:15:30+00", .timestamptz(precision: 0), .string("2026-11-24T10:15:30Z"))
        check("0044-03-15 10:00:00+00 BC", .timestamptz(precision: 0), .string("-0043-03-15T10:00:00Z"))
        check("infinity", .timestamptz(precision: 6), .string("infinity"))
        check("-infinity", .timestamptz(precision: 6), .string("-infinity"))
        for bad in ["2026-11-24 10:15:30", "2026-11-24 10:15:30+", "", "garbage", "2026-11-24T10:15:30Z"] {
            rejects(bad, .timestamptz(precision: 6))
        }
    }

    func testIntervalsAsMicrosWithAverageMonth() {
        let m = Self.month, d = Self.day, h = Self.hour, min: Int64 = 60_000_000, s: Int64 = 1_000_000
        check("P1Y2M3DT4H5M6.5S", .interval, .int(14 * m + 3 * d + 4 * h + 5 * min + 6 * s + 500_000))
        check("P1Y2M3DT4H5M6.5S", .interval, .int(37_091_106_500_000))
        check("PT0S", .interval, .int(0))
        check("P-1Y-2M", .interval, .int(-14 * m))
        check("PT-0.5S", .interval, .int(-500_000))
        check("PT-1.25S", .interval, .int(-1_250_000))
        check("P1M-1D", .interval, .int(m - d))
        check("P-1Y-2M-3DT-4H-5M-6.25S", .interval, .int(-(14 * m + 3 * d + 4 * h + 5 * min + 6 * s + 250_000)))
        check("PT1.000001S", .interval, .int(1_000_001))
        check("PT36H", .interval, .int(36 * h))
        check("P1M", .interval, .int(30 * d + d * 4375 / 10000))
        for bad in ["", "P", "PT", "1Y", "PXY", "P1H", "PT1D", "P1", "P1Y2", "garbage", "P-Y", "P1Y "] {
            rejects(bad, .interval)
        }
    }

    func testBitStrings() {
        check("1", .bit(length: 1), .bool(true))
        check("0", .bit(length: 1), .bool(false))
        rejects("10", .bit(length: 1))
        rejects("", .bit(length: 1))
        check("10110", .bit(length: 5), .bytes([0b10110]))
        check("1000000001", .bit(length: 10), .bytes([0x01, 0x02]))
        check("100000000", .bit(length: 9), .bytes([0x00, 0x01]))
        check("0000000000000000", .bit(length: 16), .bytes([0, 0]))
        check("", .varbit, .bytes([]))
        check("1", .varbit, .bytes([1]))
        check("11111111", .varbit, .bytes([0xFF]))
        check("011111111", .varbit, .bytes([0xFF, 0x00]))
        rejects("102", .varbit)
        rejects("1 0", .bit(length: 3))
    }

    /// bit(1) accepts only 0 or 1, like every other bit string (garbage is an error, not false).
    func testBitOneRejectsNonBinaryCharacter() {
        rejects("x", .bit(length: 1))
    }

    func testPointRecord() {
        let wkb: [UInt8] = [1, 1, 0, 0, 0] + withUnsafeBytes(of: (1.5).bitPattern.littleEndian, Array.init)
            + withUnsafeBytes(of: (-2.0).bitPattern.littleEndian, Array.init)
        XCTAssertEqual(wkb, [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0, 0, 0, 0, 0, 0, 0, 0xC0])
        check("(1.5,-2)", .point, .record([
            .init(name: "x", value: .float("1.5")), .init(name: "y", value: .float("-2")),
            .init(name: "wkb", value: .bytes(wkb)), .init(name: "srid", value: .null),
        ]))
        for bad in ["(1.5)", "1.5,2", "(a,b)", "()", "(1,2", "", "(,)"] { rejects(bad, .point) }
    }

    func testArrays() {
        check("{}", .array(element: .int32), .array([]))
        check("{1,NULL,3}", .array(element: .int32), .array([.int(1), .null, .int(3)]))
        check("{{1,2},{3,4}}", .array(element: .int32), .array([.array([.int(1), .int(2)]), .array([.int(3), .int(4)])]))
        check("[0:1]={1,2}", .array(element: .int32), .array([.int(1), .int(2)]))
        check("[0:1][1:2]={{1,2},{3,4}}", .array(element: .int64), .array([.array([.int(1), .int(2)]), .array([.int(3), .int(4)])]))
        check(#"{"a b","c\"d","e\\f",NULL,"NULL","",plain}"#, .array(element: .text),
              .array([.string("a b"), .string("c\"d"), .string("e\\f"), .null, .string("NULL"), .string(""), .string("plain")]))
        check(#"{{"x,y",NULL},{"}",z}}"#, .array(element: .text),
              .array([.array([.string("x,y"), .null]), .array([.string("}"), .string("z")])]))
        check("{2024-02-29,infinity,NULL}", .array(element: .date), .array([.int(19_782), .int(Int64(Int32.max)), .null]))
        check(#"{"\\x00ff"}"#, .array(element: .bytea), .array([.bytes([0x00, 0xFF])]))
        check("{t,f}", .array(element: .boolean), .array([.bool(true), .bool(false)]))
        check("{1.5,NaN}", .array(element: .numeric(precision: nil, scale: nil)), .array([.decimal("1.5"), .decimal("NaN")]))
        for bad in ["", "{1,2", "{1,2}x", "1,2", #"{"abc}"#, "{a,b}", "[0:1]{1,2}", "{{1,2}", "{1,,2}", "{\"a\\"] {
            rejects(bad, .array(element: .int32))
        }
        rejects(#"{"abc}"#, .array(element: .text))
    }

    func testGarbageNeverCrashes() {
        let types: [ColumnType] = [.boolean, .int16, .int64, .bytea, .date, .time(precision: 3), .timetz, .timestamp(precision: 3),
                                   .timestamp(precision: 6), .timestamptz(precision: 6), .interval, .bit(length: 1), .bit(length: 8), .varbit,
                                   .point, .array(element: .int32), .array(element: .text), .array(element: .date)]
        let inputs = ["", "-", ":", "P", "{", "}", "\\", "\"", "[", "[0:1]", "(", "1-", "1-1-", "1:1:", "T", "PT1", "{\"", "{{}", "\u{0}", "é✓😀"]
        for type in types {
            for input in inputs { _ = try? TypedValue.convert(text: input, as: type) }
        }
        rejects("1970-01-01", .time(precision: 6))
    }

    // MARK: - Values at the edges of PostgreSQL's ranges

    private func convertOrConversionError(_ text: String, _ type: ColumnType) {
        do { _ = try TypedValue.convert(text: text, as: type) } catch is ConversionError {} catch { _exit(3) }
    }

    /// PostgreSQL accepts intervals up to 178000000 years and 2^31-1 days; in µs they exceed Int64.
    func testLargestIntervalsDoNotCrash() {
        for text in ["P178000000Y", "P1000000Y", "P2147483647D", "P-178000000Y"] {
            assertNoCrash("interval \(text)") { self.convertOrConversionError(text, .interval) }
        }
    }

    /// PostgreSQL timestamps reach 294276 AD, past Int64 µs since 1970 (about 294247 AD).
    func testLatestTimestampsDoNotCrash() {
        let cases: [(String, ColumnType)] = [
            ("294276-12-31 23:59:59.999999", .timestamp(precision: 6)),
            ("294276-12-31 23:59:59.999", .timestamp(precision: 3)),
            ("294276-12-31 23:59:59.999999+00", .timestamptz(precision: 6)),
        ]
        for (text, type) in cases {
            assertNoCrash("\(type) \(text)") { self.convertOrConversionError(text, type) }
        }
    }

    func testTimestampsNearTheInt64LimitStillConvert() {
        // 294246-12-31 is still below Int64.max µs since the epoch.
        let days = Self.naiveDays(294_246, 12, 31)
        check("294246-12-31 00:00:00", .timestamp(precision: 6), .int(days * Self.day))
        check("4714-11-24 00:00:00 BC", .timestamp(precision: 6), .int(Self.naiveDays(-4713, 11, 24) * Self.day))
    }
}

/// COPY text-format row splitting and unescaping, and the civil-date arithmetic.
final class CopyTextRowAndCalendarTests: XCTestCase {
    private func fields(_ line: String) throws -> [String?] {
        try fields(Array(line.utf8)).map { $0.map { String(decoding: $0, as: UTF8.self) } }
    }

    private func fields(_ bytes: [UInt8]) throws -> [[UInt8]?] {
        var out: [[UInt8]?] = []
        var scratch = ByteWriter(capacity: 4)
        var expectedIndex = 0
        try bytes.withUnsafeBytes { raw in
            try CopyTextRow.forEachField(in: raw, unescaped: &scratch) { index, field in
                XCTAssertEqual(index, expectedIndex)
                expectedIndex += 1
                out.append(field.map { Array($0) })
            }
        }
        return out
    }

    func testSplitsOnTabsAndKeepsNullDistinctFromEmpty() throws {
        XCTAssertEqual(try fields("a\tb\\tc\t\\N\t\n"), ["a", "b\tc", nil, ""])
        XCTAssertEqual(try fields("a\tb\\tc\t\\N\t"), ["a", "b\tc", nil, ""])
        XCTAssertEqual(try fields("\n"), [""])
        XCTAssertEqual(try fields(""), [""])
        XCTAssertEqual(try fields("\\N"), [nil])
        XCTAssertEqual(try fields("\\N\n"), [nil])
        XCTAssertEqual(try fields("\\\\N"), ["\\N"])
        XCTAssertEqual(try fields("\t\t"), ["", "", ""])
        XCTAssertEqual(try fields("x\\ty"), ["x\ty"])
        XCTAssertEqual(try fields("a\\\\\tb"), ["a\\", "b"])
        XCTAssertEqual(try fields("\\N\t\\N\tz\n"), [nil, nil, "z"])
        XCTAssertEqual(try fields("é✓😀\tשלום\n"), ["é✓😀", "שלום"])
    }

    func testUnescapesEveryCOPYEscape() throws {
        XCTAssertEqual(try fields("\\101\\x41\\\\\\n\\r\\b\\f\\v\\t"), ["AA\\\n\r\u{8}\u{C}\u{B}\t"])
        XCTAssertEqual(try fields("\\1011"), ["A1"])
        XCTAssertEqual(try fields(Array("\\0".utf8)), [[0]])
        XCTAssertEqual(try fields(Array("\\x4g".utf8)), [[4, UInt8(ascii: "g")]])
        XCTAssertEqual(try fields("\\xg"), ["xg"])
        XCTAssertEqual(try fields("\\q"), ["q"])
        XCTAssertEqual(try fields("a\\nb\tplain\t\\\\"), ["a\nb", "plain", "\\"])
        // The scratch buffer is reused: earlier escaped fields must not change afterwards.
        XCTAssertEqual(try fields("\\x41\\x42\t\\x43\tz"), ["AB", "C", "z"])
    }

    /// COPY never ends a line with a lone backslash, but a malformed line must not read past its end.
    func testTrailingLoneBackslashDoesNotReadPastTheLine() {
        for line in ["ab\\", "ab\\\n", "\\"] {
            assertNoCrash("COPY line \(line.debugDescription)") {
                _ = try? self.fields(line)
            }
        }
    }

    func testCivilDateRoundTripDayByDay() {
        // Walks ~5,500 years one day at a time against a naive calendar successor.
        var (y, m, d): (Int64, Int64, Int64) = (-1000, 1, 1)
        let start = TextValueConverterTests.naiveDays(-1000, 1, 1)
        var mismatches: [String] = []
        func leap(_ y: Int64) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
        for days in start...(start + 2_000_000) {
            let c = TemporalText.civil(fromDays: days)
            if c.year != y || c.month != m || c.day != d || TemporalText.daysSinceEpoch(.init(year: y, month: m, day: d)) != days {
                if mismatches.count < 5 { mismatches.append("\(days): civil \(c.year)-\(c.month)-\(c.day), naive \(y)-\(m)-\(d)") }
            }
            let length: Int64 = m == 2 ? (leap(y) ? 29 : 28) : [4, 6, 9, 11].contains(m) ? 30 : 31
            d += 1
            if d > length { d = 1; m += 1 }
            if m > 12 { m = 1; y += 1 }
        }
        XCTAssertEqual(mismatches, [])
        XCTAssertEqual(TemporalText.daysSinceEpoch(.init(year: 1970, month: 1, day: 1)), 0)
    }

    func testCivilDateRoundTripAcrossTheWholeRange() {
        var failures = 0
        for days in stride(from: Int64(-2_500_000_000), through: 2_500_000_000, by: 999_983) {
            let c = TemporalText.civil(fromDays: days)
            if TemporalText.daysSinceEpoch(c) != days || !(1...12).contains(c.month) || !(1...31).contains(c.day) { failures += 1 }
        }
        XCTAssertEqual(failures, 0)
        let maxDate = TemporalText.civil(fromDays: TextValueConverterTests.naiveDays(5_874_897, 12, 31))
        XCTAssertEqual([maxDate.year, maxDate.month, maxDate.day], [5_874_897, 12, 31])
    }
}

extension XCTestCase {
    /// Runs `body` in a forked child so a trap (e.g. arithmetic overflow) fails this test
    /// instead of killing the whole test process.
    func assertNoCrash(_ what: String, file: StaticString = #filePath, line: UInt = #line, _ body: @escaping () -> Void) {
        fflush(nil)
        let pid = fork()
        if pid == 0 {
            // Replace the runtime's backtracer: report a trap as exit status 128 + signal, quietly.
            for sig in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE] { signal(sig) { _exit(128 + $0) } }
            body()
            _exit(0)
        }
        XCTAssertGreaterThan(pid, 0, "fork failed", file: file, line: line)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        let code = (status & 0x7F) != 0 ? 128 + (status & 0x7F) : (status >> 8) & 0xFF
        XCTAssertFalse(code > 128, "\(what) crashed the process (signal \(code - 128): trap, e.g. arithmetic overflow)", file: file, line: line)
        XCTAssertFalse(code > 0 && code <= 128, "\(what) threw something other than ConversionError", file: file, line: line)
    }
}
