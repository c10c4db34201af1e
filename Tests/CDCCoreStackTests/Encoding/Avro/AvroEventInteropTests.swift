import AvroCodec
import CDCTestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest
@testable import CDCCore

/// Interop: Confluent's own Python deserializer (confluent_kafka's `AvroDeserializer`, on fastavro,
/// fetching writer schemas from the registry by id) decodes cdcctl's Avro change events for a
/// table holding every type in `docs/types.md`, with values equal to the rows in PostgreSQL.
///
/// The path under test, end to end: real PostgreSQL → `COPY … TO STDOUT` (the snapshot's own
/// statement) → `AvroEventEncoder` (op `r`) → key/value schemas registered with
/// `SchemaRegistryClient` under `<topic>-key` / `<topic>-value` on the real `cdcctl registry
/// serve` → Confluent framing → `e2e/lib/avro_interop.py` (AvroDeserializer) → JSON.
///
/// The reference is the JSON snapshot of the same table (`SnapshotReader`), which
/// `SnapshotTypesTests` checks against values PostgreSQL computes itself. The decoded Avro event
/// must equal it field for field, with one documented normalisation: `real` (float32) values are
/// compared after rounding both sides to `Float` (Avro carries the float32 itself; JSON carries
/// PostgreSQL's shortest decimal for it). Everything else compares exactly: decimals as exact
/// strings, bytes as base64, NaN/±Infinity as the strings JsonConverter uses. Since the encoder
/// is given the JSON event's own position and clock, the whole envelope (source block, op,
/// ts_ms/ts_us/ts_ns, transaction) must match too.
///
/// Registry: `CDCCTL_REGISTRY_URL` when set (the stack's), otherwise a throw-away
/// `cdcctl registry serve` on a free port with a temp data dir, run from the binary next to the
/// test bundle (`swift build` first).
final class AvroEventInteropTests: XCTestCase {
    private static let prefix = "interop"

    // MARK: - the every-type table

    /// One column type and eight values (SQL expressions), one per row. The table gets the type
    /// twice: `c_<name>` nullable (NULL in rows 3 and 7) and `n_<name>` NOT NULL (every value).
    /// `S.` is replaced by the scratch schema.
    private struct TypeCase {
        let name: String
        let sql: String
        let values: [String]
        init(_ name: String, _ sql: String, _ values: [String]) {
            precondition(values.count == AvroEventInteropTests.rowCount, "\(name): \(values.count) values")
            self.name = name
            self.sql = sql
            self.values = values
        }
    }

    private static let rowCount = 8
    private static let nullRows: Set<Int> = [2, 6]

