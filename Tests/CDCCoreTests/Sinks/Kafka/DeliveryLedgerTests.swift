@testable import CDCCore
import XCTest

/// `DeliveryLedger` without a broker: trackers are completed by hand, as librdkafka's delivery
/// callback would complete them.
final class DeliveryLedgerTests: XCTestCase {
    /// Hands over a transaction of `messages` messages ending at `end`; returns its tracker.
    @discardableResult
    private func handOver(_ ledger: inout DeliveryLedger, messages: Int, end: LSN?) -> KafkaDeliveryTracker {
        let tracker = ledger.current
        for _ in 0..<messages { tracker.recordProduced() }
        ledger.close(at: end)
        return tracker
    }

    private func deliver(_ tracker: KafkaDeliveryTracker, _ count: Int? = nil) {
        for _ in 0..<(count ?? tracker.pending) { tracker.recordDelivered() }
    }

    func testInOrderDeliveriesMoveTheDurablePositionTransactionByTransaction() throws {
        var ledger = DeliveryLedger()
        let a = handOver(&ledger, messages: 2, end: LSN(0x100))
        let b = handOver(&ledger, messages: 3, end: LSN(0x200))
        try ledger.advance()
        XCTAssertNil(ledger.durable)
        XCTAssertTrue(ledger.hasOutstanding)
        XCTAssertEqual(ledger.waitingMessages, 5)

        deliver(a, 1)
        try ledger.advance()
        XCTAssertNil(ledger.durable, "half of the first transaction is not durable")
        deliver(a)
        try ledger.advance()
        XCTAssertEqual(ledger.durable, LSN(0x100))
        XCTAssertEqual(ledger.waitingMessages, 3)
        deliver(b)
        try ledger.advance()
        XCTAssertEqual(ledger.durable, LSN(0x200))
        XCTAssertFalse(ledger.hasOutstanding)
        XCTAssertEqual(ledger.waitingMessages, 0)
    }

    func testOutOfOrderDeliveriesWaitForEverythingBefore() throws {
        var ledger = DeliveryLedger()
        let a = handOver(&ledger, messages: 2, end: LSN(0x100))
        let b = handOver(&ledger, messages: 1, end: LSN(0x200))
        let c = handOver(&ledger, messages: 1, end: LSN(0x300))
        deliver(c)
        deliver(b)
        try ledger.advance()
        XCTAssertNil(ledger.durable, "later transactions delivered first do not count before the first")
        deliver(a, 1)
        try ledger.advance()
        XCTAssertNil(ledger.durable)
        deliver(a)
        try ledger.advance()
        XCTAssertEqual(ledger.durable, LSN(0x300), "one advance covers the whole delivered run")
        XCTAssertFalse(ledger.hasOutstanding)
    }

    func testAFailedMessageStopsAtTheLastFullyDeliveredTransaction() throws {
        var ledger = DeliveryLedger()
        let a = handOver(&ledger, messages: 1, end: LSN(0x100))
        let b = handOver(&ledger, messages: 2, end: LSN(0x200))
        let c = handOver(&ledger, messages: 1, end: LSN(0x300))
        deliver(a)
        deliver(c)
        b.recordDelivered()
        b.recordFailed(KafkaError("Broker: Message size too large", code: 10), topic: "big.topic")
        b.recordFailed(KafkaError("a second failure", code: 1), topic: "other")
        XCTAssertThrowsError(try ledger.advance()) { error in
            let error = error as? KafkaError
            XCTAssertEqual(error?.message, "a message to topic big.topic was not delivered: Broker: Message size too large; the stream stops with the slot at 0/100")
            XCTAssertEqual(error?.code, 10)
        }
        XCTAssertEqual(ledger.durable, LSN(0x100), "nothing after the failed transaction is durable")
        XCTAssertThrowsError(try ledger.advance(), "the failure stays")
        XCTAssertEqual(ledger.durable, LSN(0x100))
    }

    func testAFailureBeforeAnythingIsDurableNamesTheLastAcknowledgedPosition() {
        var ledger = DeliveryLedger()
        let a = handOver(&ledger, messages: 1, end: LSN(0x100))
        a.recordFailed(KafkaError("Broker: Topic authorization failed"), topic: nil)
        XCTAssertThrowsError(try ledger.advance()) { error in
            XCTAssertEqual("\(error)", "a message to topic ? was not delivered: Broker: Topic authorization failed; the stream stops with the slot at its last acknowledged position")
        }
        XCTAssertNil(ledger.durable)
    }

    func testSkippedTransactionsAreDurableOnceEverythingBeforeIs() throws {
        var ledger = DeliveryLedger()
        ledger.closeEmpty(at: LSN(0x100))
        try ledger.advance()
        XCTAssertEqual(ledger.durable, LSN(0x100), "a skipped transaction with nothing before it is durable at once")

        let a = handOver(&ledger, messages: 1, end: LSN(0x200))
        ledger.closeEmpty(at: LSN(0x300))
        try ledger.advance()
        XCTAssertEqual(ledger.durable, LSN(0x100), "a skipped transaction waits for the one before it")
        deliver(a)
        try ledger.advance()
        XCTAssertEqual(ledger.durable, LSN(0x300))
    }

