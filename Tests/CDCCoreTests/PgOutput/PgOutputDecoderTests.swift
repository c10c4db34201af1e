import XCTest
@testable import CDCCore

/// Fixture tests for the transaction, schema and row messages of protocol 1.
final class PgOutputDecoderTests: XCTestCase {
    func testBegin() throws {
        let wire = Wire().tag("B").u64(0x16B_3748).i64(1_000_000).u32(0xFFFF_FFF0)
        for version in 1...4 {
            let message = try decode(wire, version: version)
            XCTAssertEqual(message, .begin(BeginMessage(
                finalLSN: LSN(0x16B_3748), commitTime: PostgresTimestamp(microsecondsSince2000: 1_000_000), xid: 0xFFFF_FFF0
            )))
            XCTAssertEqual(message.id, .begin)
        }
    }

    func testCommit() throws {
        let wire = Wire().tag("C").u8(0).u64(0x100).u64(0x1A0).i64(-5)
        XCTAssertEqual(try decode(wire), .commit(CommitMessage(
            flags: 0, commitLSN: LSN(0x100), endLSN: LSN(0x1A0), commitTime: PostgresTimestamp(microsecondsSince2000: -5)
        )))
    }

    func testOrigin() throws {
        let wire = Wire().tag("O").u64(0xABCDEF).cstring("pg_16385")
        XCTAssertEqual(try decode(wire), .origin(OriginMessage(commitLSN: LSN(0xABCDEF), name: "pg_16385")))
    }

    func testRelation() throws {
        let wire = Wire().tag("R").u32(16_385).cstring("public").cstring("orders").u8(UInt8(ascii: "d")).i16(3)
            .u8(1).cstring("id").u32(23).i32(-1)
            .u8(0).cstring("name").u32(1043).i32(68)
            .u8(0).cstring("prix €").u32(1700).i32(655_366)
        guard case let .relation(relation) = try decode(wire) else { return XCTFail() }
        XCTAssertNil(relation.xid)
        XCTAssertEqual(relation.relationID, 16_385)
        XCTAssertEqual(relation.namespace, "public")
        XCTAssertEqual(relation.name, "orders")
        XCTAssertEqual(relation.replicaIdentity, .default)
        XCTAssertEqual(relation.columns.map(\.name), ["id", "name", "prix €"])
        XCTAssertEqual(relation.columns.map(\.isKey), [true, false, false])
        XCTAssertEqual(relation.columns.map(\.typeOID), [23, 1043, 1700])
        XCTAssertEqual(relation.columns.map(\.typeModifier), [-1, 68, 655_366])
    }

    func testRelationWithNoColumnsAndOtherIdentities() throws {
        for (byte, identity) in [("n", ReplicaIdentity.nothing), ("f", .full), ("i", .index), ("z", ReplicaIdentity(rawValue: 0x7A))] {
            let wire = Wire().tag("R").u32(1).cstring("").cstring("t").u8(Character(byte).asciiValue!).i16(0)
            guard case let .relation(relation) = try decode(wire) else { return XCTFail() }
            XCTAssertEqual(relation.replicaIdentity, identity)
            XCTAssertEqual(relation.namespace, "")
            XCTAssertEqual(relation.columns, [])
        }
    }

    func testType() throws {
        let wire = Wire().tag("Y").u32(16_400).cstring("public").cstring("mood")
        XCTAssertEqual(try decode(wire), .type(TypeMessage(xid: nil, typeOID: 16_400, namespace: "public", name: "mood")))
    }

    func testInsertWithEveryTupleKind() throws {
        let wire = Wire().tag("I").u32(16_385).tag("N").i16(5)
            .text("42")
            .tag("n")
            .tag("u")
            .tag("b").i32(3).raw([0x00, 0xFF, 0x7F])
            .tag("t").i32(0)
        XCTAssertEqual(try decode(wire), .insert(InsertMessage(
            xid: nil, relationID: 16_385,
            newTuple: TupleData(columns: [textColumn("42"), .null, .unchangedToast, .binary([0x00, 0xFF, 0x7F]), .text([])])
        )))
    }

    func testInsertWithZeroColumns() throws {
        let wire = Wire().tag("I").u32(7).tag("N").i16(0)
        XCTAssertEqual(try decode(wire), .insert(InsertMessage(xid: nil, relationID: 7, newTuple: TupleData(columns: []))))
    }

    func testUpdateWithoutOldTuple() throws {
        let wire = Wire().tag("U").u32(16_385).tag("N").i16(2).text("1").tag("u")
        XCTAssertEqual(try decode(wire), .update(UpdateMessage(
            xid: nil, relationID: 16_385, oldTuple: nil, newTuple: TupleData(columns: [textColumn("1"), .unchangedToast])
        )))
    }

