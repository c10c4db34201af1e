import XCTest
@testable import CDCCore

/// Streaming (protocol 2, 4) and two-phase (protocol 3) messages, and the stream-block state.
final class PgOutputStreamingTests: XCTestCase {
    func testStreamStartAndStopToggleState() throws {
        var decoder = PgOutputDecoder(protocolVersion: 2)
        XCTAssertEqual(try decoder.decode(Wire().tag("S").u32(700).u8(1).bytes),
                       .streamStart(StreamStartMessage(xid: 700, isFirstSegment: true)))
        XCTAssertTrue(decoder.inStream)
        XCTAssertEqual(try decoder.decode(Wire().tag("E").bytes), .streamStop)
        XCTAssertFalse(decoder.inStream)
        XCTAssertEqual(try decoder.decode(Wire().tag("S").u32(700).u8(0).bytes),
                       .streamStart(StreamStartMessage(xid: 700, isFirstSegment: false)))
        XCTAssertTrue(decoder.inStream)
    }

    func testStreamedXidPrecedesEveryChangeMessage() throws {
        let cases: [(Wire, PgOutputMessage)] = [
            (Wire().tag("R").u32(700).u32(16_385).cstring("s").cstring("t").u8(UInt8(ascii: "f")).i16(1)
                .u8(0).cstring("c").u32(25).i32(-1),
             .relation(RelationMessage(xid: 700, relationID: 16_385, namespace: "s", name: "t", replicaIdentity: .full,
                                       columns: [.init(flags: 0, name: "c", typeOID: 25, typeModifier: -1)]))),
            (Wire().tag("Y").u32(700).u32(16_400).cstring("s").cstring("mood"),
             .type(TypeMessage(xid: 700, typeOID: 16_400, namespace: "s", name: "mood"))),
            (Wire().tag("I").u32(700).u32(16_385).tag("N").i16(1).text("a"),
             .insert(InsertMessage(xid: 700, relationID: 16_385, newTuple: TupleData(columns: [textColumn("a")])))),
            (Wire().tag("U").u32(700).u32(16_385).tag("O").i16(1).text("a").tag("N").i16(1).text("b"),
             .update(UpdateMessage(xid: 700, relationID: 16_385, oldTuple: .full(TupleData(columns: [textColumn("a")])),
                                   newTuple: TupleData(columns: [textColumn("b")])))),
            (Wire().tag("D").u32(700).u32(16_385).tag("K").i16(1).text("a"),
             .delete(DeleteMessage(xid: 700, relationID: 16_385, oldTuple: .key(TupleData(columns: [textColumn("a")]))))),
            (Wire().tag("T").u32(700).i32(1).u8(3).u32(16_385),
             .truncate(TruncateMessage(xid: 700, options: [.cascade, .restartIdentity], relationIDs: [16_385]))),
            (Wire().tag("M").u32(700).u8(1).u64(0x99).cstring("p").i32(1).raw([7]),
             .logicalMessage(LogicalDecodingMessage(xid: 700, flags: 1, lsn: LSN(0x99), prefix: "p", content: [7]))),
        ]
        for version in 2...4 {
            for (wire, expected) in cases {
                XCTAssertEqual(try decode(wire, version: version, inStream: true), expected)
                // Outside a block the same bytes have four extra bytes, or are misread: never accepted as-is.
                assertDecodeFails(wire.bytes, version: version, inStream: false)
            }
        }
    }

    func testStreamCommit() throws {
        let wire = Wire().tag("c").u32(700).u8(0).u64(0x500).u64(0x580).i64(123)
        XCTAssertEqual(try decode(wire, version: 2), .streamCommit(StreamCommitMessage(
            xid: 700, flags: 0, commitLSN: LSN(0x500), endLSN: LSN(0x580), commitTime: PostgresTimestamp(microsecondsSince2000: 123)
        )))
    }

    func testStreamAbortProtocol2And3() throws {
        let wire = Wire().tag("A").u32(700).u32(701)
        for version in 2...3 {
            let message = try decode(wire, version: version)
            XCTAssertEqual(message, .streamAbort(StreamAbortMessage(xid: 700, subtransactionXid: 701, abortLSN: nil, abortTime: nil)))
            guard case let .streamAbort(abort) = message else { return XCTFail() }
            XCTAssertFalse(abort.abortsTopLevelTransaction)
        }
        // Before protocol 4 the abort fields do not exist, so extra bytes are trailing garbage.
        let error = assertDecodeFails(wire.u64(1).i64(2).bytes, version: 2)
        XCTAssertEqual(error?.reason, .trailingBytes(count: 16))
    }

