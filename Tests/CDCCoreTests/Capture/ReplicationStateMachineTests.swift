import XCTest
@testable import CDCCore

/// The acknowledgement rules, with no server: the flush LSN never passes an undelivered change.
final class ReplicationStateMachineTests: XCTestCase {
    private func machine(start: UInt64 = 100, endpos: UInt64? = nil, heartbeat: Double? = nil) -> ReplicationStateMachine {
        ReplicationStateMachine(start: LSN(start), endpos: endpos.map(LSN.init), statusInterval: 5, heartbeatInterval: heartbeat, now: 0)
    }

    func testAcknowledgesOnlyDeliveredTransactions() {
        var m = machine()
        XCTAssertEqual(m.begin(finalLSN: LSN(200)), .emit)
        XCTAssertEqual(m.acknowledged, LSN(100), "nothing acknowledged while the transaction is open")
        _ = m.delivered(transactionEnd: LSN(210), now: 1)
        XCTAssertEqual(m.acknowledged, LSN(210))
    }

    func testHandedOverTransactionsWaitForTheSinkAndHoldBackKeepalives() {
        var m = machine()
        _ = m.begin(finalLSN: LSN(200))
        _ = m.handedOver(transactionEnd: LSN(210), now: 1)
        XCTAssertEqual(m.acknowledged, LSN(100), "handed to Kafka is not delivered")
        // Idle, but the broker has not acknowledged: a keepalive must not move past it.
        _ = m.keepalive(walEnd: LSN(500), replyRequested: false, now: 2)
        XCTAssertEqual(m.acknowledged, LSN(100))
        _ = m.begin(finalLSN: LSN(300))
        _ = m.handedOver(transactionEnd: LSN(310), now: 3)
        _ = m.durable(through: LSN(210), now: 4)
        XCTAssertEqual(m.acknowledged, LSN(210), "only the first transaction is durable")
        _ = m.keepalive(walEnd: LSN(500), replyRequested: false, now: 5)
        XCTAssertEqual(m.acknowledged, LSN(210))
        _ = m.durable(through: LSN(310), now: 6)
        _ = m.keepalive(walEnd: LSN(500), replyRequested: false, now: 7)
        XCTAssertEqual(m.acknowledged, LSN(500), "with nothing outstanding, idle WAL is acknowledged again")
    }

    func testKeepaliveInsideATransactionDoesNotAdvance() {
        var m = machine()
        _ = m.begin(finalLSN: LSN(200))
        let actions = m.keepalive(walEnd: LSN(500), replyRequested: true, now: 1)
        XCTAssertEqual(m.acknowledged, LSN(100))
        XCTAssertEqual(actions, [.sendStatus(flush: LSN(100), replyRequested: false)])
    }

    func testKeepaliveWhileIdleAdvancesToWalEnd() {
        var m = machine()
        _ = m.keepalive(walEnd: LSN(500), replyRequested: false, now: 1)
        XCTAssertEqual(m.acknowledged, LSN(500))
    }

    func testKeepaliveNeverMovesBackwards() {
        var m = machine(start: 600)
        _ = m.keepalive(walEnd: LSN(500), replyRequested: false, now: 1)
        XCTAssertEqual(m.acknowledged, LSN(600))
    }

    func testStatusIsPeriodicNotPerTransaction() {
        var m = machine()
        _ = m.begin(finalLSN: LSN(200))
        XCTAssertEqual(m.delivered(transactionEnd: LSN(210), now: 1), [])
        _ = m.begin(finalLSN: LSN(300))
        XCTAssertEqual(m.delivered(transactionEnd: LSN(310), now: 6), [.sendStatus(flush: LSN(310), replyRequested: false)])
    }

    func testEndposStopsBeforeATransactionCommittingAfterIt() {
        var m = machine(endpos: 250)
        XCTAssertEqual(m.begin(finalLSN: LSN(200)), .emit)
        _ = m.delivered(transactionEnd: LSN(210), now: 1)
        XCTAssertEqual(m.begin(finalLSN: LSN(300)), .stopBefore)
        XCTAssertEqual(m.acknowledged, LSN(210))
    }

    func testEndposReachedByACommitStopsAfterDelivering() {
        var m = machine(endpos: 205)
        _ = m.begin(finalLSN: LSN(200))
        XCTAssertEqual(m.delivered(transactionEnd: LSN(210), now: 1), [.sendStatus(flush: LSN(210), replyRequested: false), .stop])
    }

    func testEndposReachedByAKeepaliveStopsAtEndpos() {
        var m = machine(endpos: 400)
        XCTAssertEqual(m.keepalive(walEnd: LSN(900), replyRequested: false, now: 1), [.sendStatus(flush: LSN(400), replyRequested: false), .stop])
        XCTAssertEqual(m.acknowledged, LSN(400), "never acknowledged past endpos")
    }

    func testStopRequestWaitsForTheOpenTransaction() {
        var m = machine()
        _ = m.begin(finalLSN: LSN(200))
        XCTAssertEqual(m.requestStop(now: 1), [])
        XCTAssertEqual(m.tick(now: 2), [])
        XCTAssertEqual(m.delivered(transactionEnd: LSN(210), now: 3), [.sendStatus(flush: LSN(210), replyRequested: false), .stop])
    }

    func testStopRequestWhileIdleStopsAtOnce() {
        var m = machine()
        XCTAssertEqual(m.requestStop(now: 1), [.sendStatus(flush: LSN(100), replyRequested: false), .stop])
    }

    func testHeartbeatAsksForAReplyOnlyWhenIdle() {
        var m = machine(heartbeat: 2)
        XCTAssertEqual(m.tick(now: 1), [])
        XCTAssertEqual(m.tick(now: 2.5), [.sendStatus(flush: LSN(100), replyRequested: true)])
        _ = m.begin(finalLSN: LSN(200))
        XCTAssertEqual(m.tick(now: 5), [], "no heartbeat inside a transaction")
    }
}

extension ReplicationStateMachineTests {
    func testNonTransactionalMessagePastEndposIsNotEmitted() {
        let m = machine(endpos: 400)
        XCTAssertEqual(m.beginMessage(at: LSN(300)), .emit)
        XCTAssertEqual(m.beginMessage(at: LSN(401)), .stopBefore)
    }
}