    private static let typeCases: [TypeCase] = [
        TypeCase("bool", "boolean", ["true", "false", "true", "false", "true", "false", "true", "false"]),
        TypeCase("int2", "smallint", ["32767", "-32768", "0", "-1", "1", "255", "-256", "12345"]),
        TypeCase("int4", "integer", ["2147483647", "-2147483648", "0", "-1", "1", "65536", "-65537", "7"]),
        TypeCase("int8", "bigint", ["9223372036854775807", "-9223372036854775808", "0", "-1", "1", "4294967296", "-4294967297", "42"]),
        TypeCase("oid", "oid", ["'4294967295'", "'0'", "'1'", "'2147483648'", "'12345'", "'2147483647'", "'65536'", "'7'"]),
        TypeCase("float4", "real", ["'NaN'", "'Infinity'", "'-Infinity'", "1.1", "'-0'", "3.4028235e38", "1.4e-45", "-123.456"]),
        TypeCase("float8", "double precision", ["'NaN'", "'-Infinity'", "'Infinity'", "3.141592653589793", "'-0'", "1e-300",
                                                "1.7976931348623157e308", "5e-324"]),
        TypeCase("num3810", "numeric(38,10)", ["1234567890123456789012345678.0123456789", "-0.0000000001", "0", "-9999999999999999999999999999.9999999999",
                                                "1", "0.5", "-12.5", "99999999999999999999999999.9999999999"]),
        TypeCase("num102", "numeric(10,2)", ["-12.50", "12345678.91", "0", "-99999999.99", "0.01", "1", "-0.01", "99999999.99"]),
        TypeCase("num", "numeric", ["3.14159265358979323846264338327950288419716939937510", "-0.00000000000000000001", "0",
                                    "(repeat('9', 200) || '.' || repeat('1', 100))::numeric", "-1.5", "100000000000000000000",
                                    "-123456789012345678901234567890", "('-' || repeat('7', 130) || '.' || repeat('0', 29) || '1')::numeric"]),
        TypeCase("money", "money", ["1234.56", "-92233720368547758.08", "0", "92233720368547758.07", "-0.01", "0.99", "1000000", "-1"]),
        TypeCase("text", "text", ["'hello'", #"E'tab\there\nnew\\line "dq" ''sq'' \r cr {braces} ,comma'"#, "''", "'é✓😀 مرحبا שלום'",
                                  #"E'\\N'"#, "'NULL'", "repeat('xé', 5000)", #"E'\u0001 ctrl \u007f del'"#]),
        TypeCase("varchar", "varchar(20)", ["'varchar'", "''", "'é✓😀'", "'a b'", #"E'\\'"#, "'{x}'", "' lead'", "'trail '"]),
        TypeCase("char", "char(5)", ["'ab'", "''", "'é'", "'abcde'", #"E'a\tb'"#, "' '", "'x'", "'😀'"]),
        TypeCase("name", "name", ["'pg_name'", "'Ünïcödé'", "''", "'a b c'", "'x'", "'y'", "'z'", "'_'"]),
        TypeCase("bytea", "bytea", [#"'\x00ff10'"#, "''", "(SELECT decode(string_agg(lpad(to_hex(i), 2, '0'), '' ORDER BY i), 'hex') FROM generate_series(0, 255) i)",
                                    #"'\x5c0a09'"#, "decode(repeat('ab', 5000), 'hex')", #"'\x00'"#, #"'\xff'"#, "'abc'::bytea"]),
        TypeCase("date", "date", ["'2026-11-24'", "'1969-12-31'", "'infinity'", "'-infinity'", "'0044-03-15 BC'", "'1900-01-01'", "'10000-01-01'", "'1970-01-01'"]),
        TypeCase("time", "time", ["'10:15:30.123456'", "'00:00:00'", "'24:00:00'", "'23:59:59.999999'", "'00:00:00.000001'", "'12:00'", "'01:02:03.4'", "'13:14:15'"]),
        TypeCase("time3", "time(3)", ["'10:15:30.123'", "'00:00:00'", "'23:59:59.999'", "'24:00:00'", "'00:00:00.001'", "'12:00'", "'01:02:03.4'", "'13:14:15'"]),
        TypeCase("time0", "time(0)", ["'10:15:30'", "'00:00:00'", "'23:59:59'", "'24:00:00'", "'00:00:01'", "'12:00'", "'01:02:03'", "'13:14:15'"]),
        TypeCase("timetz", "timetz", ["'10:15:30.5+05:30'", "'23:30:00-08'", "'00:00:00+00'", "'12:00:00+05:30:15'", "'10:15:30.123456+02'",
                                      "'24:00:00+00'", "'00:00:00-14'", "'13:14:15+14'"]),
        TypeCase("ts", "timestamp", ["'2026-11-24 10:15:30.123456'", "'1969-12-31 23:59:59.5'", "'infinity'", "'-infinity'",
                                     "'1900-02-28 23:59:59.000001'", "'0044-03-15 10:00:00 BC'", "'10000-01-01 00:00:00'", "'1970-01-01 00:00:00'"]),
        TypeCase("ts3", "timestamp(3)", ["'2026-11-24 10:15:30.123'", "'1969-12-31 23:59:59.999'", "'-infinity'", "'infinity'",
                                         "'1900-02-28 23:59:59.001'", "'1970-01-01 00:00:00'", "'0001-01-01 00:00:00 BC'", "'1969-12-31 23:59:59.001'"]),
        TypeCase("ts0", "timestamp(0)", ["'2026-11-24 10:15:30'", "'1969-12-31 23:59:59'", "'infinity'", "'-infinity'", "'1900-02-28 23:59:59'",
                                         "'1970-01-01 00:00:00'", "'0044-03-15 10:00:00 BC'", "'2000-02-29 12:00:00'"]),
        TypeCase("tstz", "timestamptz", ["'2026-11-24 10:15:30.5+02'", "'0044-03-15 10:00:00+00 BC'", "'infinity'", "'-infinity'",
                                         "'1969-07-20 20:17:40.000001+00'", "'10000-06-01 12:00:00.000001+00'", "'1900-01-01 00:00:00+05:30'",
                                         "'1969-12-31 23:59:59.999999+00'"]),
        TypeCase("interval", "interval", ["'1 year 2 mons 3 days 04:05:06.5'", "'-1 years -2 mons +3 days -00:00:00.5'", "'0'",
                                          "'1000 years 1 day 36:00:00'", "'-0.5 seconds'", "'1 month'", "'-100 years'", "'00:00:00.000001'"]),
        TypeCase("uuid", "uuid", ["'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "'00000000-0000-0000-0000-000000000000'", "'ffffffff-ffff-ffff-ffff-ffffffffffff'",
                                  "'123e4567-e89b-12d3-a456-426614174000'", "gen_random_uuid()", "gen_random_uuid()", "gen_random_uuid()", "gen_random_uuid()"]),
        TypeCase("json", "json", [#"'{"a": [1, 2], "b": "x"}'"#, "'[]'", #"E'{"k":\t"tab\\t \\"q\\" \\\\ é",\n"n": null}'"#, #"'"é✓😀"'"#,
                                  "'null'", "'1'", "'{}'", #"'{"big": 123456789012345678901234567890}'"#]),
        TypeCase("jsonb", "jsonb", [#"'{"b": 2, "a": [1, 2]}'"#, "'[]'", #"'{"nested": {"arr": [1, "two", null, true]}}'"#, #"'"é✓😀"'"#,
                                    "'null'", "'1.50'", "'{}'", #"'{"k": "tab\tx"}'"#]),
        TypeCase("xml", "xml", ["'<a>1</a>'", "'<r>é ✓</r>'", "''", "'<a b=\"c\"/>'", "'text only'", "'<x/><y/>'", "'<n>&amp;</n>'", "'<e></e>'"]),
        TypeCase("enum", "S.mood", ["'sad'", "'happy ☺'", "'ok'", "'sad'", "'happy ☺'", "'ok'", "'sad'", "'ok'"]),
        TypeCase("bit1", "bit(1)", ["B'1'", "B'0'", "B'1'", "B'0'", "B'1'", "B'0'", "B'1'", "B'0'"]),
        TypeCase("bit10", "bit(10)", ["B'1000000001'", "B'0000000000'", "B'1111111111'", "B'0000000001'", "B'1000000000'", "B'0101010101'",
                                      "B'1100000000'", "B'0000000011'"]),
        TypeCase("varbit", "varbit", ["B'10110'", "B''", "B'1111111100000001'", "B'1'", "B'0000000000000000000000000000000001'", "B'0'",
                                      "B'10000000'", "B'100000000'"]),
        TypeCase("varbit5", "bit varying(5)", ["B'101'", "B''", "B'11111'", "B'1'", "B'0'", "B'00001'", "B'10'", "B'01'"]),
        TypeCase("point", "point", ["'(1.5,-2)'", "'(0,0)'", "'(-1e+20,3.25)'", "'(NaN,Infinity)'", "'(1e-300,-0)'", "'(-Infinity,5e-324)'",
                                    "'(3.141592653589793,2.718281828459045)'", "'(1,1)'"]),
        TypeCase("tsvector", "tsvector", ["'a fat cat'", #"E'''quoted'' é'"#, "''", "'a:1A b:2'", "'x'", "'😀'", "'y z'", "'w'"]),
        TypeCase("inet", "inet", ["'192.168.0.1/24'", "'::1'", "'10.0.0.1'", "'2001:db8::1/64'", "'0.0.0.0/0'", "'255.255.255.255'", "'::'", "'1.2.3.4'"]),
        TypeCase("cidr", "cidr", ["'10.0.0.0/8'", "'::/0'", "'192.168.0.0/16'", "'2001:db8::/32'", "'1.2.3.4/32'", "'0.0.0.0/0'", "'fe80::/10'", "'8.8.8.8'"]),
        TypeCase("macaddr", "macaddr", ["'08:00:2b:01:02:03'", "'00:00:00:00:00:00'", "'ff:ff:ff:ff:ff:ff'", "'08:00:2b:01:02:04'",
                                        "'08:00:2b:01:02:05'", "'08:00:2b:01:02:06'", "'08:00:2b:01:02:07'", "'08:00:2b:01:02:08'"]),
        TypeCase("range", "int4range", ["'[1,10)'", "'empty'", "'(,5]'", "'[3,)'", "'[-2147483648,2147483647)'", "'(0,1)'", "'[7,7]'", "'(,)'"]),
        TypeCase("domain", "S.posint", ["42", "1", "2147483647", "7", "8", "9", "10", "11"]),
        // One-dimensional arrays, with NULL elements and explicit bounds.
        TypeCase("int4arr", "integer[]", ["'{1,NULL,3}'", "'{}'", "'{NULL}'", "'[0:1]={7,NULL}'", "'{-2147483648,2147483647}'", "'{0}'",
                                          "'{1,2,3,4,5,6,7,8,9,10}'", "'{NULL,NULL}'"]),
        TypeCase("int2arr", "smallint[]", ["'{1,NULL,-32768}'", "'{}'", "'{32767}'", "'{NULL}'", "'{0,0}'", "'{5}'", "'{6}'", "'{7}'"]),
        TypeCase("int8arr", "bigint[]", ["'{9223372036854775807,NULL,-9223372036854775808}'", "'{}'", "'{0}'", "'{NULL}'", "'{1}'", "'{2}'", "'{3}'", "'{4}'"]),
        TypeCase("textarr", "text[]", [#"'{"a b",NULL,"q\"uote","back\\slash","com,ma","NULL",""}'"#, "'{}'", "'{é✓😀}'", #"E'{"tab\there","new\nline"}'"#,
                                       "'{NULL}'", "'{\"{braces}\"}'", "'{x}'", "'{\"  spaces  \"}'"]),
        TypeCase("float4arr", "real[]", ["'{NaN,Infinity,-Infinity,1.1,NULL,-0}'", "'{}'", "'{3.4028235e38,1.4e-45}'", "'{NULL}'", "'{0.1}'",
                                         "'{-123.456}'", "'{1}'", "'{2.5}'"]),
        TypeCase("float8arr", "double precision[]", ["'{NaN,-Infinity,Infinity,3.141592653589793,NULL,1e-300}'", "'{}'", "'{5e-324,-0}'", "'{NULL}'",
                                                     "'{0.1}'", "'{1.7976931348623157e308}'", "'{1}'", "'{2.5}'"]),
        TypeCase("numarr", "numeric[]", ["'{1.5,NULL,-0.001,12345678901234567890.123456789}'", "'{}'", "'{0}'", "'{NULL}'",
                                         "'{-0.00000000000000000001}'", "'{100}'", "'{1.10}'", "'{-7}'"]),
        TypeCase("num102arr", "numeric(10,2)[]", ["'{1.50,NULL,-99999999.99}'", "'{}'", "'{0}'", "'{NULL}'", "'{0.01}'", "'{-0.01}'", "'{1}'", "'{2}'"]),
        TypeCase("moneyarr", "money[]", ["'{1.50,NULL,-92233720368547758.08}'", "'{}'", "'{0}'", "'{NULL}'", "'{92233720368547758.07}'", "'{-0.01}'",
                                         "'{1}'", "'{2}'"]),
        TypeCase("boolarr", "boolean[]", ["'{t,f,NULL}'", "'{}'", "'{t}'", "'{NULL}'", "'{f}'", "'{t,t}'", "'{f,f}'", "'{t,f}'"]),
        TypeCase("byteaarr", "bytea[]", [#"'{"\\x00ff",NULL,"\\x"}'"#, "'{}'", #"'{"\\x5c"}'"#, "'{NULL}'", #"'{"\\x01"}'"#, #"'{"\\x02"}'"#,
                                         #"'{"\\x03"}'"#, #"'{"\\x04"}'"#]),
        TypeCase("datearr", "date[]", ["'{2026-11-24,NULL,infinity,1969-12-31}'", "'{}'", "'{-infinity}'", "'{NULL}'", "'{0044-03-15 BC}'",
                                       "'{1970-01-01}'", "'{2000-01-01}'", "'{1900-01-01}'"]),
        TypeCase("timearr", "time[]", ["'{10:15:30.123456,NULL,24:00:00}'", "'{}'", "'{00:00:00}'", "'{NULL}'", "'{12:00}'", "'{13:00}'", "'{14:00}'", "'{15:00}'"]),
        TypeCase("time3arr", "time(3)[]", ["'{10:15:30.123,NULL}'", "'{}'", "'{00:00:00}'", "'{NULL}'", "'{12:00}'", "'{13:00}'", "'{14:00}'", "'{15:00}'"]),
        TypeCase("timetzarr", "timetz[]", ["'{10:15:30.5+05:30,NULL,23:30:00-08}'", "'{}'", "'{00:00:00+00}'", "'{NULL}'", "'{12:00+01}'",
                                           "'{13:00+02}'", "'{14:00-03}'", "'{15:00+00}'"]),
        TypeCase("tsarr", "timestamp[]", [#"'{"2026-11-24 10:15:30.123456",NULL,"1969-12-31 23:59:59.5",-infinity}'"#, "'{}'", "'{infinity}'", "'{NULL}'",
                                          #"'{"0044-03-15 10:00:00 BC"}'"#, #"'{"1970-01-01 00:00:00"}'"#, #"'{"2000-01-01 00:00:00"}'"#,
                                          #"'{"1900-01-01 00:00:00"}'"#]),
        TypeCase("ts3arr", "timestamp(3)[]", [#"'{"2026-11-24 10:15:30.123",NULL,"1969-12-31 23:59:59.999"}'"#, "'{}'", "'{-infinity}'", "'{NULL}'",
                                              #"'{"1970-01-01 00:00:00"}'"#, #"'{"2000-01-01 00:00:00"}'"#, #"'{"2001-01-01 00:00:00"}'"#,
                                              #"'{"2002-01-01 00:00:00"}'"#]),
        TypeCase("tstzarr", "timestamptz[]", [#"'{"2026-11-24 10:15:30.5+02",NULL,"0044-03-15 10:00:00+00 BC",infinity}'"#, "'{}'", "'{-infinity}'", "'{NULL}'",
                                              #"'{"1970-01-01 00:00:00+00"}'"#, #"'{"2000-01-01 00:00:00+05"}'"#, #"'{"2001-01-01 00:00:00-05"}'"#,
                                              #"'{"2002-01-01 00:00:00+00"}'"#]),
        TypeCase("intervalarr", "interval[]", [#"'{"1 year 2 mons",NULL,"-0.5 seconds"}'"#, "'{}'", "'{0}'", "'{NULL}'", #"'{"1 day"}'"#,
                                               #"'{"-1 day"}'"#, #"'{"36:00:00"}'"#, #"'{"1 month"}'"#]),
        TypeCase("uuidarr", "uuid[]", ["'{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,NULL}'", "'{}'", "'{00000000-0000-0000-0000-000000000000}'", "'{NULL}'",
                                       "ARRAY[gen_random_uuid()]", "ARRAY[gen_random_uuid()]", "ARRAY[gen_random_uuid()]", "ARRAY[gen_random_uuid()]"]),
        TypeCase("jsonbarr", "jsonb[]", [#"ARRAY['{"a": 1}'::jsonb, NULL, '"x,y"'::jsonb, '[1, "two"]'::jsonb]"#, "'{}'", "ARRAY['null'::jsonb]", "'{NULL}'",
                                         "ARRAY['1'::jsonb]", "ARRAY['2'::jsonb]", "ARRAY['3'::jsonb]", "ARRAY['{}'::jsonb]"]),
        TypeCase("jsonarr", "json[]", [#"ARRAY['{"a": [1, 2]}'::json, NULL]"#, "'{}'", "ARRAY['null'::json]", "'{NULL}'",
                                       "ARRAY['1'::json]", "ARRAY['2'::json]", "ARRAY['3'::json]", "ARRAY['{}'::json]"]),
        TypeCase("xmlarr", "xml[]", ["ARRAY['<a>1</a>'::xml, NULL]", "'{}'", "ARRAY['<r>é</r>'::xml]", "'{NULL}'", "ARRAY['x'::xml]", "ARRAY['y'::xml]",
                                     "ARRAY['z'::xml]", "ARRAY['<w/>'::xml]"]),
        TypeCase("enumarr", "S.mood[]", ["'{sad,NULL,\"happy ☺\"}'", "'{}'", "'{ok}'", "'{NULL}'", "'{sad}'", "'{ok,ok}'", "'{\"happy ☺\"}'", "'{sad,ok}'"]),
        TypeCase("bit1arr", "bit(1)[]", ["'{1,NULL,0}'", "'{}'", "'{1}'", "'{NULL}'", "'{0}'", "'{1,1}'", "'{0,0}'", "'{1,0}'"]),
        TypeCase("varbitarr", "varbit[]", ["'{10110,NULL,\"\"}'", "'{}'", "'{1111111100000001}'", "'{NULL}'", "'{1}'", "'{0}'", "'{10}'", "'{01}'"]),
        TypeCase("inetarr", "inet[]", ["'{192.168.0.1/24,NULL,::1}'", "'{}'", "'{10.0.0.1}'", "'{NULL}'", "'{::}'", "'{1.2.3.4}'", "'{5.6.7.8}'", "'{9.9.9.9}'"]),
        TypeCase("chararr", "char(3)[]", ["'{ab,NULL,\"\"}'", "'{}'", "'{é}'", "'{NULL}'", "'{abc}'", "'{x}'", "'{y}'", "'{z}'"]),
        TypeCase("varchararr", "varchar(10)[]", ["'{ab,NULL,\"a,b\"}'", "'{}'", "'{é✓}'", "'{NULL}'", "'{abc}'", "'{x}'", "'{y}'", "'{z}'"]),
        TypeCase("tsvectorarr", "tsvector[]", ["ARRAY['a fat cat'::tsvector, NULL]", "'{}'", "ARRAY['x'::tsvector]", "'{NULL}'", "ARRAY['y'::tsvector]",
                                               "ARRAY['z'::tsvector]", "ARRAY['w'::tsvector]", "ARRAY['v'::tsvector]"]),
    ]

    /// Extension types, used when this test can install the extension into its own schema (an
    /// extension exists once per database, so a concurrent test may hold it).
    private static let extensionCases: [(extension: String, TypeCase)] = [
        ("citext", TypeCase("citext", "S.citext", ["'MiXeD'", "''", "'é✓😀'", #"E'\\'"#, "'a'", "'B'", "'c'", "'D'"])),
        ("ltree", TypeCase("ltree", "S.ltree", ["'a.b.c'", "'top'", "''", "'Top.Science.Astronomy'", "'x'", "'y.z'", "'a_b'", "'q'"])),
    ]

    /// Creates `S.all_types`: `id` and `region` (a two-column primary key), then each type as `c_`
    /// (nullable) and `n_` (NOT NULL). Returns the cases used.
    private func createEveryTypeTable(_ schema: String, _ connection: PGConnection) throws -> (table: TableName, cases: [TypeCase]) {
        try connection.execute("""
            CREATE TYPE \(schema).mood AS ENUM ('sad', 'ok', 'happy ☺');
            CREATE DOMAIN \(schema).posint AS integer CHECK (VALUE > 0)
            """)
        var cases = Self.typeCases
        for (ext, typeCase) in Self.extensionCases where (try? connection.execute("CREATE EXTENSION \(ext) SCHEMA \(schema)")) != nil {
            cases.append(typeCase)
        }
        let list = cases.flatMap { c -> [String] in
            let type = c.sql.replacingOccurrences(of: "S.", with: schema + ".")
            return ["c_\(c.name) \(type)", "n_\(c.name) \(type) NOT NULL"]
        }
        try connection.execute("""
            CREATE TABLE \(schema).all_types (id integer NOT NULL, region text NOT NULL, \(list.joined(separator: ", ")), PRIMARY KEY (id, region))
            """)
        let regions = ["eu", "us", "é✓", "eu", "us", "", "ap", "eu"]
        for row in 0..<Self.rowCount {
            let values = cases.flatMap { c in [Self.nullRows.contains(row) ? "NULL" : c.values[row], c.values[row]] }
            try connection.execute("""
                INSERT INTO \(schema).all_types VALUES (\(row + 1), '\(regions[row])', \(values.joined(separator: ", ")))
                """, context: "cannot insert row \(row + 1)")
        }
        return (TableName(schema: schema, table: "all_types"), cases)
    }

    // MARK: - tests

    func testEveryTypeDecodesWithConfluentAvroDeserializerToTheJSONSnapshotValues() throws {
        try withScratchSchema { schema, connection in
            let (table, cases) = try createEveryTypeTable(schema, connection)
            let result = try roundTrip(table)
            XCTAssertEqual(result.columns.count, 2 + 2 * cases.count)
            XCTAssertEqual(result.pairs.count, Self.rowCount, "one Avro record per row")
            XCTAssertEqual(result.columns.filter { $0.primaryKeyPosition != nil }.map(\.name), ["id", "region"])
            XCTAssertEqual(result.pairs.filter { $0.avro["key"] is [String: Any] }.count, Self.rowCount, "every row has a decoded key")

            let markers = result.pairs.compactMap { ($0.json["source"] as? [String: Any])?["snapshot"] as? String }
            XCTAssertEqual(markers, ["first"] + Array(repeating: "true", count: Self.rowCount - 2) + ["last"], "snapshot markers, in row order")
            for pair in result.pairs {
                assertSameEvent(pair, columns: result.columns, table: table, database: connection.database, op: "r")
            }
            // The fixture really exercises both nulls and values in every column.
            for column in result.columns {
                let values = result.pairs.map { ($0.avro["value"] as? [String: Any])?["after"].flatMap { ($0 as? [String: Any])?[column.name] } }
                XCTAssertTrue(values.contains { $0 != nil && !($0 is NSNull) }, "\(column.name) has no non-null value")
                if column.nullable { XCTAssertTrue(values.contains { $0 is NSNull }, "\(column.name) has no NULL") }
            }
            let extensions = Self.extensionCases.map(\.1.name).filter { name in cases.contains { $0.name == name } }
            print("avro interop: \(result.pairs.count) rows × \(result.columns.count) columns (\(cases.count) types, nullable and NOT NULL; "
                  + "extension types: \(extensions.isEmpty ? "none" : extensions.joined(separator: ", "))) decoded by confluent_kafka AvroDeserializer; registry \(result.registry)")
        }
    }

    /// Streaming: the same encoder fed pgoutput `TupleData` (text values as the server prints
    /// them, money as `$1,234.56`), as an update with before and after, a create and a delete,
    /// plus an unchanged TOASTed text and bytea column, against `JSONRowRenderer` + `EventRenderer`.
    func testStreamedChangesFromTupleDataDecodeToTheJSONStreamValues() throws {
        try withScratchSchema { schema, connection in
            let (table, _) = try createEveryTypeTable(schema, connection)
            let types = TypeResolver(connection: connection)
            let tableSchema = try TableSchema.load(table, connection: connection, types: types)
            let columns = tableSchema.columns
            let select = "SELECT " + columns.map { TableName.quote($0.name) }.joined(separator: ", ") + " FROM \(table.sqlIdentifier) ORDER BY id"
            let result = try connection.query(select)
            let tuples: [TupleData] = (0..<result.rowCount).map { r in
                TupleData(columns: columns.indices.map { c in result.value(r, c).map { .text(Array($0.utf8)) } ?? .null })
            }
            // An update whose new row left two TOASTed columns unchanged (they are not sent).
            let toasted = Set(["c_text", "n_bytea"])
            let updated = TupleData(columns: columns.indices.map { c in toasted.contains(columns[c].name) ? .unchangedToast : tuples[3].column(at: c) })

            let registry = try Self.registryURL()
            var encoder = try AvroTableEncoder(prefix: Self.prefix, database: connection.database, table: table, columns: columns,
                                               registry: try SchemaRegistryClient(url: registry))
            var renderer = JSONRowRenderer(table: table, columns: columns)
            let nowNanos: Int64 = 1_795_515_330_123_456_789
            var events = EventRenderer(prefix: Self.prefix, database: connection.database, clock: { nowNanos })
            let changes: [(op: CDCCore.Operation, before: TupleData?, after: TupleData?)] = [
                (.update, tuples[0], updated), (.create, nil, tuples[1]), (.delete, tuples[7], nil), (.update, tuples[4], tuples[5]),
            ]
            var records: [AvroTableEncoder.Record] = []
            var expected: [[String: Any]] = []
            for (n, change) in changes.enumerated() {
                let position = SourcePosition(commitMicros: -1_500 + Int64(n) * 1_000_000_123, sequence: (n == 0 ? nil : LSN(0x16B_3748), LSN(0x1_0000_0000 + UInt64(n))),
                                              txId: 700 + Int64(n), lsn: LSN(0x1_0000_0000 + UInt64(n)))
                let keyRow = change.after ?? change.before!
                records.append(try encoder.record(op: change.op, key: .tuple(keyRow), before: change.before.map { .tuple($0) },
                                                  after: change.after.map { .tuple($0) }, position: position, nowNanos: nowNanos))
                let before = try change.before.map { try renderer.render(.tuple($0)) }
                let after = try change.after.map { try renderer.render(.tuple($0)) }
                var line = ByteWriter()
                events.write(op: change.op, before: before, after: after, table: table, position: position, into: &line)
                expected.append(try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.bytes)) as? [String: Any]))
            }
            defer { Self.forgetSubjects(of: encoder.topic, registry: registry) }
            try assertRegisteredUnderTopicNameStrategy(encoder, registry: registry)
            let decoded = try decodeWithPython(records, topic: encoder.topic, registry: registry)
            XCTAssertEqual(decoded.count, changes.count)
            for ((avro, raw), json) in zip(decoded, expected) {
                XCTAssertEqual(JSONShape.int64(avro["value_schema_id"]), Int64(encoder.valueSchemaID))
                assertSameEvent(Pair(json: json, avro: avro, avroRaw: raw), columns: columns, table: table, database: connection.database,
                                op: json["op"] as? String ?? "?")
            }
            let first = try XCTUnwrap(decoded.first?.0["value"] as? [String: Any])
            let after = try XCTUnwrap(first["after"] as? [String: Any])
            XCTAssertEqual(after["c_text"] as? String, "__debezium_unavailable_value", "unchanged TOASTed text")
            XCTAssertEqual(after["n_bytea"] as? String, Data("__debezium_unavailable_value".utf8).base64EncodedString(), "unchanged TOASTed bytea")
            let source = try XCTUnwrap(first["source"] as? [String: Any])
            XCTAssertEqual(source["snapshot"] as? String, "false")
            XCTAssertEqual(source["sequence"] as? String, #"[null,"4294967296"]"#)
            XCTAssertEqual(JSONShape.int64(source["txId"]), 700)
            XCTAssertEqual(JSONShape.int64(source["ts_ms"]), -2, "ts_ms floors pre-1970 commit times")
            XCTAssertEqual((decoded[2].0["value"] as? [String: Any])?["after"] is NSNull, true, "delete has no after")
            XCTAssertEqual((decoded[2].0["key"] as? [String: Any]).map { JSONShape.int64($0["id"]) }, 8, "delete is keyed by the old row")
        }
    }

    /// The Key record lists the primary-key columns in key order (`PRIMARY KEY (region, id)` on a
    /// table whose columns are `id, region`), which is what the Key schema declares.
    func testKeyFieldsFollowPrimaryKeyOrderNotColumnOrder() throws {
        try withScratchSchema { schema, connection in
            try connection.execute("""
                CREATE TABLE \(schema).keyed (id integer, region text, note text, PRIMARY KEY (region, id));
                INSERT INTO \(schema).keyed VALUES (1, 'eu', 'a'), (2, 'us', NULL), (300, 'é✓ long region name', 'c')
                """)
            let table = TableName(schema: schema, table: "keyed")
            let result = try roundTrip(table)
            XCTAssertEqual(result.pairs.count, 3)
            for pair in result.pairs {
                assertSameEvent(pair, columns: result.columns, table: table, database: connection.database, op: "r")
                XCTAssertNil(pair.avro["key_error"], "key of \(pair.json["after"] ?? "?") decodes")
            }
        }
    }

    /// Multi-dimensional arrays: `int[][]`, `text[][]` and a 3-D array, with NULLs. The JSON path
    /// nests them (`[[1,null],[3,4]]`, docs/types.md "arrays (any dimension)").
    func testMultiDimensionalArraysDecodeToTheJSONSnapshotValues() throws {
        try withScratchSchema { schema, connection in
            try connection.execute("""
                CREATE TABLE \(schema).md (id integer PRIMARY KEY, a2 integer[][], t2 text[][] NOT NULL, a3 integer[][][]);
                INSERT INTO \(schema).md VALUES
                  (1, '{{1,NULL},{3,4}}', '{{"a","b"},{NULL,"q\\"uote"}}', '{{{1,2},{3,4}},{{5,6},{7,NULL}}}'),
                  (2, NULL, '{}', '{}'),
                  (3, '{{7}}', '{{x}}', NULL)
                """)
            let table = TableName(schema: schema, table: "md")
            let result = try roundTrip(table)
            XCTAssertEqual(result.pairs.count, 3)
            for pair in result.pairs { assertSameEvent(pair, columns: result.columns, table: table, database: connection.database, op: "r") }
        }
    }

    /// `numeric(p,s)` with a negative scale (PostgreSQL 15+: `numeric(5,-2)` stores multiples of
    /// 100). The value schema must be one fastavro accepts.
    func testNegativeScaleNumericDecodes() throws {
        try withScratchSchema { schema, connection in
            try connection.execute("""
                CREATE TABLE \(schema).negscale (id integer PRIMARY KEY, hundreds numeric(5,-2), n numeric(3,-1) NOT NULL);
                INSERT INTO \(schema).negscale VALUES (1, 12300, 120), (2, NULL, -9990), (3, -9999900, 0)
                """)
            let table = TableName(schema: schema, table: "negscale")
            let result = try roundTrip(table)
            XCTAssertEqual(result.pairs.count, 3)
            for pair in result.pairs { assertSameEvent(pair, columns: result.columns, table: table, database: connection.database, op: "r") }
        }
    }

    /// Arrays of a record type: `point[]` (each element a Point record in an optional union).
    func testPointArraysDecodeToTheJSONSnapshotValues() throws {
        try withScratchSchema { schema, connection in
            try connection.execute("""
                CREATE TABLE \(schema).pts (id integer PRIMARY KEY, p point, ps point[], nps point[] NOT NULL);
                INSERT INTO \(schema).pts VALUES
                  (1, '(1,2)', '{"(1.5,-2)",NULL,"(0,0)"}', '{"(3,4)"}'),
                  (2, NULL, NULL, '{}'),
                  (3, '(5,6)', '{NULL}', '{"(NaN,-Infinity)"}')
                """)
            let table = TableName(schema: schema, table: "pts")
            let result = try roundTrip(table)
            XCTAssertEqual(result.pairs.count, 3)
            for pair in result.pairs { assertSameEvent(pair, columns: result.columns, table: table, database: connection.database, op: "r") }
        }
    }

    // MARK: - the round trip

    /// One event both ways: the JSON snapshot's, and the decoded Avro record (parsed, and the raw
    /// line for key order).
    private struct Pair {
        let json: [String: Any]
        let avro: [String: Any]
        let avroRaw: String
    }

    /// Snapshots `table` as JSON, then reads it again with COPY and encodes every row as an Avro
    /// snapshot event carrying the JSON event's own position, marker and clock; decodes them in
    /// Python and pairs them up by primary key.
    private func roundTrip(_ table: TableName, file: StaticString = #filePath, line: UInt = #line) throws
        -> (columns: [Column], pairs: [Pair], registry: String) {
        var jsonEvents: [[String: Any]] = []
        try forEachSnapshotEvent(tables: [table], prefix: Self.prefix, file: file, line: line) { event, _ in jsonEvents.append(event) }

        let connection = try connect()
        let schema = try TableSchema.load(table, connection: connection, types: TypeResolver(connection: connection))
        let registry = try Self.registryURL()
        var encoder = try AvroTableEncoder(prefix: Self.prefix, database: connection.database, table: table, columns: schema.columns,
                                           registry: try SchemaRegistryClient(url: registry))
        XCTAssertEqual(encoder.topic, "\(Self.prefix).\(table.schema).\(table.table)", file: file, line: line)

        // The JSON events by their `id` (every test table has an integer id as its first column).
        var byID: [Int64: [String: Any]] = [:]
        for event in jsonEvents {
            guard let after = event["after"] as? [String: Any], let id = JSONShape.int64(after["id"]) else { throw HarnessError("JSON event without after.id") }
            byID[id] = event
        }
        var records: [AvroTableEncoder.Record] = []
        var order: [[String: Any]] = []
        try connection.copyOut(SnapshotReader.copyStatement(schema), context: "cannot COPY \(table)") { line in
            let firstField = line.prefix { $0 != 0x09 && $0 != 0x0A }
            guard let id = Int64(String(decoding: firstField, as: UTF8.self)), let event = byID[id],
                  let source = event["source"] as? [String: Any], let marker = source["snapshot"] as? String,
                  let commitMicros = JSONShape.int64(source["ts_us"]), let nowNanos = JSONShape.int64(event["ts_ns"]) else {
                throw HarnessError("COPY row \(String(decoding: line, as: UTF8.self).prefix(80)) has no JSON event")
            }
            let lsn = (source["lsn"] as? NSNumber).map { LSN($0.uint64Value) }
            // A snapshot's sequence is `[null,"<lsn>"]` and its txId the snapshot transaction's.
            let position = SourcePosition(commitMicros: commitMicros, snapshot: SnapshotMarker(rawValue: marker),
                                          sequence: lsn.map { (nil, $0) }, txId: JSONShape.int64(source["txId"]), lsn: lsn)
            records.append(try encoder.snapshotRead(copyLine: line, position: position, nowNanos: nowNanos))
            order.append(event)
        }
        XCTAssertEqual(records.count, jsonEvents.count, "COPY and the JSON snapshot read the same rows", file: file, line: line)

        defer { Self.forgetSubjects(of: encoder.topic, registry: registry) }
        try assertRegisteredUnderTopicNameStrategy(encoder, registry: registry, file: file, line: line)
        let decoded = try decodeWithPython(records, topic: encoder.topic, registry: registry, file: file, line: line)
        var pairs: [Pair] = []
        for ((avro, raw), json) in zip(decoded, order) {
            if avro["value_error"] == nil {
                XCTAssertEqual(JSONShape.int64(avro["value_schema_id"]), Int64(encoder.valueSchemaID), "value schema id", file: file, line: line)
            }
            if avro["key_error"] == nil {
                XCTAssertEqual(JSONShape.int64(avro["key_schema_id"]), encoder.keySchemaID.map(Int64.init), "key schema id", file: file, line: line)
            }
            pairs.append(Pair(json: json, avro: avro, avroRaw: raw))
        }
        return (schema.columns, pairs, registry)
    }

    /// Writes `records` as `topic<TAB>keyhex<TAB>valuehex` lines, runs e2e/lib/avro_interop.py and
    /// returns each decoded record (parsed, raw line). Records that fail to decode fail the test.
    private func decodeWithPython(_ records: [AvroTableEncoder.Record], topic: String, registry: String,
                                  file: StaticString = #filePath, line: UInt = #line) throws -> [([String: Any], String)] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cdcctl-avro-interop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("records.tsv")
        let hex = { (bytes: [UInt8]) in bytes.map { String(format: "%02x", $0) }.joined() }
        let text = records.map { "\(topic)\t\($0.key.map(hex) ?? "-")\t\(hex($0.value))\n" }.joined()
        try Data(text.utf8).write(to: input)
        if let keep = ProcessInfo.processInfo.environment["CDCCTL_AVRO_INTEROP_KEEP"], !keep.isEmpty { // for debugging a failure
            let copy = URL(fileURLWithPath: keep).appendingPathComponent("\(topic).tsv")
            try? FileManager.default.removeItem(at: copy)
            try? FileManager.default.copyItem(at: input, to: copy)
        }

        let script = LocalStack.packageRoot.appendingPathComponent("e2e/lib/avro_interop.py")
        let run = try ProcessRunner.run(URL(fileURLWithPath: try Self.python()), [script.path, registry, input.path], timeout: 300)
        var byLine: [Int: ([String: Any], String)] = [:]
        for raw in run.text.split(separator: "\n").map(String.init) {
            guard let object = try JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [String: Any],
                  let number = JSONShape.int64(object["line"]).map(Int.init) else {
                XCTFail("avro_interop.py printed something else than a record: \(raw.prefix(300))", file: file, line: line)
                continue
            }
            for part in ["key", "value"] {
                if let error = object["\(part)_error"] {
                    XCTFail("AvroDeserializer could not decode the \(part) of record \(number) (\(topic)): \(error)", file: file, line: line)
                }
            }
            byLine[number] = (object, raw)
        }
        XCTAssertEqual(run.status, 0, "avro_interop.py exit status; stderr:\n\(run.stderr.suffix(3000))", file: file, line: line)
        XCTAssertEqual(byLine.count, records.count, "records avro_interop.py answered for", file: file, line: line)
        // Paired by line, so a record that failed cannot shift the others.
        return (0..<records.count).map { byLine[$0 + 1] ?? (["line": $0 + 1], "{}") }
    }

    // MARK: - comparison

    /// The decoded Avro event equals the JSON event: every column of before/after (float32 after
    /// rounding to Float), the key, the source block and the rest of the envelope, in field order.
    private func assertSameEvent(_ pair: Pair, columns: [Column], table: TableName, database: String, op: String,
                                 file: StaticString = #filePath, line: UInt = #line) {
        if pair.avro["value_error"] != nil { return } // reported where it was decoded
        guard let value = pair.avro["value"] as? [String: Any] else { return XCTFail("no decoded value: \(pair.avroRaw.prefix(300))", file: file, line: line) }
        let id = ((pair.json["after"] as? [String: Any]) ?? (pair.json["before"] as? [String: Any]))?["id"] ?? "?"
        let what = "\(table) id \(id) op \(op)"
        XCTAssertEqual(JSONShape.keys(in: pair.avroRaw, path: ["value"]), ["before", "after", "source", "op", "ts_ms", "ts_us", "ts_ns", "transaction"],
                       "\(what): envelope field order", file: file, line: line)
        XCTAssertEqual(value["op"] as? String, op, "\(what): op", file: file, line: line)
        for image in ["before", "after"] {
            let avroRow = value[image], jsonRow = pair.json[image]
            if jsonRow is NSNull || jsonRow == nil {
                XCTAssertTrue(avroRow is NSNull, "\(what): \(image) should be null, decoded \(Self.describe(avroRow))", file: file, line: line)
                continue
            }
            guard let a = avroRow as? [String: Any], let j = jsonRow as? [String: Any] else {
                XCTFail("\(what): \(image) decoded as \(Self.describe(avroRow))", file: file, line: line)
                continue
            }
            XCTAssertEqual(JSONShape.keys(in: pair.avroRaw, path: ["value", image]), columns.map(\.name), "\(what): \(image) field order", file: file, line: line)
            for column in columns {
                let x = Self.normalized(a[column.name], column.type), y = Self.normalized(j[column.name], column.type)
                if !JSONShape.equal(x, y) {
                    XCTFail("\(what): \(image).\(column.name) (\(column.typeName)): AvroDeserializer gave \(Self.describe(x)), the JSON path \(Self.describe(y))",
                            file: file, line: line)
                }
            }
        }
        // The key: the primary-key columns in key order, equal to the row's.
        let keyColumns = columns.filter { $0.primaryKeyPosition != nil }.sorted { $0.primaryKeyPosition! < $1.primaryKeyPosition! }
        let keyRow = ((pair.json["after"] as? [String: Any]) ?? (pair.json["before"] as? [String: Any])) ?? [:]
        if pair.avro["key_error"] != nil {
            // reported where it was decoded
        } else if keyColumns.isEmpty {
            XCTAssertTrue(pair.avro["key"] is NSNull, "\(what): null key", file: file, line: line)
        } else if let key = pair.avro["key"] as? [String: Any] {
            XCTAssertEqual(JSONShape.keys(in: pair.avroRaw, path: ["key"]), keyColumns.map(\.name), "\(what): key field order", file: file, line: line)
            for column in keyColumns where !JSONShape.equal(key[column.name], keyRow[column.name]) {
                XCTFail("\(what): key.\(column.name) \(Self.describe(key[column.name])) != \(Self.describe(keyRow[column.name]))", file: file, line: line)
            }
        } else {
            XCTFail("\(what): no key decoded", file: file, line: line)
        }
        // The source block: explicitly the fields consumers route on, then all of it against JSON.
        guard let source = value["source"] as? [String: Any], let jsonSource = pair.json["source"] as? [String: Any] else {
            return XCTFail("\(what): no source", file: file, line: line)
        }
        XCTAssertEqual(source["connector"] as? String, "postgresql", "\(what): source.connector", file: file, line: line)
        XCTAssertEqual(source["version"] as? String, CDCCtlVersion.current, "\(what): source.version", file: file, line: line)
        XCTAssertEqual(source["name"] as? String, Self.prefix, "\(what): source.name", file: file, line: line)
        XCTAssertEqual(source["db"] as? String, database, "\(what): source.db", file: file, line: line)
        XCTAssertEqual(source["schema"] as? String, table.schema, "\(what): source.schema", file: file, line: line)
        XCTAssertEqual(source["table"] as? String, table.table, "\(what): source.table", file: file, line: line)
        XCTAssertEqual(source["snapshot"] as? String, jsonSource["snapshot"] as? String, "\(what): source.snapshot", file: file, line: line)
        XCTAssertEqual(JSONShape.keys(in: pair.avroRaw, path: ["value", "source"]),
                       ["version", "connector", "name", "ts_ms", "snapshot", "db", "sequence", "ts_us", "ts_ns", "schema", "table", "txId", "lsn", "xmin", "origin", "origin_lsn"],
                       "\(what): source field order", file: file, line: line)
        for (name, expected) in jsonSource where !JSONShape.equal(source[name], expected) {
            XCTFail("\(what): source.\(name) decoded \(Self.describe(source[name])), JSON \(Self.describe(expected))", file: file, line: line)
        }
        XCTAssertEqual(Set(source.keys), Set(jsonSource.keys), "\(what): source fields", file: file, line: line)
        for name in ["ts_ms", "ts_us", "ts_ns", "transaction"] where !JSONShape.equal(value[name], pair.json[name]) {
            XCTFail("\(what): \(name) decoded \(Self.describe(value[name])), JSON \(Self.describe(pair.json[name]))", file: file, line: line)
        }
    }

    /// float32 values rounded to Float (recursively through arrays); everything else unchanged.
    static func flattened(_ items: [Any]) -> [Any] {
        items.flatMap { item -> [Any] in (item as? [Any]).map(flattened) ?? [item] }
    }

    static func normalized(_ value: Any?, _ type: ColumnType) -> Any? {
        switch type {
        case .float32:
            guard !(value is String), let number = value as? NSNumber else { return value }
            return Double(Float(number.doubleValue))
        case .array(let element):
            // Avro's array schema has one dimension: multi-dimensional arrays travel flattened
            // in row-major order (docs/types.md), so the JSON path's nesting is flattened too.
            guard let items = value as? [Any] else { return value }
            return flattened(items).map { normalized($0, element) ?? NSNull() }
        default:
            return value
        }
    }

    private static func describe(_ value: Any?) -> String {
        guard let value else { return "(missing)" }
        if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]) {
            return String(decoding: data.prefix(400), as: UTF8.self)
        }
        return "\(value)"
    }

    // MARK: - registry and processes

    /// The subjects `<topic>-key` / `<topic>-value` hold the ids the encoder framed with.
    private func assertRegisteredUnderTopicNameStrategy(_ encoder: AvroTableEncoder, registry: String,
                                                        file: StaticString = #filePath, line: UInt = #line) throws {
        for (suffix, id) in [("key", encoder.keySchemaID), ("value", Optional(encoder.valueSchemaID))] {
            let (status, answer) = try Self.http("GET", registry + "/subjects/\(encoder.topic)-\(suffix)/versions/latest")
            if let id {
                XCTAssertEqual(status, 200, "subject \(encoder.topic)-\(suffix)", file: file, line: line)
                XCTAssertEqual((answer as? [String: Any]).flatMap { JSONShape.int64($0["id"]) }, Int64(id), "id under \(encoder.topic)-\(suffix)", file: file, line: line)
            } else {
                XCTAssertEqual(status, 404, "no subject \(encoder.topic)-\(suffix) for a table without a primary key", file: file, line: line)
            }
        }
    }

    /// Deletes the test's subjects (soft, then permanently), so a shared registry does not collect them.
    private static func forgetSubjects(of topic: String, registry: String) {
        for suffix in ["key", "value"] {
            _ = try? http("DELETE", registry + "/subjects/\(topic)-\(suffix)")
            _ = try? http("DELETE", registry + "/subjects/\(topic)-\(suffix)?permanent=true")
        }
    }

    /// One blocking HTTP round trip; the answer parsed as JSON when it is JSON.
    private static func http(_ method: String, _ url: String) throws -> (status: Int, answer: Any?) {
        guard let target = URL(string: url) else { throw HarnessError("bad URL \(url)") }
        var request = URLRequest(url: target)
        request.httpMethod = method
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: (Int, Data?, Error?) = (0, nil, nil)
        URLSession.shared.dataTask(with: request) { data, response, error in
            result = ((response as? HTTPURLResponse)?.statusCode ?? 0, data, error)
            done.signal()
        }.resume()
        guard done.wait(timeout: .now() + 30) == .success else { throw HarnessError("\(method) \(url): no answer in 30 s") }
        if let error = result.2 { throw error }
        return (result.0, result.1.flatMap { try? JSONSerialization.jsonObject(with: $0, options: .fragmentsAllowed) })
    }

    private nonisolated(unsafe) static var ownRegistry: (process: Process, dir: URL, url: String)?
    private static let registryLock = NSLock()

    /// `CDCCTL_REGISTRY_URL`, or a registry this class starts once and stops in `tearDown()`.
    static func registryURL() throws -> String {
        _ = try LocalStack.pgURL() // loads the stack's exports when CDCCTL_PG_URL was not set
        if let url = ProcessInfo.processInfo.environment["CDCCTL_REGISTRY_URL"], !url.isEmpty { return url }
        registryLock.lock()
        defer { registryLock.unlock() }
        if let own = ownRegistry { return own.url }
        let binary = CLI.productsDirectory.appendingPathComponent("cdcctl")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw HarnessError("no CDCCTL_REGISTRY_URL and no cdcctl binary at \(binary.path) to run `registry serve`: swift build first")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cdcctl-avro-registry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let log = dir.appendingPathComponent("registry.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["registry", "serve", "--listen", "127.0.0.1:0", "--data-dir", dir.appendingPathComponent("data").path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"registry listening on (http://[^ ]+)"#, options: .regularExpression) {
                let url = String(text[range].dropFirst("registry listening on ".count))
                ownRegistry = (process, dir, url)
                return url
            }
            guard process.isRunning else { break }
            usleep(50_000)
        }
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: dir)
        throw HarnessError("`cdcctl registry serve` did not say where it listens within 15 s:\n\(text)")
    }

    override class func tearDown() {
        registryLock.lock()
        defer { registryLock.unlock() }
        if let own = ownRegistry {
            own.process.terminate()
            own.process.waitUntilExit()
            try? FileManager.default.removeItem(at: own.dir)
            ownRegistry = nil
        }
        super.tearDown()
    }

    static func python() throws -> String {
        _ = try LocalStack.pgURL()
        return LocalStack.python
    }
}