    func testAbandonedTransactionsHoldBackWithoutAPositionOfTheirOwn() throws {
        var ledger = DeliveryLedger()
        // At-least-once: an abandoned transaction's messages stay and must be delivered, but
        // it has no end; the resent transaction brings the position.
        let abandoned = handOver(&ledger, messages: 2, end: nil)
        let resent = handOver(&ledger, messages: 2, end: LSN(0x200))
        deliver(resent)
        try ledger.advance()
        XCTAssertNil(ledger.durable)
        deliver(abandoned)
        try ledger.advance()
        XCTAssertEqual(ledger.durable, LSN(0x200))

        // Exactly-once: the aborted transaction's messages are forgotten.
        let aborted = ledger.current
        aborted.recordProduced()
        ledger.discardCurrent()
        XCTAssertFalse(aborted === ledger.current)
        XCTAssertEqual(ledger.current.produced, 0)
        handOver(&ledger, messages: 0, end: LSN(0x300))
        try ledger.advance()
        XCTAssertEqual(ledger.durable, LSN(0x300), "an aborted transaction's undelivered messages do not hold anything back")
    }

    func testTheDurablePositionNeverMovesBack() throws {
        var ledger = DeliveryLedger()
        handOver(&ledger, messages: 0, end: LSN(0x300))
        handOver(&ledger, messages: 0, end: nil)
        handOver(&ledger, messages: 0, end: LSN(0x200))
        try ledger.advance()
        XCTAssertEqual(ledger.durable, LSN(0x300))
    }

    func testALongNeverIdleStreamKeepsTheListBounded() throws {
        var ledger = DeliveryLedger(compactAfter: 64)
        var previous = handOver(&ledger, messages: 1, end: LSN(1))
        var highest = 0
        // Always one transaction in flight: the list never empties by itself.
        for i in 2...10_000 {
            let next = handOver(&ledger, messages: 1, end: LSN(UInt64(i)))
            deliver(previous)
            try ledger.advance()
            guard ledger.durable == LSN(UInt64(i - 1)), ledger.hasOutstanding, ledger.waitingMessages == 1 else {
                return XCTFail("after transaction \(i): durable \(ledger.durable.map { "\($0)" } ?? "nil"), waiting \(ledger.waitingMessages)")
            }
            highest = max(highest, ledger.storedEntries)
            previous = next
        }
        XCTAssertLessThanOrEqual(highest, 65, "delivered entries are dropped from the front")
        deliver(previous)
        try ledger.advance()
        XCTAssertEqual(ledger.durable, LSN(10_000))
        XCTAssertEqual(ledger.storedEntries, 0)
    }

    func testStallNoticesComeAfterTheIntervalAndAtMostOncePerInterval() throws {
        var ledger = DeliveryLedger()
        XCTAssertNil(ledger.stallNotice(now: 100), "nothing outstanding, nothing to say")
        let a = handOver(&ledger, messages: 3, end: LSN(0x100))
        let b = handOver(&ledger, messages: 1, end: LSN(0x200))
        try ledger.advance()
        XCTAssertNil(ledger.stallNotice(now: 100), "the stall starts")
        XCTAssertNil(ledger.stallNotice(now: 109.9))
        let notice = try XCTUnwrap(ledger.stallNotice(now: 110))
        XCTAssertEqual(notice.waiting, 4)
        XCTAssertEqual(notice.seconds, 10)
        XCTAssertNil(ledger.stallNotice(now: 115), "at most one notice per interval")
        XCTAssertEqual(ledger.stallNotice(now: 120)?.seconds, 20)

        // Progress restarts the stall's clock.
        deliver(a)
        try ledger.advance()
        XCTAssertNil(ledger.stallNotice(now: 121))
        XCTAssertNil(ledger.stallNotice(now: 130))
        XCTAssertEqual(ledger.stallNotice(now: 131)?.waiting, 1)
        deliver(b)
        try ledger.advance()
        XCTAssertNil(ledger.stallNotice(now: 200))
    }

    /// Exactly-once: a transaction whose Kafka commit is pending is not durable, however its
    /// deliveries went, until the commit is confirmed; an aborted one is forgotten.
    func testATransactionAwaitingItsCommitIsNotDurable() throws {
        var ledger = DeliveryLedger()
        let a = handOver(&ledger, messages: 1, end: LSN(0x100))
        deliver(a)
        let b = ledger.current
        b.recordProduced()
        ledger.close(at: LSN(0x200), awaitingCommit: true)
        XCTAssertTrue(ledger.isAwaitingCommit)
        deliver(b)
        try ledger.advance()
        XCTAssertEqual(ledger.durable, LSN(0x100), "delivered but not committed")
        XCTAssertTrue(ledger.hasOutstanding)
        XCTAssertNil(ledger.stallNotice(now: 0))
        XCTAssertEqual(ledger.stallNotice(now: 10)?.waiting, 0, "a stall, with no message waiting")
        ledger.commitConfirmed()
        XCTAssertFalse(ledger.isAwaitingCommit)
        try ledger.advance()
        XCTAssertEqual(ledger.durable, LSN(0x200))
        XCTAssertFalse(ledger.hasOutstanding)

        let c = ledger.current
        c.recordProduced()
        ledger.close(at: LSN(0x300), awaitingCommit: true)
        deliver(c)
        ledger.dropAwaitingCommit()
        try ledger.advance()
        XCTAssertEqual(ledger.durable, LSN(0x200), "an aborted transaction never becomes durable")
        XCTAssertFalse(ledger.hasOutstanding)
    }
}
