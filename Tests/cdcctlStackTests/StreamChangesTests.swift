import CDCTestSupport
import Foundation
import XCTest

/// `cdcctl stream` against the real server: what each kind of change looks like as an event.
/// Each test creates its publication and slot with SQL, makes its changes, then runs the real
/// binary once with `--endpos` taken after them.
final class StreamChangesTests: XCTestCase {
    private func simpleTable(_ f: StreamFixture, _ name: String = "items", identityFull: Bool = false) throws {
        try f.sql.exec("CREATE TABLE \(f.table(name)) (id int PRIMARY KEY, v text, n int)")
        if identityFull { try f.sql.exec("ALTER TABLE \(f.table(name)) REPLICA IDENTITY FULL") }
    }

    private func dict(_ value: Any?) -> NSDictionary? { (value as? [String: Any]).map { $0 as NSDictionary } }

    private func assertRow(_ row: [String: Any]?, _ expected: [String: Any?], _ message: String = "",
                           file: StaticString = #filePath, line: UInt = #line) {
        guard let row else { return XCTFail("row is null, expected \(expected) \(message)", file: file, line: line) }
        let normalized = expected.mapValues { $0 ?? NSNull() } as [String: Any]
        XCTAssertEqual(row as NSDictionary, normalized as NSDictionary, message, file: file, line: line)
    }

    // MARK: inserts, updates, deletes

    func testInsertsAreCreateEventsWithAfter() throws {
        let f = try StreamFixture(self)
        try simpleTable(f)
        try f.createPublication(["items"])
        try f.createSlot()
        try f.sql.exec("INSERT INTO \(f.table("items")) VALUES (1, 'one', 10), (2, NULL, 20)")
        try f.sql.exec("INSERT INTO \(f.table("items")) VALUES (3, 'say \"hi\"\n', NULL)")

        let events = try f.streamToNow(["items"])
        XCTAssertEqual(events.map(\.op), ["c", "c", "c"], events.map(\.line).joined(separator: "\n"))
        guard events.count == 3 else { return }
        for event in events {
            XCTAssertEqual(event.raw("before"), "null")
            XCTAssertEqual(JSONStreamKeys.keys(event.raw("after")), ["id", "v", "n"])
            XCTAssertEqual(event.table, "items")
            XCTAssertEqual(event.source["schema"] as? String, f.schema)
        }
        assertRow(events[0].after, ["id": 1, "v": "one", "n": 10])
        assertRow(events[1].after, ["id": 2, "v": nil, "n": 20])
        assertRow(events[2].after, ["id": 3, "v": "say \"hi\"\n", "n": nil])
        XCTAssertEqual(events[0].txId, events[1].txId, "one INSERT statement, one transaction")
        XCTAssertNotEqual(events[1].txId, events[2].txId)
        // Envelope field order, as Debezium's JsonConverter writes it.
        XCTAssertEqual(JSONStreamKeys.keys(events[0].line), ["before", "after", "source", "op", "ts_ms", "ts_us", "ts_ns", "transaction"])
    }

    func testUpdateWithReplicaIdentityDefaultHasNullBefore() throws {
        let f = try StreamFixture(self)
        try simpleTable(f)
        try f.sql.exec("INSERT INTO \(f.table("items")) VALUES (1, 'one', 10)")
        try f.createPublication(["items"])
        try f.createSlot()
        try f.sql.exec("UPDATE \(f.table("items")) SET n = 11, v = 'uno' WHERE id = 1")

        let events = try f.streamToNow(["items"])
        XCTAssertEqual(events.map(\.op), ["u"], events.map(\.line).joined(separator: "\n"))
        guard let event = events.first else { return }
        XCTAssertEqual(event.raw("before"), "null", "REPLICA IDENTITY DEFAULT sends no old row for an update that keeps the key")
        assertRow(event.after, ["id": 1, "v": "uno", "n": 11])
    }

