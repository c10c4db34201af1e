@testable import CDCCore
import XCTest

/// `--exactly-once`'s position records without a broker: their JSON, records of earlier versions,
/// and when a recorded position may be skipped by on a stream from a given cluster and slot.
final class KafkaCommittedPositionTests: XCTestCase {
    private let here = ServerIdentity(systemID: "7300000000000000001", timeline: 2, walFlush: LSN(0x9000))

    private func origin(slotAt position: LSN?, server: ServerIdentity? = nil) -> ReplicationOrigin {
        ReplicationOrigin(server: server ?? here, slot: "s1", slotPosition: position)
    }

    func testARecordNamesTheClusterAndTimelineAndReadsBack() {
        let record = KafkaCommittedPosition.record(slot: "s1", resumeAt: LSN(0x500), server: here)
        XCTAssertEqual(String(decoding: record.key, as: UTF8.self), "s1")
        XCTAssertEqual(String(decoding: record.value, as: UTF8.self), #"{"slot":"s1","lsn":"0/500","system":"7300000000000000001","timeline":2}"#)
        XCTAssertEqual(KafkaCommittedPosition.parseRecord(record.value),
                       KafkaCommittedPosition.Recorded(lsn: LSN(0x500), systemID: "7300000000000000001", timeline: 2))
        XCTAssertEqual(KafkaCommittedPosition.parse(record.value), LSN(0x500))
    }

    func testARecordOfAnEarlierVersionHasNoIdentity() {
        let value = Array(#"{"slot":"s1","lsn":"0/500"}"#.utf8)
        XCTAssertEqual(KafkaCommittedPosition.parseRecord(value), KafkaCommittedPosition.Recorded(lsn: LSN(0x500)))
        XCTAssertEqual(String(decoding: KafkaCommittedPosition.record(slot: "s1", resumeAt: LSN(0x500)).value, as: UTF8.self),
                       #"{"slot":"s1","lsn":"0/500"}"#, "without a known server, the record is as before")
        XCTAssertNil(KafkaCommittedPosition.parseRecord(Array(#"{"slot":"s1"}"#.utf8)))
    }

    func testThePositionOfThisClusterIsSkippedBy() {
        let recorded = KafkaCommittedPosition.Recorded(lsn: LSN(0x800), systemID: here.systemID, timeline: 2)
        XCTAssertNil(recorded.mismatch(with: origin(slotAt: LSN(0x400))), "ahead of the slot after kill -9: trusted")
        XCTAssertNil(recorded.mismatch(with: origin(slotAt: LSN(0x800))))
        XCTAssertNil(recorded.mismatch(with: origin(slotAt: nil)), "a new slot starts at or after the WAL end, past the record")
    }

    func testAnotherClusterIsAlwaysRefused() {
        let recorded = KafkaCommittedPosition.Recorded(lsn: LSN(0x100), systemID: "7300000000000000999", timeline: 1)
        for position in [LSN(0x50), LSN(0x400), nil] {
            XCTAssertEqual(recorded.mismatch(with: origin(slotAt: position)),
                           .otherCluster(recorded: "7300000000000000999", current: here.systemID))
        }
    }

    func testAPositionBeyondTheServersWALIsRefused() {
        // A restored snapshot of the same cluster, or an old record on a rebuilt one.
        for systemID in [here.systemID, nil] {
            let recorded = KafkaCommittedPosition.Recorded(lsn: LSN(0x9001), systemID: systemID, timeline: systemID == nil ? nil : 2)
            XCTAssertEqual(recorded.mismatch(with: origin(slotAt: LSN(0x400))), .aheadOfServer(walFlush: LSN(0x9000)))
            XCTAssertEqual(recorded.mismatch(with: origin(slotAt: nil)), .aheadOfServer(walFlush: LSN(0x9000)))
        }
    }

    func testAnotherTimelineIsRefusedOnlyWhenThePositionIsAheadOfTheSlot() {
        let recorded = KafkaCommittedPosition.Recorded(lsn: LSN(0x800), systemID: here.systemID, timeline: 1)
        XCTAssertEqual(recorded.mismatch(with: origin(slotAt: LSN(0x400))), .otherTimeline(recorded: 1, current: 2, start: LSN(0x400)))
        XCTAssertNil(recorded.mismatch(with: origin(slotAt: LSN(0x800))), "nothing would be skipped")
        XCTAssertNil(recorded.mismatch(with: origin(slotAt: nil)))
    }

    func testARecordWithoutIdentityIsTrustedOnlyWhenItSkipsNothing() {
        let recorded = KafkaCommittedPosition.Recorded(lsn: LSN(0x800))
        XCTAssertNil(recorded.mismatch(with: origin(slotAt: LSN(0x800))), "after a clean stop the slot is at the record")
        XCTAssertNil(recorded.mismatch(with: origin(slotAt: nil)))
        XCTAssertEqual(recorded.mismatch(with: origin(slotAt: LSN(0x400))), .unidentified(start: LSN(0x400)))
    }

    func testTheMismatchNamesSlotTopicAndBothClustersWithoutFlags() {
        let error = CommittedPositionMismatch(slot: "s1", topic: "p.cdcctl-offsets", position: LSN(0x100),
                                              reason: .otherCluster(recorded: "111", current: "222"))
        XCTAssertEqual(error.mismatch, "the position 0/100 of slot s1 in topic p.cdcctl-offsets was recorded on another cluster (system identifier 111; this server's is 222)")
        XCTAssertFalse(error.description.contains("--"), error.description)
    }
}
