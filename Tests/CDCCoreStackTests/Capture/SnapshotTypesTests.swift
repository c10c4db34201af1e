import CDCTestSupport
import Foundation
import XCTest
@testable import CDCCore

/// Snapshots a table with a column of every supported type from the real server and checks each
/// value in `after` against an expectation the server computes independently (or, for intervals,
/// one worked out by hand from the inserted literal).
final class SnapshotTypesTests: XCTestCase {
    private static let day: Int64 = 86_400_000_000
    private static let month: Int64 = 2_629_800_000_000 // Debezium: 30.4375 days
    private static let hour: Int64 = 3_600_000_000

    /// Column name → SQL type (the `mood` enum and `posint` domain live in the scratch schema).
    private static let columns: [(String, String)] = [
        ("c_bool", "boolean"), ("c_int2", "smallint"), ("c_int4", "integer"), ("c_int8", "bigint"),
        ("c_float4", "real"), ("c_float8", "double precision"), ("c_num102", "numeric(10,2)"), ("c_num", "numeric"),
        ("c_money", "money"), ("c_text", "text"), ("c_varchar", "varchar(10)"), ("c_char", "char(5)"),
        ("c_bytea", "bytea"), ("c_date", "date"), ("c_time", "time"), ("c_time3", "time(3)"), ("c_timetz", "timetz"),
        ("c_ts", "timestamp"), ("c_ts3", "timestamp(3)"), ("c_tstz", "timestamptz"), ("c_interval", "interval"),
        ("c_uuid", "uuid"), ("c_json", "json"), ("c_jsonb", "jsonb"), ("c_xml", "xml"), ("c_enum", "S.mood"),
        ("c_intarr", "int[]"), ("c_textarr2", "text[][]"), ("c_bit1", "bit(1)"), ("c_bit10", "bit(10)"),
        ("c_varbit", "varbit"), ("c_point", "point"), ("c_inet", "inet"), ("c_domain", "S.posint"),
    ]