    func testUpdateWithReplicaIdentityFullHasWholeBefore() throws {
        let f = try StreamFixture(self)
        try simpleTable(f, identityFull: true)
        try f.sql.exec("INSERT INTO \(f.table("items")) VALUES (1, 'one', 10), (2, NULL, 20)")
        try f.createPublication(["items"])
        try f.createSlot()
        try f.sql.exec("UPDATE \(f.table("items")) SET n = n + 1")

        let events = try f.streamToNow(["items"]).sorted { ($0.id ?? 0) < ($1.id ?? 0) }
        XCTAssertEqual(events.map(\.op), ["u", "u"], events.map(\.line).joined(separator: "\n"))
        guard events.count == 2 else { return }
        assertRow(events[0].before, ["id": 1, "v": "one", "n": 10])
        assertRow(events[0].after, ["id": 1, "v": "one", "n": 11])
        assertRow(events[1].before, ["id": 2, "v": nil, "n": 20])
        assertRow(events[1].after, ["id": 2, "v": nil, "n": 21])
    }

    func testPrimaryKeyChangeIsDeleteThenCreate() throws {
        let f = try StreamFixture(self)
        try simpleTable(f, "plain")
        try simpleTable(f, "full", identityFull: true)
        try f.sql.exec("INSERT INTO \(f.table("plain")) VALUES (1, 'one', 10); INSERT INTO \(f.table("full")) VALUES (1, 'one', 10)")
        try f.createPublication(["plain", "full"])
        try f.createSlot()
        try f.sql.exec("UPDATE \(f.table("plain")) SET id = 100, n = 11 WHERE id = 1")
        try f.sql.exec("UPDATE \(f.table("full")) SET id = 100, n = 11 WHERE id = 1")

        let events = try f.streamToNow(["plain", "full"])
        XCTAssertEqual(events.map(\.op), ["d", "c", "d", "c"], events.map(\.line).joined(separator: "\n"))
        XCTAssertEqual(events.map(\.table), ["plain", "plain", "full", "full"])
        guard events.count == 4 else { return }
        // DEFAULT: the old key only; FULL: the whole old row.
        assertRow(events[0].before, ["id": 1, "v": nil, "n": nil])
        XCTAssertEqual(events[0].raw("after"), "null")
        XCTAssertEqual(events[1].raw("before"), "null")
        assertRow(events[1].after, ["id": 100, "v": "one", "n": 11])
        assertRow(events[2].before, ["id": 1, "v": "one", "n": 10])
        XCTAssertEqual(events[2].raw("after"), "null")
        assertRow(events[3].after, ["id": 100, "v": "one", "n": 11])
        XCTAssertEqual(events[0].txId, events[1].txId)
        XCTAssertEqual(events[0].lsn, events[1].lsn, "both events come from the one update record")
    }

    func testDeletesCarryTheKeyOrTheWholeRow() throws {
        let f = try StreamFixture(self)
        try simpleTable(f, "plain")
        try simpleTable(f, "full", identityFull: true)
        try f.sql.exec("INSERT INTO \(f.table("plain")) VALUES (1, 'one', 10); INSERT INTO \(f.table("full")) VALUES (2, 'two', 20)")
        try f.createPublication(["plain", "full"])
        try f.createSlot()
        try f.sql.exec("DELETE FROM \(f.table("plain"))")
        try f.sql.exec("DELETE FROM \(f.table("full"))")

        let events = try f.streamToNow(["plain", "full"])
        XCTAssertEqual(events.map(\.op), ["d", "d"], events.map(\.line).joined(separator: "\n"))
        guard events.count == 2 else { return }
        assertRow(events[0].before, ["id": 1, "v": nil, "n": nil], "DEFAULT: key columns, others null")
        XCTAssertEqual(JSONStreamKeys.keys(events[0].raw("before")), ["id", "v", "n"])
        XCTAssertEqual(events[0].raw("after"), "null")
        assertRow(events[1].before, ["id": 2, "v": "two", "n": 20], "FULL: the whole row")
        XCTAssertEqual(events[1].raw("after"), "null")
    }

    /// A table without a primary key has no key (Debezium: null key), so an update is an
    /// update — even under REPLICA IDENTITY FULL, where pgoutput flags every column as part of
    /// the replica identity.
    func testUpdateOfATableWithoutPrimaryKeyUnderFullIdentityIsAnUpdate() throws {
        let f = try StreamFixture(self)
        try f.sql.exec("CREATE TABLE \(f.table("nopk")) (a int, b text); ALTER TABLE \(f.table("nopk")) REPLICA IDENTITY FULL")
        try f.sql.exec("INSERT INTO \(f.table("nopk")) VALUES (1, 'x')")
        try f.createPublication(["nopk"])
        try f.createSlot()
        try f.sql.exec("UPDATE \(f.table("nopk")) SET b = 'y'")
        try f.sql.exec("DELETE FROM \(f.table("nopk"))")

        let events = try f.streamToNow(["nopk"])
        XCTAssertEqual(events.map(\.op), ["u", "d"], "an update without a key change must not become delete + create:\n" + events.map(\.line).joined(separator: "\n"))
        guard events.count == 2 else { return }
        assertRow(events[0].before, ["a": 1, "b": "x"])
        assertRow(events[0].after, ["a": 1, "b": "y"])
        assertRow(events[1].before, ["a": 1, "b": "y"])
    }

