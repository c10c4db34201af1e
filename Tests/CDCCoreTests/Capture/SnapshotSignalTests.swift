import XCTest
@testable import CDCCore

/// Signals in Debezium's format, as messages and as signal table rows.
final class SnapshotSignalTests: XCTestCase {
    func testDebeziumsExecuteSnapshotMessageReads() throws {
        let content = #"{"id":"s1","type":"execute-snapshot","data":{"data-collections":["public.t","S.\"Mixed\""],"type":"incremental"}}"#
        let signal = try SnapshotSignal(messageContent: Array(content.utf8))
        XCTAssertEqual(signal.id, "s1")
        XCTAssertEqual(signal.kind, .execute)
        XCTAssertEqual(signal.tables, [TableName(schema: "public", table: "t"), TableName(schema: "s", table: "Mixed")])
        XCTAssertNil(signal.slot)
        XCTAssertNil(signal.chunkSize)
    }

    func testWhatCdcctlWritesReadsBack() throws {
        let sent = SnapshotSignal(kind: .execute, tables: [TableName(schema: "public", table: "t")], slot: "s", chunkSize: 500, id: "x")
        XCTAssertEqual(try SnapshotSignal(messageContent: Array(sent.messageJSON.utf8)), sent)
        let row = try SnapshotSignal(id: "x", type: "execute-snapshot", dataText: sent.dataJSON)
        XCTAssertEqual(row.tables, sent.tables)
        XCTAssertEqual(row.chunkSize, 500)
        XCTAssertEqual(sent.dataJSON, #"{"chunk-size":500,"data-collections":["public.t"],"type":"incremental"}"#)
    }

    func testStopPauseResume() throws {
        XCTAssertEqual(try SnapshotSignal(id: "1", type: "stop-snapshot", dataText: #"{"type":"incremental"}"#).tables, [])
        XCTAssertEqual(try SnapshotSignal(id: "2", type: "pause-snapshot", dataText: nil).kind, .pause)
        XCTAssertEqual(try SnapshotSignal(id: "3", type: "resume-snapshot", dataText: "").kind, .resume)
    }

    func testWhatCdcctlDoesNotDoIsRefusedInOneLine() {
        let refused: [(String?, String?)] = [
            ("execute-snapshot", #"{"data-collections":["public.t"],"type":"blocking"}"#),
            ("execute-snapshot", #"{"data-collections":["public.t"],"additional-conditions":[{"data-collection":"public.t","filter":"id > 1"}]}"#),
            ("execute-snapshot", #"{"data-collections":["public.t"],"surrogate-key":"k"}"#),
            ("execute-snapshot", #"{"type":"incremental"}"#),
            ("execute-snapshot", "not json"),
            ("log", #"{"message":"x"}"#),
            (nil, nil),
        ]
        for (type, data) in refused {
            XCTAssertThrowsError(try SnapshotSignal(id: "1", type: type, dataText: data)) { error in
                XCTAssertFalse("\(error)".contains("\n"), "\(error)")
            }
        }
        XCTAssertThrowsError(try SnapshotSignal(messageContent: Array("[1]".utf8)))
    }
}