    func testStreamAbortProtocol4Parallel() throws {
        let wire = Wire().tag("A").u32(700).u32(700).u64(0x7777).i64(-1)
        let message = try decode(wire, version: 4)
        XCTAssertEqual(message, .streamAbort(StreamAbortMessage(
            xid: 700, subtransactionXid: 700, abortLSN: LSN(0x7777), abortTime: PostgresTimestamp(microsecondsSince2000: -1)
        )))
        guard case let .streamAbort(abort) = message else { return XCTFail() }
        XCTAssertTrue(abort.abortsTopLevelTransaction)
        // Protocol 4 with streaming = on omits the fields.
        XCTAssertEqual(try decode(Wire().tag("A").u32(1).u32(2), version: 4),
                       .streamAbort(StreamAbortMessage(xid: 1, subtransactionXid: 2, abortLSN: nil, abortTime: nil)))
        // Any prefix cut inside the abort fields fails.
        for length in 10..<wire.bytes.count {
            XCTAssertNotNil(assertDecodeFails(Array(wire.bytes.prefix(length)), version: 4), "prefix \(length)")
        }
    }

    func testStreamAbortAndCommitDoNotChangeState() throws {
        var decoder = PgOutputDecoder(protocolVersion: 2)
        _ = try decoder.decode(Wire().tag("S").u32(1).u8(1).bytes)
        _ = try decoder.decode(Wire().tag("E").bytes)
        _ = try decoder.decode(Wire().tag("A").u32(1).u32(2).bytes)
        XCTAssertFalse(decoder.inStream)
        _ = try decoder.decode(Wire().tag("c").u32(1).u8(0).u64(1).u64(2).i64(3).bytes)
        XCTAssertFalse(decoder.inStream)
    }

    func testBeginPrepare() throws {
        let wire = Wire().tag("b").u64(0x10).u64(0x20).i64(30).u32(40).cstring("gid-1")
        XCTAssertEqual(try decode(wire, version: 3), .beginPrepare(BeginPrepareMessage(
            prepareLSN: LSN(0x10), endLSN: LSN(0x20), prepareTime: PostgresTimestamp(microsecondsSince2000: 30), xid: 40, gid: "gid-1"
        )))
    }

    func testPrepareAndStreamPrepare() throws {
        let expected = PrepareMessage(flags: 0, prepareLSN: LSN(0x10), endLSN: LSN(0x20),
                                      prepareTime: PostgresTimestamp(microsecondsSince2000: 30), xid: 40, gid: "g")
        let body = Wire().u8(0).u64(0x10).u64(0x20).i64(30).u32(40).cstring("g").bytes
        XCTAssertEqual(try decode(Wire().tag("P").raw(body), version: 3), .prepare(expected))
        let stream = try decode(Wire().tag("p").raw(body), version: 3)
        XCTAssertEqual(stream, .streamPrepare(expected))
        XCTAssertEqual(stream.id, .streamPrepare)
    }

    func testCommitPrepared() throws {
        let wire = Wire().tag("K").u8(0).u64(0x11).u64(0x22).i64(33).u32(44).cstring("gid-2")
        XCTAssertEqual(try decode(wire, version: 3), .commitPrepared(CommitPreparedMessage(
            flags: 0, commitLSN: LSN(0x11), endLSN: LSN(0x22), commitTime: PostgresTimestamp(microsecondsSince2000: 33),
            xid: 44, gid: "gid-2"
        )))
    }

    func testRollbackPrepared() throws {
        let wire = Wire().tag("r").u8(0).u64(0x11).u64(0x22).i64(33).i64(34).u32(44).cstring("gid-3")
        XCTAssertEqual(try decode(wire, version: 3), .rollbackPrepared(RollbackPreparedMessage(
            flags: 0, prepareEndLSN: LSN(0x11), rollbackEndLSN: LSN(0x22),
            prepareTime: PostgresTimestamp(microsecondsSince2000: 33), rollbackTime: PostgresTimestamp(microsecondsSince2000: 34),
            xid: 44, gid: "gid-3"
        )))
    }

    func testEveryTagRoundTripsThroughID() {
        let tags = "BCORYIUDTMSEcAbPKrp"
        XCTAssertEqual(tags.count, 19)
        for tag in tags {
            XCTAssertEqual(PgOutputMessage.ID(rawValue: tag.asciiValue!)?.rawValue, tag.asciiValue!, "\(tag)")
        }
    }
}