    /// Quoted identifiers travel as PostgreSQL spells them (no -t: the publication exists).
    func testMixedCaseAndQuotedNames() throws {
        let f = try StreamFixture(self)
        let table = "\(f.schema).\"Odd \"\"Name\"\"\""
        try f.sql.exec("CREATE TABLE \(table) (\"Id\" int PRIMARY KEY, \"Weird, \"\"col\"\"\" text, \"é\" int)")
        try f.sql.exec("CREATE PUBLICATION \(f.publication) FOR TABLE \(table)")
        try f.createSlot()
        try f.sql.exec("INSERT INTO \(table) VALUES (1, 'v', 2)")
        try f.sql.exec("DELETE FROM \(table)")

        let endpos = try f.sql.currentLSN()
        let run = try f.stream(["--endpos", endpos])
        XCTAssertEqual(run.process.terminationStatus, 0, run.summary)
        let events = try run.events()
        XCTAssertEqual(events.map(\.op), ["c", "d"], run.summary)
        guard events.count == 2 else { return }
        XCTAssertEqual(events[0].table, "Odd \"Name\"")
        XCTAssertEqual(JSONStreamKeys.keys(events[0].raw("after")), ["Id", "Weird, \\\"col\\\"", "é"])
        assertRow(events[0].after, ["Id": 1, "Weird, \"col\"": "v", "é": 2])
        assertRow(events[1].before, ["Id": 1, "Weird, \"col\"": nil, "é": nil], "the primary key is found for a quoted name")
    }

    /// `--endpos`: nothing past it is printed — not a transaction, and not a non-transactional
    /// message either (pg_recvlogical's rule: records after endpos are not output).
    func testNothingPastEndposIsPrinted() throws {
        let f = try StreamFixture(self)
        try simpleTable(f)
        try f.sql.exec("CREATE TABLE \(f.table("unpublished")) (id int)")
        try f.createPublication(["items"])
        try f.createSlot()
        try f.sql.exec("INSERT INTO \(f.table("items")) VALUES (1, 'before endpos', 1)")
        try f.sql.exec("INSERT INTO \(f.table("unpublished")) VALUES (1)")
        let endpos = try f.sql.currentLSN()
        try f.sql.exec("SELECT pg_logical_emit_message(false, 'late', 'after endpos')")
        try f.sql.exec("INSERT INTO \(f.table("items")) VALUES (2, 'after endpos', 2)")
        try f.sql.exec("SELECT pg_logical_emit_message(true, 'late', 'after endpos')")

        let run = try f.stream(["-t", f.table("items"), "--endpos", endpos])
        XCTAssertEqual(run.process.terminationStatus, 0, run.summary)
        let events = try run.events()
        let limit = lsnValue(endpos) ?? 0
        XCTAssertEqual(events.map(\.op), ["c"], run.summary)
        for event in events {
            XCTAssertLessThanOrEqual(event.lsn.map(UInt64.init) ?? .max, limit, "event past --endpos \(endpos) (\(limit)): \(event.line)")
        }
        // What was not printed comes with the next run.
        try f.waitForSlotInactive()
        let next = try f.streamToNow(["items"])
        XCTAssertEqual(next.map(\.op), ["m", "c", "m"], next.map(\.line).joined(separator: "\n"))
    }

    // MARK: truncate, messages, transactions