    func testUpdateWithOldKey() throws {
        let wire = Wire().tag("U").u32(16_385).tag("K").i16(2).text("1").tag("n").tag("N").i16(2).text("2").text("b")
        guard case let .update(update) = try decode(wire) else { return XCTFail() }
        XCTAssertEqual(update.oldTuple, .key(TupleData(columns: [textColumn("1"), .null])))
        XCTAssertEqual(update.oldTuple?.tuple.columns.count, 2)
        XCTAssertEqual(update.newTuple, TupleData(columns: [textColumn("2"), textColumn("b")]))
    }

    func testUpdateWithOldRow() throws {
        let wire = Wire().tag("U").u32(16_385).tag("O").i16(2).text("1").text("a").tag("N").i16(2).text("1").text("b")
        guard case let .update(update) = try decode(wire) else { return XCTFail() }
        XCTAssertEqual(update.oldTuple, .full(TupleData(columns: [textColumn("1"), textColumn("a")])))
        XCTAssertEqual(update.newTuple, TupleData(columns: [textColumn("1"), textColumn("b")]))
    }

    func testDeleteWithKeyAndWithOldRow() throws {
        let key = Wire().tag("D").u32(16_385).tag("K").i16(2).text("9").tag("n")
        XCTAssertEqual(try decode(key), .delete(DeleteMessage(
            xid: nil, relationID: 16_385, oldTuple: .key(TupleData(columns: [textColumn("9"), .null]))
        )))
        let full = Wire().tag("D").u32(16_385).tag("O").i16(2).text("9").text("x")
        XCTAssertEqual(try decode(full), .delete(DeleteMessage(
            xid: nil, relationID: 16_385, oldTuple: .full(TupleData(columns: [textColumn("9"), textColumn("x")]))
        )))
    }

    func testTruncate() throws {
        for (bits, options) in [(UInt8(0), TruncateMessage.Options()), (1, .cascade), (2, .restartIdentity), (3, [.cascade, .restartIdentity])] {
            let wire = Wire().tag("T").i32(2).u8(bits).u32(16_385).u32(16_390)
            XCTAssertEqual(try decode(wire), .truncate(TruncateMessage(xid: nil, options: options, relationIDs: [16_385, 16_390])))
        }
    }

    func testLogicalMessage() throws {
        let wire = Wire().tag("M").u8(1).u64(0x2000).cstring("cdcctl").i32(4).raw([0xDE, 0xAD, 0x00, 0xEF])
        guard case let .logicalMessage(message) = try decode(wire) else { return XCTFail() }
        XCTAssertNil(message.xid)
        XCTAssertTrue(message.isTransactional)
        XCTAssertEqual(message.lsn, LSN(0x2000))
        XCTAssertEqual(message.prefix, "cdcctl")
        XCTAssertEqual(message.content, [0xDE, 0xAD, 0x00, 0xEF])

        let nonTransactional = Wire().tag("M").u8(0).u64(1).cstring("").i32(0)
        guard case let .logicalMessage(empty) = try decode(nonTransactional) else { return XCTFail() }
        XCTAssertFalse(empty.isTransactional)
        XCTAssertEqual(empty.prefix, "")
        XCTAssertEqual(empty.content, [])
    }

    func testDecoderIsReusableAcrossATransaction() throws {
        var decoder = PgOutputDecoder(protocolVersion: 1)
        let messages = [
            Wire().tag("B").u64(10).i64(0).u32(5),
            Wire().tag("R").u32(1).cstring("public").cstring("t").u8(UInt8(ascii: "d")).i16(1).u8(1).cstring("id").u32(23).i32(-1),
            Wire().tag("I").u32(1).tag("N").i16(1).text("1"),
            Wire().tag("C").u8(0).u64(10).u64(20).i64(0),
        ]
        let ids = try messages.map { try decoder.decode($0.bytes).id }
        XCTAssertEqual(ids, [.begin, .relation, .insert, .commit])
        XCTAssertFalse(decoder.inStream)
    }

    func testTimestampConversions() {
        let epoch = PostgresTimestamp(microsecondsSince2000: 0)
        XCTAssertEqual(epoch.unixMicroseconds, 946_684_800_000_000)
        XCTAssertEqual(PostgresTimestamp(unixMicroseconds: 946_684_800_000_001).microsecondsSince2000, 1)
        // infinity / -infinity must saturate instead of trapping.
        XCTAssertEqual(PostgresTimestamp(microsecondsSince2000: .max).unixMicroseconds, .max)
        XCTAssertEqual(PostgresTimestamp(microsecondsSince2000: .min).unixMicroseconds, .min + 946_684_800_000_000)
        XCTAssertEqual(PostgresTimestamp(unixMicroseconds: .min).microsecondsSince2000, .min)
        XCTAssertLessThan(PostgresTimestamp(microsecondsSince2000: -1), epoch)
    }
}