    /// Rows by id: column → SQL expression (missing columns are NULL), and the interval's µs.
    private static let rows: [(id: Int, values: [String: String], interval: Int64?)] = [
        (1, ["c_bool": "true", "c_int2": "32767", "c_int4": "-2147483648", "c_int8": "9223372036854775807",
             "c_float4": "1.1", "c_float8": "3.141592653589793", "c_num102": "12345678.91",
             "c_num": "3.14159265358979323846264338327950288", "c_money": "1234.56", "c_text": "'hello'",
             "c_varchar": "'varchar'", "c_char": "'ab'", "c_citext": "'MiXeD'", "c_bytea": #"'\x00ff10'"#,
             "c_date": "'2026-11-24'", "c_time": "'10:15:30.123456'", "c_time3": "'10:15:30.123'",
             "c_timetz": "'10:15:30.5+05:30'", "c_ts": "'2026-11-24 10:15:30.123456'", "c_ts3": "'2026-11-24 10:15:30.123'",
             "c_tstz": "'2026-11-24 10:15:30.5+02'", "c_interval": "'1 year 2 mons 3 days 04:05:06.5'",
             "c_uuid": "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "c_json": #"'{"a": [1, 2], "b": "x"}'"#,
             "c_jsonb": #"'{"b": 2, "a": [1, 2]}'"#, "c_xml": "'<a>1</a>'", "c_enum": "'happy ☺'",
             "c_intarr": "'{1,2,3}'", "c_textarr2": #"'{{"a","b"},{"c","d"}}'"#, "c_bit1": "B'1'",
             "c_bit10": "B'1000000001'", "c_varbit": "B'10110'", "c_point": "'(1.5,-2)'", "c_inet": "'192.168.0.1/24'",
             "c_domain": "42"],
         14 * month + 3 * day + 4 * hour + 5 * 60_000_000 + 6_500_000),
        (2, [:], nil),
        (3, ["c_bool": "false", "c_int2": "-32768", "c_int4": "2147483647", "c_int8": "-9223372036854775808",
             "c_float4": "'NaN'", "c_float8": "'Infinity'", "c_num102": "-0.01", "c_num": "'NaN'", "c_money": "-0.99",
             "c_text": "'é✓😀 مرحبا שלום'", "c_varchar": "''", "c_char": "''", "c_citext": "''", "c_bytea": "''",
             "c_date": "'infinity'", "c_time": "'24:00:00'", "c_time3": "'00:00:00'", "c_timetz": "'23:30:00-08'",
             "c_ts": "'infinity'", "c_ts3": "'-infinity'", "c_tstz": "'infinity'", "c_interval": "'0'",
             "c_uuid": "'00000000-0000-0000-0000-000000000000'", "c_json": "'[]'", "c_jsonb": #"'"é✓😀"'"#,
             "c_xml": "'<r>é ✓</r>'", "c_enum": "'sad'", "c_intarr": "'{}'",
             "c_textarr2": #"'{{NULL,"q\"uote"},{"back\\slash","com,ma"}}'"#, "c_bit1": "B'0'",
             "c_bit10": "B'0000000000'", "c_varbit": "B''", "c_point": "'(0,0)'", "c_inet": "'::1'", "c_domain": "1"],
         0),
        (4, ["c_float4": "'-Infinity'", "c_float8": "'NaN'", "c_int8": "0", "c_num": "'-Infinity'",
             "c_text": #"E'tab\there\nnew\\line \"dq\" ''sq'' \r cr {braces} ,comma'"#, "c_varchar": #"E'\\N'"#,
             "c_char": #"E'a\tb'"#, "c_citext": #"E'\\'"#, "c_date": "'0044-03-15 BC'", "c_time": "'00:00:00.000001'",
             "c_ts": "'1969-12-31 23:59:59.5'", "c_ts3": "'1969-12-31 23:59:59.999'", "c_tstz": "'0044-03-15 10:00:00+00 BC'",
             "c_interval": "'-1 years -2 mons +3 days -00:00:00.5'", "c_json": #"E'{"k":\t"tab\\t \\"q\\" \\\\ é",\n"n": null}'"#,
             "c_jsonb": #"'{"nested": {"arr": [1, "two", null, true]}}'"#, "c_intarr": "'{{1,NULL},{3,4}}'",
             "c_textarr2": #"E'{{"",NULL},{"NULL","tab\there"}}'"#, "c_varbit": "B'1111111100000001'",
             "c_point": "'(-1e+20,3.25)'"],
         -14 * month + 3 * day - 500_000),
        (5, ["c_float4": "'Infinity'", "c_float8": "'-Infinity'", "c_num": "1e-20", "c_text": "''",
             "c_bytea": "(SELECT decode(string_agg(lpad(to_hex(i), 2, '0'), '' ORDER BY i), 'hex') FROM generate_series(0, 255) i)",
             "c_date": "'-infinity'", "c_ts": "'-infinity'", "c_ts3": "'infinity'", "c_tstz": "'-infinity'",
             "c_interval": "'-0.5 seconds'", "c_intarr": "'[0:1]={7,NULL}'", "c_timetz": "'00:00:00+00'",
             "c_time3": "'23:59:59.999'", "c_textarr2": #"'{{"x,y","}"}}'"#],
         -500_000),
        (6, ["c_date": "'10000-01-01'", "c_ts": "'10000-01-01 00:00:00'", "c_ts3": "'1900-02-28 23:59:59.001'",
             "c_tstz": "'10000-06-01 12:00:00.000001+00'", "c_interval": "'1000 years 1 day 36:00:00'",
             "c_float8": "1e-300", "c_float4": "-0", "c_num102": "-99999999.99", "c_money": "-92233720368547758.08",
             "c_timetz": "'12:00:00+05:30:15'"],
         12_000 * month + day + 36 * hour),
    ]

    private func createTable(_ schema: String, _ connection: PGConnection) throws -> [(String, String)] {
        var columns = Self.columns.map { ($0.0, $0.1.replacingOccurrences(of: "S.", with: schema + ".")) }
        try connection.execute("""
            CREATE TYPE \(schema).mood AS ENUM ('sad', 'ok', 'happy ☺');
            CREATE DOMAIN \(schema).posint AS integer CHECK (VALUE > 0)
            """)
        // citext is optional: use it only when this test can install it into its own schema.
        if (try? connection.execute("CREATE EXTENSION citext SCHEMA \(schema)")) != nil {
            columns.insert(("c_citext", "\(schema).citext"), at: 12)
        }
        let list = columns.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        try connection.execute("CREATE TABLE \(schema).all_types (id integer PRIMARY KEY, \(list))")
        for row in Self.rows {
            let names = columns.map(\.0).filter { row.values[$0] != nil }
            let values = names.map { row.values[$0]! }
            try connection.execute("INSERT INTO \(schema).all_types (id\(names.map { ", " + $0 }.joined())) VALUES (\(row.id)\(values.map { ", " + $0 }.joined()))")
        }
        return columns
    }

    /// The expected value of each column, as the server computes it from the stored value.
    private static func expectationSQL(_ schema: String, citext: Bool) -> String {
        """
        SELECT id, c_bool::text, c_int2::text, c_int4::text, c_int8::text, c_float4::text, c_float8::text,
          c_num102::text, c_num::text, c_money::numeric::text, c_text, c_varchar, c_char,
          replace(encode(c_bytea, 'base64'), E'\\n', ''),
          CASE WHEN isfinite(c_date) THEN (c_date - DATE '1970-01-01')::text WHEN c_date > DATE 'epoch' THEN '2147483647' WHEN c_date < DATE 'epoch' THEN '-2147483648' END,
          (extract(epoch FROM c_time) * 1000000)::int8::text, (extract(epoch FROM c_time3) * 1000)::int8::text,
          (c_timetz AT TIME ZONE 'UTC')::time::text,
          CASE WHEN isfinite(c_ts) THEN (extract(epoch FROM c_ts) * 1000000)::int8::text
               WHEN c_ts > 'epoch' THEN '9223372036854775807' WHEN c_ts < 'epoch' THEN '-9223372036854775808' END,
          CASE WHEN isfinite(c_ts3) THEN floor(extract(epoch FROM c_ts3) * 1000)::int8::text
               WHEN c_ts3 > 'epoch' THEN '9223372036854775807' WHEN c_ts3 < 'epoch' THEN '-9223372036854775808' END,
          CASE WHEN isfinite(c_tstz) THEN to_char(c_tstz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US BC') ELSE c_tstz::text END,
          c_uuid::text, c_json::text, c_jsonb::text, c_xml::text, c_enum::text,
          array_to_json(c_intarr)::text, array_to_json(c_textarr2)::text, c_bit1::text, c_bit10::int::text,
          length(c_varbit)::text, lpad(c_varbit::text, 32, '0')::bit(32)::int::text,
          c_point[0]::text, c_point[1]::text, c_inet, c_domain::text, \(citext ? "c_citext::text" : "NULL")
        FROM \(schema).all_types ORDER BY id
        """
    }

    /// `to_char(…, 'YYYY-MM-DD"T"HH24:MI:SS.US BC')` → Debezium's ISO form: astronomical year
    /// (signed beyond 0000–9999), six fraction digits (timestamptz's precision, as Debezium's
    /// ZonedTimestamp pads them), `Z`.
    private static func isoTimestamp(fromToChar text: String) -> String {
        var body = Substring(text)
        let bc = body.hasSuffix(" BC")
        body = body.dropLast(3)
        let dash = body.firstIndex(of: "-")!
        var year = Int(body[..<dash])!
        if bc { year = 1 - year }
        let yearText = year < 0 ? "-" + pad4(-year) : year > 9999 ? "+\(year)" : pad4(year)
        return yearText + String(body[dash...]) + "Z"
    }

    private static func pad4(_ n: Int) -> String { String(repeating: "0", count: max(0, 4 - String(n).count)) + String(n) }

    private static func base64LittleEndian(_ value: Int64, bytes count: Int) -> String {
        Data((0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }).base64EncodedString()
    }

    private func assertJSONEqual(_ actual: Any?, _ expectedJSON: String?, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let expectedJSON else { return XCTAssertTrue(actual is NSNull, "\(what): expected null, got \(actual ?? "missing")", file: file, line: line) }
        let expected = try? JSONSerialization.jsonObject(with: Data(expectedJSON.utf8), options: .fragmentsAllowed)
        XCTAssertTrue(expected != nil && JSONShape.equal(actual, expected), "\(what): \(actual ?? "missing") != \(expectedJSON)", file: file, line: line)
    }

    private func assertFloat(_ actual: Any?, _ expected: String?, single: Bool, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let expected else { return XCTAssertTrue(actual is NSNull, "\(what): expected null", file: file, line: line) }
        if ["NaN", "Infinity", "-Infinity"].contains(expected) {
            return XCTAssertEqual(actual as? String, expected, what, file: file, line: line)
        }
        guard let number = actual as? Double, !JSONShape.isBool(actual), let want = Double(expected) else {
            return XCTFail("\(what): \(actual ?? "missing") is not the number \(expected)", file: file, line: line)
        }
        if single { XCTAssertEqual(Float(number), Float(want), what, file: file, line: line) } else { XCTAssertEqual(number, want, what, file: file, line: line) }
    }

    func testEveryColumnTypeMatchesServerComputedValues() throws {
        try withScratchSchema { schema, connection in
            let columns = try createTable(schema, connection)
            let citext = columns.contains { $0.0 == "c_citext" }
            let expected = try queryRows(connection, Self.expectationSQL(schema, citext: citext), columns: 37)
            var events: [([String: Any], String)] = []
            try forEachSnapshotEvent(tables: [TableName(schema: schema, table: "all_types")]) { events.append(($0, $1)) }
            XCTAssertEqual(events.count, Self.rows.count)
            XCTAssertEqual(expected.count, Self.rows.count)

            for ((event, raw), (want, row)) in zip(events, zip(expected, Self.rows)) {
                XCTAssertEqual(JSONShape.keys(in: raw, path: ["after"]), ["id"] + columns.map(\.0), "after keys in column order")
                guard let after = event["after"] as? [String: Any] else { XCTFail("no after: \(raw)"); continue }
                let id = row.id
                XCTAssertEqual(JSONShape.int64(after["id"]), Int64(id), "rows in insertion order")
                func v(_ c: String) -> Any? { after[c] }
                func w(_ i: Int) -> String? { want[i] }
                func str(_ c: String, _ i: Int) { XCTAssertEqual(v(c) as? String, w(i), "id \(id) \(c)"); if w(i) == nil { XCTAssertTrue(v(c) is NSNull, "id \(id) \(c) null") } }
                func int(_ c: String, _ expected: String?) {
                    if let expected { XCTAssertEqual(JSONShape.int64(v(c)), Int64(expected), "id \(id) \(c): \(v(c) ?? "missing")") } else { XCTAssertTrue(v(c) is NSNull, "id \(id) \(c) null") }
                }

                if let b = w(1) { XCTAssertTrue(JSONShape.isBool(v("c_bool")) && (v("c_bool") as? Bool) == (b == "true"), "id \(id) c_bool") } else { XCTAssertTrue(v("c_bool") is NSNull) }
                int("c_int2", w(2)); int("c_int4", w(3)); int("c_int8", w(4))
                assertFloat(v("c_float4"), w(5), single: true, "id \(id) c_float4")
                assertFloat(v("c_float8"), w(6), single: false, "id \(id) c_float8")
                str("c_num102", 7); str("c_num", 8); str("c_money", 9); str("c_text", 10); str("c_varchar", 11); str("c_char", 12)
                str("c_bytea", 13)
                int("c_date", w(14)); int("c_time", w(15)); int("c_time3", w(16))
                XCTAssertEqual(v("c_timetz") as? String, w(17).map { $0 + "Z" }, "id \(id) c_timetz")
                int("c_ts", w(18)); int("c_ts3", w(19))
                let tstz = w(20).map { $0.hasSuffix("infinity") ? $0 : Self.isoTimestamp(fromToChar: $0) }
                XCTAssertEqual(v("c_tstz") as? String, tstz, "id \(id) c_tstz")
                int("c_interval", row.interval.map(String.init))
                str("c_uuid", 21); str("c_json", 22); str("c_jsonb", 23); str("c_xml", 24); str("c_enum", 25)
                assertJSONEqual(v("c_intarr"), w(26), "id \(id) c_intarr")
                assertJSONEqual(v("c_textarr2"), w(27), "id \(id) c_textarr2")
                if let bit = w(28) { XCTAssertTrue(JSONShape.isBool(v("c_bit1")) && (v("c_bit1") as? Bool) == (bit == "1"), "id \(id) c_bit1") } else { XCTAssertTrue(v("c_bit1") is NSNull) }
                XCTAssertEqual(v("c_bit10") as? String, w(29).map { Self.base64LittleEndian(Int64($0)!, bytes: 2) }, "id \(id) c_bit10")
                if let length = w(30).flatMap({ Int($0) }), let value = w(31).flatMap({ Int64($0) }) {
                    XCTAssertEqual(v("c_varbit") as? String, Self.base64LittleEndian(value, bytes: (length + 7) / 8), "id \(id) c_varbit")
                } else { XCTAssertTrue(v("c_varbit") is NSNull, "id \(id) c_varbit") }
                if let x = w(32).flatMap(Double.init), let y = w(33).flatMap(Double.init) {
                    let point = v("c_point") as? [String: Any]
                    XCTAssertEqual(point?["x"] as? Double, x, "id \(id) point x")
                    XCTAssertEqual(point?["y"] as? Double, y, "id \(id) point y")
                    let wkb = Data([1, 1, 0, 0, 0] + withUnsafeBytes(of: x.bitPattern.littleEndian, Array.init) + withUnsafeBytes(of: y.bitPattern.littleEndian, Array.init))
                    XCTAssertEqual(point?["wkb"] as? String, wkb.base64EncodedString(), "id \(id) point wkb")
                    XCTAssertTrue(point?["srid"] is NSNull, "id \(id) point srid")
                    XCTAssertEqual(JSONShape.keys(in: raw, path: ["after", "c_point"]), ["x", "y", "wkb", "srid"])
                } else { XCTAssertTrue(v("c_point") is NSNull, "id \(id) c_point") }
                str("c_inet", 34)
                int("c_domain", w(35))
                if citext { str("c_citext", 36) }
            }
            // Spot checks of literal values, so a wrong server-side expectation cannot hide a bug.
            let byID = Dictionary(uniqueKeysWithValues: events.compactMap { e -> (Int64, [String: Any])? in
                guard let a = e.0["after"] as? [String: Any], let id = JSONShape.int64(a["id"]) else { return nil }
                return (id, a)
            })
            XCTAssertEqual(byID[1]?["c_tstz"] as? String, "2026-11-24T08:15:30.500000Z")
            XCTAssertEqual(byID[1]?["c_timetz"] as? String, "04:45:30.5Z")
            XCTAssertEqual(byID[1]?["c_bit10"] as? String, "AQI=")
            XCTAssertEqual(byID[3]?["c_date"] as? Int, Int(Int32.max))
            XCTAssertEqual(byID[3]?["c_char"] as? String, "     ")
            XCTAssertEqual(byID[3]?["c_varchar"] as? String, "")
            XCTAssertEqual(byID[3]?["c_bytea"] as? String, "")
            XCTAssertEqual(byID[3]?["c_timetz"] as? String, "07:30:00Z")
            XCTAssertEqual(byID[4]?["c_varchar"] as? String, "\\N")
            XCTAssertEqual(byID[4]?["c_tstz"] as? String, "-0043-03-15T10:00:00.000000Z")
            XCTAssertEqual(byID[4]?["c_ts"] as? Int, -500_000)
            XCTAssertEqual(byID[4]?["c_ts3"] as? Int, -1)
            XCTAssertEqual(byID[5]?["c_text"] as? String, "")
            XCTAssertEqual(byID[5]?["c_tstz"] as? String, "-infinity")
            XCTAssertEqual((byID[5]?["c_bytea"] as? String).flatMap { Data(base64Encoded: $0) }, Data((0...255).map { UInt8($0) }))
            XCTAssertEqual(byID[6]?["c_tstz"] as? String, "+10000-06-01T12:00:00.000001Z")
            XCTAssertEqual(byID[6]?["c_timetz"] as? String, "06:29:45Z")
            for (name, _) in columns { XCTAssertTrue(byID[2]?[name] is NSNull, "row 2 \(name) must be null") }
        }
    }

    func testArraysOfConvertedElementTypes() throws {
        try withScratchSchema { schema, connection in
            try connection.execute("""
                CREATE TABLE \(schema).arrays (id int PRIMARY KEY, d date[], b bytea[], m money[], f boolean[], n numeric(6,2)[]);
                INSERT INTO \(schema).arrays VALUES
                  (1, '{2024-02-29,NULL,1969-12-31}', ARRAY['\\x00ff'::bytea, NULL, ''], '{1.50,-2}', '{t,NULL,f}', '{{1.5,NULL},{-3,4.25}}'),
                  (2, '{}', '{}', NULL, '{}', '{}')
                """)
            let want = try queryRows(connection, """
                SELECT (SELECT array_to_json(array_agg(x - DATE '1970-01-01' ORDER BY o)) FROM unnest(d) WITH ORDINALITY u(x, o))::text,
                       (SELECT array_to_json(array_agg(replace(encode(x, 'base64'), E'\\n', '') ORDER BY o)) FROM unnest(b) WITH ORDINALITY u(x, o))::text,
                       (SELECT array_to_json(array_agg(x::numeric::text ORDER BY o)) FROM unnest(m) WITH ORDINALITY u(x, o))::text,
                       array_to_json(f)::text
                FROM \(schema).arrays ORDER BY id
                """, columns: 4)
            let events = try snapshotEvents(tables: [TableName(schema: schema, table: "arrays")])
            XCTAssertEqual(events.count, 2)
            let first = events.first?["after"] as? [String: Any]
            assertJSONEqual(first?["d"], want[0][0], "date[]")
            assertJSONEqual(first?["b"], want[0][1], "bytea[]")
            assertJSONEqual(first?["m"], want[0][2], "money[]")
            assertJSONEqual(first?["f"], want[0][3], "boolean[]")
            assertJSONEqual(first?["d"], "[19782,null,-1]", "date[] literal")
            assertJSONEqual(first?["n"], #"[["1.50",null],["-3.00","4.25"]]"#, "numeric(6,2)[][]")
            let second = events.last?["after"] as? [String: Any]
            for column in ["d", "b", "f", "n"] { assertJSONEqual(second?[column], "[]", "empty \(column)") }
            XCTAssertTrue(second?["m"] is NSNull)
        }
    }

    func testEnvelopeAndSourceBlock() throws {
        try withScratchSchema { schema, connection in
            try connection.execute("CREATE TABLE \(schema).\"Mixed Case\" (id int PRIMARY KEY, v text); INSERT INTO \(schema).\"Mixed Case\" SELECT i, 'v' || i FROM generate_series(1, 3) i")
            let lsn = "SELECT (pg_current_wal_lsn() - '0/0')::text"
            let lsnBefore = Int64(try connection.query(lsn).string(0, 0))!
            let wallBefore = Int64(Date().timeIntervalSince1970 * 1_000_000)
            var lines: [([String: Any], String)] = []
            try forEachSnapshotEvent(tables: [TableName(schema: schema, table: "Mixed Case")], prefix: "my.server") { lines.append(($0, $1)) }
            let wallAfter = Int64(Date().timeIntervalSince1970 * 1_000_000)
            let lsnAfter = Int64(try connection.query(lsn).string(0, 0))!
            XCTAssertEqual(lines.count, 3)
            XCTAssertEqual(lines.map { ($0.0["source"] as? [String: Any])?["snapshot"] as? String }, ["first", "true", "last"])
            for (event, raw) in lines {
                XCTAssertEqual(JSONShape.keys(in: raw), ["before", "after", "source", "op", "ts_ms", "ts_us", "ts_ns", "transaction"])
                XCTAssertEqual(JSONShape.keys(in: raw, path: ["source"]), ["version", "connector", "name", "ts_ms", "snapshot", "db", "sequence",
                                                                         "ts_us", "ts_ns", "schema", "table", "txId", "lsn", "xmin", "origin", "origin_lsn"])
                XCTAssertTrue(raw.hasPrefix(#"{"before":null,"after":{"id":"#), raw)
                XCTAssertTrue(event["before"] is NSNull)
                XCTAssertEqual(event["op"] as? String, "r")
                XCTAssertTrue(event["transaction"] is NSNull)
                let tsUs = JSONShape.int64(event["ts_us"]) ?? 0
                XCTAssertEqual(JSONShape.int64(event["ts_ms"]), tsUs / 1000)
                XCTAssertEqual((JSONShape.int64(event["ts_ns"]) ?? 0) / 1000, tsUs)
                XCTAssertTrue((wallBefore - 1_000_000)...(wallAfter + 1_000_000) ~= tsUs, "event ts_us \(tsUs) outside the run")
                guard let source = event["source"] as? [String: Any] else { XCTFail("no source"); continue }
                XCTAssertEqual(source["version"] as? String, CDCCtlVersion.current)
                XCTAssertEqual(source["connector"] as? String, "postgresql")
                XCTAssertEqual(source["name"] as? String, "my.server")
                XCTAssertEqual(source["db"] as? String, connection.database)
                XCTAssertEqual(source["db"] as? String, URL(string: try TestDatabase.url)?.lastPathComponent)
                XCTAssertEqual(source["schema"] as? String, schema)
                XCTAssertEqual(source["table"] as? String, "Mixed Case")
                for key in ["xmin", "origin", "origin_lsn"] { XCTAssertTrue(source[key] is NSNull, "source.\(key) must be null") }
                // As Debezium: the snapshot transaction's txid_current(), and sequence [null, "<lsn>"].
                XCTAssertNotNil(JSONShape.int64(source["txId"]), "source.txId is the snapshot transaction's id")
                XCTAssertEqual(source["sequence"] as? String, "[null,\"\(JSONShape.int64(source["lsn"]) ?? -1)\"]")
                let sourceUs = JSONShape.int64(source["ts_us"]) ?? 0
                XCTAssertEqual(JSONShape.int64(source["ts_ms"]), sourceUs / 1000)
                XCTAssertEqual(JSONShape.int64(source["ts_ns"]), sourceUs * 1000)
                XCTAssertTrue((wallBefore - 1_000_000)...(wallAfter + 1_000_000) ~= sourceUs, "source ts_us \(sourceUs) outside the run")
                XCTAssertLessThanOrEqual(sourceUs, tsUs + 1000, "snapshot start after the event was rendered")
                let eventLSN = JSONShape.int64(source["lsn"]) ?? -1
                XCTAssertTrue(lsnBefore...lsnAfter ~= eventLSN, "source.lsn \(eventLSN) outside [\(lsnBefore), \(lsnAfter)]")
            }
            XCTAssertEqual(Set(lines.map { JSONShape.int64(($0.0["source"] as? [String: Any])?["ts_us"]) ?? 0 }).count, 1, "one snapshot time for all events")
        }
    }
}