    func testTruncateEmitsOneEventPerTable() throws {
        let f = try StreamFixture(self)
        try simpleTable(f, "a")
        try simpleTable(f, "b")
        try f.sql.exec("INSERT INTO \(f.table("a")) VALUES (1, 'x', 1); INSERT INTO \(f.table("b")) VALUES (1, 'y', 1)")
        try f.createPublication(["a", "b"])
        try f.createSlot()
        try f.sql.exec("TRUNCATE \(f.table("a"))")
        try f.sql.exec("INSERT INTO \(f.table("a")) VALUES (2, 'x', 2)")
        try f.sql.exec("TRUNCATE \(f.table("a")), \(f.table("b"))")

        let events = try f.streamToNow(["a", "b"])
        XCTAssertEqual(events.map(\.op), ["t", "c", "t", "t"], events.map(\.line).joined(separator: "\n"))
        guard events.count == 4 else { return }
        XCTAssertEqual(events[0].table, "a")
        XCTAssertEqual(Set([events[2].table, events[3].table].compactMap { $0 }), ["a", "b"])
        XCTAssertEqual(events[2].txId, events[3].txId)
        for event in events where event.op == "t" {
            XCTAssertEqual(event.raw("before"), "null")
            XCTAssertEqual(event.raw("after"), "null")
            XCTAssertEqual(event.source["schema"] as? String, f.schema)
        }
    }

    func testLogicalDecodingMessages() throws {
        let f = try StreamFixture(self)
        try simpleTable(f)
        try f.createPublication(["items"])
        try f.createSlot()
        try f.sql.exec("SELECT pg_logical_emit_message(true, 'pfx', 'content')")
        try f.sql.exec("SELECT pg_logical_emit_message(false, 'other', 'non-transactional \\x01'::text)")
        try f.sql.exec("SELECT pg_logical_emit_message(true, 'bin', '\\x00ff10'::bytea)")

        let events = try f.streamToNow(["items"])
        XCTAssertEqual(events.map(\.op), ["m", "m", "m"], events.map(\.line).joined(separator: "\n"))
        guard events.count == 3 else { return }
        let expected: [(String, [UInt8])] = [("pfx", Array("content".utf8)), ("other", Array("non-transactional \\x01".utf8)), ("bin", [0x00, 0xFF, 0x10])]
        for (event, (prefix, content)) in zip(events, expected) {
            XCTAssertEqual(event.raw("before"), "null")
            XCTAssertEqual(event.raw("after"), "null")
            XCTAssertEqual(event.message?["prefix"] as? String, prefix)
            XCTAssertEqual(event.message?["content"] as? String, Data(content).base64EncodedString(), event.line)
            XCTAssertEqual(event.source["snapshot"] as? String, "false")
        }
        XCTAssertNotNil(events[0].txId, "a transactional message belongs to a transaction")
    }

    func testRolledBackTransactionEmitsNothing() throws {
        let f = try StreamFixture(self)
        try simpleTable(f)
        try f.createPublication(["items"])
        try f.createSlot()
        try f.sql.exec("BEGIN; INSERT INTO \(f.table("items")) VALUES (1, 'gone', 1); SELECT pg_logical_emit_message(true, 'gone', 'x'); ROLLBACK")
        try f.sql.exec("INSERT INTO \(f.table("items")) VALUES (2, 'kept', 2)")
        try f.sql.exec("BEGIN; INSERT INTO \(f.table("items")) VALUES (3, 'gone', 3); SAVEPOINT s; INSERT INTO \(f.table("items")) VALUES (4, 'gone', 4); ROLLBACK")
        try f.sql.exec("BEGIN; INSERT INTO \(f.table("items")) VALUES (5, 'kept', 5); SAVEPOINT s; INSERT INTO \(f.table("items")) VALUES (6, 'gone', 6); ROLLBACK TO SAVEPOINT s; COMMIT")

        let events = try f.streamToNow(["items"])
        XCTAssertEqual(events.map(\.op), ["c", "c"], events.map(\.line).joined(separator: "\n"))
        XCTAssertEqual(events.map(\.id), [2, 5])
    }

    func testConcurrentTransactionsAreEmittedInCommitOrder() throws {
        let f = try StreamFixture(self)
        try simpleTable(f)
        try f.createPublication(["items"])
        try f.createSlot()
        let t1 = try StreamSQL(url: f.url)
        let t2 = try StreamSQL(url: f.url)
        try t1.exec("BEGIN; INSERT INTO \(f.table("items")) VALUES (1, 'T1 first', 1)")
        try t2.exec("BEGIN; INSERT INTO \(f.table("items")) VALUES (2, 'T2 first', 2)")
        try t1.exec("INSERT INTO \(f.table("items")) VALUES (3, 'T1 second', 3)")
        try t2.exec("INSERT INTO \(f.table("items")) VALUES (4, 'T2 second', 4)")
        let x1 = try t1.value("SELECT txid_current()::text")
        let x2 = try t2.value("SELECT txid_current()::text")
        try t2.exec("COMMIT")
        try t1.exec("COMMIT")

        let events = try f.streamToNow(["items"])
        XCTAssertEqual(events.map(\.id), [2, 4, 1, 3], events.map(\.line).joined(separator: "\n"))
        XCTAssertEqual(events.map(\.txId).map { $0.map(String.init) }, [x2, x2, x1, x1])
    }

