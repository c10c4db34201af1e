import XCTest
@testable import CDCCore

/// The walsender command texts and status updates `ReplicationConnection` sends, with no server.
final class ReplicationConnectionTests: XCTestCase {
    func testCreateSlotCommand() {
        XCTAssertEqual(WalsenderCommand.createSlot(name: "cdcctl", exportSnapshot: true).text,
                       #"CREATE_REPLICATION_SLOT "cdcctl" LOGICAL pgoutput EXPORT_SNAPSHOT"#)
        XCTAssertEqual(WalsenderCommand.createSlot(name: "cdcctl", exportSnapshot: false).text,
                       #"CREATE_REPLICATION_SLOT "cdcctl" LOGICAL pgoutput NOEXPORT_SNAPSHOT"#)
    }

    func testStartReplicationCommand() {
        let command = WalsenderCommand.startReplication(slot: "cdcctl", from: LSN(0x16B_3748), protocolVersion: 4,
                                                        publications: ["cdcctl"], messages: true)
        XCTAssertEqual(command.text, #"""
            START_REPLICATION SLOT "cdcctl" LOGICAL 0/16B3748 (proto_version '4', publication_names '"cdcctl"', messages 'true')
            """#)
    }

    func testStartReplicationListsPublicationsAndCanLeaveOutMessages() {
        let command = WalsenderCommand.startReplication(slot: "s", from: LSN(0x1_0000_0000), protocolVersion: 1,
                                                        publications: ["a", "B c"], messages: false)
        XCTAssertEqual(command.text, #"""
            START_REPLICATION SLOT "s" LOGICAL 1/0 (proto_version '1', publication_names '"a","B c"', messages 'false')
            """#)
    }

    func testIdentifySystemCommand() {
        XCTAssertEqual(WalsenderCommand.identifySystem.text, "IDENTIFY_SYSTEM")
    }

    func testDropSlotCommand() {
        XCTAssertEqual(WalsenderCommand.dropSlot(name: "cdcctl").text, #"DROP_REPLICATION_SLOT "cdcctl""#)
    }

    /// Names come from flags: quotes in them stay inside one identifier or literal.
    func testNamesWithQuotesStayOneToken() {
        XCTAssertEqual(WalsenderCommand.dropSlot(name: #"a"b"#).text, #"DROP_REPLICATION_SLOT "a""b""#)
        let command = WalsenderCommand.startReplication(slot: #"x"y"#, from: .zero, protocolVersion: 2,
                                                        publications: [#"it's "p""#], messages: true)
        XCTAssertEqual(command.text, #"""
            START_REPLICATION SLOT "x""y" LOGICAL 0/0 (proto_version '2', publication_names '"it''s ""p"""', messages 'true')
            """#)
    }

    func testQuoting() {
        XCTAssertEqual(SQLQuote.identifier("Mixed Case"), #""Mixed Case""#)
        XCTAssertEqual(SQLQuote.identifier(#"q"q"#), #""q""q""#)
        XCTAssertEqual(SQLQuote.literal("it's"), "'it''s'")
        XCTAssertEqual(SQLQuote.literal(""), "''")
        XCTAssertEqual(TableName.quote("t"), SQLQuote.identifier("t"))
    }

    func testStatusUpdateReportsFlushedAsWrittenAndApplied() {
        let update = StandbyStatusUpdate(flushed: LSN(0x1_0000_0010), clientTime: PostgresTimestamp(microsecondsSince2000: 7), replyRequested: true)
        XCTAssertEqual(update, StandbyStatusUpdate(writeLSN: LSN(0x1_0000_0010), flushLSN: LSN(0x1_0000_0010), applyLSN: LSN(0x1_0000_0010),
                                                   clientTime: PostgresTimestamp(microsecondsSince2000: 7), replyRequested: true))
        XCTAssertEqual(update.encoded().last, 1)
    }
}
