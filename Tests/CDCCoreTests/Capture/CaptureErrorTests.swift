import XCTest
@testable import CDCCore

/// The library's capture errors say what is wrong without naming CLI flags (the CLI adds them).
final class CaptureErrorTests: XCTestCase {
    func testDescriptionsNameNoFlags() {
        let errors: [CaptureError] = [
            .walLevelNotLogical(level: "replica", server: "postgresql://127.0.0.1/db"),
            .publicationMissing(publication: "pub"),
            .slotMissing(slot: "s"),
            .slotExistsForInitialOnly(slot: "s"),
            .slotInUse(slot: "s", pid: "42"),
            .slotPluginNotPgOutput(slot: "s", plugin: "wal2json"),
            .slotInOtherDatabase(slot: "s", database: "a", connected: "b"),
            .relationNotDescribed(relationID: 16384),
            .unexpectedMessage(tag: UInt8(ascii: "S")),
            .invalidName(problem: "invalid replication slot name 'A': only lower-case letters, digits and the underscore are allowed"),
            .snapshotStateInaccessible(problem: "role r cannot create schema cdcctl for cdcctl.snapshot_state; fix: GRANT CREATE ON DATABASE \"d\" TO \"r\""),
        ]
        for error in errors {
            XCTAssertFalse(error.description.contains("--"), error.description)
            XCTAssertFalse(error.description.contains("\n"), error.description)
        }
    }

    func testDescriptionsNameTheObject() {
        XCTAssertEqual(CaptureError.slotInUse(slot: "s", pid: "42").description,
                       "replication slot s is in use by process 42: stop the other consumer or use another slot")
        XCTAssertEqual(CaptureError.relationNotDescribed(relationID: 16384).description,
                       "change for relation 16384 arrived before its Relation message")
        XCTAssertEqual(CaptureError.unexpectedMessage(tag: UInt8(ascii: "S")).description,
                       "unexpected pgoutput message 'S': cdcctl does not request streaming or two-phase decoding")
    }
}