    /// A transaction larger than the output's chunk leaves in several writes: all of it, once,
    /// in order, and only whole lines.
    func testLargeTransactionArrivesWholeAndInOrder() throws {
        let f = try StreamFixture(self)
        try simpleTable(f)
        try f.createPublication(["items"])
        try f.createSlot()
        try f.sql.exec("INSERT INTO \(f.table("items")) SELECT g, repeat('x', 200), g FROM generate_series(1, 20000) g")
        try f.sql.exec("INSERT INTO \(f.table("items")) VALUES (20001, 'next', 0)")

        let events = try f.streamToNow(["items"])
        XCTAssertEqual(events.compactMap(\.id), Array(1...20001))
        XCTAssertEqual(Set(events.dropLast().map(\.txId)).count, 1)
        XCTAssertNotEqual(events.first?.txId, events.last?.txId)
    }

    // MARK: values

    /// Every type of the snapshot type list, inserted and streamed, must print exactly as
    /// `cdcctl snapshot` prints the same row.
    func testEveryTypeStreamsExactlyAsTheSnapshotPrintsIt() throws {
        let f = try StreamFixture(self)
        let citext = try extensionType(f, "citext")
        let ltree = try extensionType(f, "ltree")
        let s = f.schema
        try f.sql.exec("""
            CREATE TYPE \(s).mood AS ENUM ('sad', 'happy', 'o''brien');
            CREATE DOMAIN \(s).positive AS int CHECK (VALUE > 0);
            CREATE TABLE \(s).types (
                id int PRIMARY KEY,
                c_bool boolean, c_int2 smallint, c_int4 integer, c_int8 bigint, c_oid oid,
                c_real real, c_double double precision, c_num numeric(10,2), c_numvar numeric, c_money money,
                c_text text, c_varchar varchar(20), c_char char(5), c_name name, c_citext \(citext),
                c_bytea bytea, c_date date, c_time3 time(3), c_time time, c_timetz timetz,
                c_ts3 timestamp(3), c_ts timestamp, c_tstz timestamptz, c_interval interval,
                c_uuid uuid, c_json json, c_jsonb jsonb, c_xml xml, c_enum \(s).mood,
                c_bit1 bit(1), c_bit bit(10), c_varbit varbit, c_point point, c_ltree \(ltree), c_tsvector tsvector,
                c_inet inet, c_cidr cidr, c_macaddr macaddr, c_range int4range, c_tsrange tstzrange, c_domain \(s).positive,
                c_int_arr int[], c_int_2d int[][], c_text_arr text[], c_num_arr numeric(6,2)[], c_money_arr money[],
                c_tstz_arr timestamptz[], c_enum_arr \(s).mood[], c_bytea_arr bytea[], c_bool_arr boolean[], c_uuid_arr uuid[]
            )
            """)
        try f.createPublication(["types"])
        try f.createSlot()
        try f.sql.exec("""
            INSERT INTO \(s).types VALUES (1,
                true, -32768, 2147483647, -9223372036854775808, 4294967295,
                3.25, 1.5e-07, -12.50, 0.00000000000000000001, 1234.56,
                'say "hi" é \\ ✓', 'varchar', 'ab', 'a_name', 'CaseLess',
                '\\x00ff10', '2026-11-24', '10:15:30.123', '10:15:30.123456', '10:15:30+02',
                '2026-11-24 10:15:30.123', '1969-12-31 23:59:59.5', '2026-11-24 10:15:30.5+02', 'P1Y2M3DT4H5M6.5S',
                'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2]}', '{"b": {"c": null}, "a": 1}', '<a>1</a>', 'happy',
                B'1', B'1011000011', B'10110', '(1.5,-2)', 'a.b.c', 'a fat:2 cat',
                '10.0.0.1/8', '192.168.0.0/16', '08:00:2b:01:02:03', '[1,10)', '[2026-01-01 00:00+00,2026-02-01 00:00+00)', 5,
                '{1,NULL,3}', '{{1,NULL},{3,4}}', '{"a b","c,d",NULL,"NULL","\\"q\\"",""}', '{1.50,-2}', '{1.25,-3}',
                '{"2026-11-24 10:15:30+00","1970-01-01 00:00:00.000001+00"}', '{sad,happy,o''brien}', '{"\\\\x00ff",NULL}', '{t,f,NULL}',
                '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}');
            INSERT INTO \(s).types VALUES (2,
                false, 0, -1, 9223372036854775807, 0,
                'NaN', '-Infinity', 99999999.99, 'NaN', -0.01,
                E'tab\\tnewline\\ncontrol\\u0001 quote'' back\\\\', '', '', '', '',
                '\\x', 'infinity', '00:00:00', '24:00:00', '00:00:00-11:30',
                '-infinity', 'infinity', '0044-03-15 10:00:00+00 BC', '-1 mon -2 days +03:00:00.000001',
                '00000000-0000-0000-0000-000000000000', '[]', '"s"', '', 'o''brien',
                B'0', B'0000000000', B'', '(0,0)', '', '',
                '::1', '::/0', 'ff:ff:ff:ff:ff:ff', 'empty', '(,)', 1,
                '{}', '{}', '{}', '{}', '{}',
                '{infinity}', '{}', '{}', '{}', '{}');
            INSERT INTO \(s).types (id) VALUES (3);
            """)

        let events = try f.streamToNow(["types"])
        XCTAssertEqual(events.map(\.op), ["c", "c", "c"], events.map(\.line).joined(separator: "\n"))

        let snapshot = try CLI.run(["snapshot", "--db", f.url, "-t", f.table("types"), "--quiet"], timeout: 30)
        XCTAssertEqual(snapshot.status, 0, snapshot.summary)
        let snapshotEvents = try snapshot.stdout.split(separator: "\n").map { try StreamEvent(line: String($0)) }
        XCTAssertEqual(snapshotEvents.count, 3, snapshot.summary)

        let streamed = Dictionary(events.compactMap { e in e.id.map { ($0, e.raw("after") ?? "") } }, uniquingKeysWith: { a, _ in a })
        for event in snapshotEvents {
            guard let id = event.id else { XCTFail("snapshot event without id: \(event.line)"); continue }
            guard let expected = event.raw("after"), let actual = streamed[id] else { XCTFail("row \(id) missing from the stream"); continue }
            if actual != expected {
                // Name the columns that differ, not just the two long lines.
                let a = (try? JSONSerialization.jsonObject(with: Data(actual.utf8))) as? [String: Any] ?? [:]
                let b = (try? JSONSerialization.jsonObject(with: Data(expected.utf8))) as? [String: Any] ?? [:]
                let differing = Set(a.keys).union(b.keys).sorted().filter { key in
                    StreamJSON.rawMember(key, of: actual) != StreamJSON.rawMember(key, of: expected)
                }.map { "\($0): stream \(StreamJSON.rawMember($0, of: actual) ?? "-") vs snapshot \(StreamJSON.rawMember($0, of: expected) ?? "-")" }
                XCTFail("row \(id): streamed `after` differs from the snapshot's:\n" + differing.joined(separator: "\n"))
            }
        }
    }

