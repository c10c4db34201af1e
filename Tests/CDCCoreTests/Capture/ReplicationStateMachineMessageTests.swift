import XCTest
@testable import CDCCore

/// Non-transactional logical messages: handed over like a transaction's end, acknowledged only
/// once the sink reports them durable.
final class ReplicationStateMachineMessageTests: XCTestCase {
    private func machine(start: UInt64 = 100, endpos: UInt64? = nil) -> ReplicationStateMachine {
        ReplicationStateMachine(start: LSN(start), endpos: endpos.map(LSN.init), statusInterval: 5, heartbeatInterval: nil, now: 0)
    }

    func testHandedOverMessageIsNotAcknowledgedUntilDurable() {
        var m = machine()
        XCTAssertEqual(m.handedOver(messageAt: LSN(150), now: 1), [])
        XCTAssertEqual(m.handedOver, LSN(150))
        XCTAssertEqual(m.acknowledged, LSN(100))
        _ = m.keepalive(walEnd: LSN(500), replyRequested: false, now: 2)
        XCTAssertEqual(m.acknowledged, LSN(100), "a keepalive must not pass an undelivered message")
        _ = m.durable(through: LSN(150), now: 3)
        XCTAssertEqual(m.acknowledged, LSN(150))
    }

    func testHandedOverMessageAtEndposStops() {
        var m = machine(endpos: 150)
        _ = m.durable(through: LSN(150), now: 1)
        XCTAssertEqual(m.handedOver(messageAt: LSN(150), now: 1), [.sendStatus(flush: LSN(150), replyRequested: false), .stop])
    }

    func testHandedOverMessageReportsPeriodically() {
        var m = machine()
        XCTAssertEqual(m.handedOver(messageAt: LSN(150), now: 6), [.sendStatus(flush: LSN(100), replyRequested: false)])
    }
}