    /// The schema-qualified type of an extension, creating it in the test's schema (dropped with
    /// it) when the database does not have it yet.
    private func extensionType(_ f: StreamFixture, _ name: String) throws -> String {
        if let schema = try f.sql.value("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = $1", [name]) {
            return "\(schema).\(name)"
        }
        do {
            try f.sql.exec("CREATE EXTENSION \(name) SCHEMA \(f.schema)")
        } catch {
            // Someone else created it meanwhile.
            guard let schema = try f.sql.value("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = $1", [name]) else { throw error }
            return "\(schema).\(name)"
        }
        return "\(f.schema).\(name)"
    }

    func testUnchangedToastedColumnCarriesThePlaceholder() throws {
        let f = try StreamFixture(self)
        try f.sql.exec("CREATE TABLE \(f.table("docs")) (id int PRIMARY KEY, body text, blob bytea, n int)")
        try f.createPublication(["docs"])
        try f.createSlot()
        try f.sql.exec("""
            INSERT INTO \(f.table("docs")) VALUES (1,
                (SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 500)),
                (SELECT decode(string_agg(md5(random()::text), ''), 'hex') FROM generate_series(1, 500)), 0)
            """)
        let stored = try f.sql.rows("SELECT body, encode(blob, 'base64'), pg_column_size(body)::text, pg_column_size(blob)::text FROM \(f.table("docs"))", columns: 4)[0]
        try f.sql.exec("UPDATE \(f.table("docs")) SET n = 1 WHERE id = 1")
        try f.sql.exec("UPDATE \(f.table("docs")) SET n = 2, body = 'small' WHERE id = 1")

        let events = try f.streamToNow(["docs"])
        XCTAssertEqual(events.map(\.op), ["c", "u", "u"])
        guard events.count == 3 else { return }
        XCTAssertEqual(events[0].after?["body"] as? String, stored[0], "the insert carries the whole value")
        XCTAssertEqual((events[0].after?["blob"] as? String).map { $0.replacingOccurrences(of: "\n", with: "") },
                       stored[1]?.replacingOccurrences(of: "\n", with: ""))
        XCTAssertGreaterThan(Int(stored[2] ?? "") ?? 0, 2000, "the text value must be stored out of line")
        XCTAssertGreaterThan(Int(stored[3] ?? "") ?? 0, 2000, "the bytea value must be stored out of line")

        let placeholder = "__debezium_unavailable_value"
        XCTAssertEqual(events[1].after?["body"] as? String, placeholder, events[1].line)
        XCTAssertEqual(events[1].after?["blob"] as? String, Data(placeholder.utf8).base64EncodedString(), "bytea: the placeholder's bytes")
        XCTAssertEqual(events[1].after?["n"] as? Int, 1)
        XCTAssertEqual(events[2].after?["body"] as? String, "small")
        XCTAssertEqual(events[2].after?["blob"] as? String, Data(placeholder.utf8).base64EncodedString())
    }

    func testAlterTableMidStreamChangesTheShapeFromThatPointOn() throws {
        let f = try StreamFixture(self)
        try f.sql.exec("CREATE TABLE \(f.table("evolving")) (id int PRIMARY KEY, v text)")
        try f.createPublication(["evolving"])
        try f.createSlot()
        let t = f.table("evolving")
        try f.sql.exec("INSERT INTO \(t) VALUES (1, 'one')")
        try f.sql.exec("ALTER TABLE \(t) ADD COLUMN extra int DEFAULT 7")
        try f.sql.exec("INSERT INTO \(t) VALUES (2, 'two', 8)")
        try f.sql.exec("UPDATE \(t) SET v = 'uno' WHERE id = 1")
        try f.sql.exec("ALTER TABLE \(t) DROP COLUMN v")
        try f.sql.exec("INSERT INTO \(t) VALUES (3, 9)")
        try f.sql.exec("ALTER TABLE \(t) ADD COLUMN ts timestamp(3)")
        try f.sql.exec("BEGIN; INSERT INTO \(t) VALUES (4, 10, '2026-01-02 03:04:05.678'); ALTER TABLE \(t) ALTER COLUMN extra TYPE bigint; INSERT INTO \(t) VALUES (5, 11, NULL); COMMIT")

        let events = try f.streamToNow(["evolving"])
        XCTAssertEqual(events.map(\.op), ["c", "c", "u", "c", "c", "c"], events.map(\.line).joined(separator: "\n"))
        guard events.count == 6 else { return }
        XCTAssertEqual(events.map { JSONStreamKeys.keys($0.raw("after")) }, [
            ["id", "v"], ["id", "v", "extra"], ["id", "v", "extra"], ["id", "extra"], ["id", "extra", "ts"], ["id", "extra", "ts"],
        ])
        assertRow(events[0].after, ["id": 1, "v": "one"])
        assertRow(events[1].after, ["id": 2, "v": "two", "extra": 8])
        assertRow(events[2].after, ["id": 1, "v": "uno", "extra": 7])
        assertRow(events[3].after, ["id": 3, "extra": 9])
        assertRow(events[4].after, ["id": 4, "extra": 10, "ts": 1_767_323_045_678 as Int64])
        assertRow(events[5].after, ["id": 5, "extra": 11, "ts": nil])
    }

    // MARK: source block

    func testSourceBlockFields() throws {
        let f = try StreamFixture(self)
        try simpleTable(f)
        try f.createPublication(["items"])
        try f.createSlot()
        var transactions: [(xid: Int64, lsnBefore: UInt64, lsnAfter: UInt64, start: Date, end: Date)] = []
        for i in 1...3 {
            let start = Date()
            let before = try lsnValue(f.sql.currentLSN()) ?? 0
            try f.sql.exec("BEGIN; INSERT INTO \(f.table("items")) VALUES (\(2 * i), 'a', 1), (\(2 * i + 1), 'b', 2)")
            let xid = Int64(try f.sql.value("SELECT txid_current()::text") ?? "") ?? -1
            try f.sql.exec("COMMIT")
            let after = try lsnValue(f.sql.currentLSN()) ?? 0
            transactions.append((xid, before, after, start, Date()))
        }

        let events = try f.streamToNow(["items"])
        XCTAssertEqual(events.count, 6, events.map(\.line).joined(separator: "\n"))
        guard events.count == 6 else { return }
        let database = URLComponents(string: f.url)?.path.dropFirst().description ?? ""
        for (index, event) in events.enumerated() {
            let tx = transactions[index / 2]
            let source = event.source
            XCTAssertEqual(JSONStreamKeys.keys(event.raw("source")), [
                "version", "connector", "name", "ts_ms", "snapshot", "db", "sequence", "ts_us", "ts_ns", "schema", "table", "txId", "lsn", "xmin", "origin", "origin_lsn",
            ])
            XCTAssertEqual(source["connector"] as? String, "postgresql")
            XCTAssertEqual(source["name"] as? String, "cdcctl")
            XCTAssertEqual(source["db"] as? String, database)
            XCTAssertEqual(source["schema"] as? String, f.schema)
            XCTAssertEqual(source["table"] as? String, "items")
            XCTAssertEqual(source["snapshot"] as? String, "false")
            XCTAssertEqual(event.txId, tx.xid, "txId is the transaction's id, as an integer")
            guard let lsn = event.lsn.map(UInt64.init) else { XCTFail("lsn is not an integer: \(event.line)"); continue }
            XCTAssertTrue(lsn >= tx.lsnBefore && lsn < tx.lsnAfter, "lsn \(lsn) outside its transaction's WAL [\(tx.lsnBefore), \(tx.lsnAfter)]")
            guard let commitMillis = StreamJSON.int64(source["ts_ms"]) else { XCTFail("ts_ms is not an integer"); continue }
            let commit = Date(timeIntervalSince1970: Double(commitMillis) / 1000)
            XCTAssertGreaterThanOrEqual(commit.timeIntervalSince(tx.start), -2, "ts_ms is the commit time")
            XCTAssertLessThanOrEqual(commit.timeIntervalSince(tx.end), 2, "ts_ms is the commit time")
            XCTAssertEqual(StreamJSON.int64(source["ts_us"]).map { $0 / 1000 }, commitMillis)
            XCTAssertEqual(StreamJSON.int64(source["ts_ns"]).map { $0 / 1_000_000 }, commitMillis)

            // sequence: a string "[\"<last commit LSN>\",\"<this LSN>\"]".
            guard let text = source["sequence"] as? String, let sequence = event.sequence else {
                XCTFail("sequence is not a string of two LSNs: \(String(describing: source["sequence"]))"); continue
            }
            XCTAssertEqual(sequence.current, lsn)
            if let last = sequence.last {
                XCTAssertEqual(text, "[\"\(last)\",\"\(lsn)\"]")
                XCTAssertLessThanOrEqual(last, lsn, "the previous transaction's end, as Debezium's lastCommitLsn")
                if index >= 2 { XCTAssertGreaterThan(last, transactions[index / 2 - 1].lsnBefore, "the previous transaction's commit") }
            } else {
                XCTAssertEqual(text, "[null,\"\(lsn)\"]")
                XCTAssertLessThan(index, 2, "only the first transaction of a run has no last commit LSN")
            }
        }
        // Within a transaction the last committed LSN stays; across transactions it moves on.
        XCTAssertEqual(events[2].sequence?.last, events[3].sequence?.last)
        XCTAssertNotNil(events[4].sequence?.last)
        XCTAssertNotEqual(events[2].sequence?.last, events[4].sequence?.last)
    }
}

/// Key order of a raw JSON object text (nil text → no keys).
enum JSONStreamKeys {
    static func keys(_ json: String?) -> [String] { json.map(StreamJSON.keys(ofObject:)) ?? [] }
}
