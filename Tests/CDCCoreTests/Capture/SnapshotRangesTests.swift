import XCTest
@testable import CDCCore

/// `--parallel`'s ranges cover every page once: contiguous, the last one open-ended.
final class SnapshotRangesTests: XCTestCase {
    func testRangesAreContiguousAndTheLastIsOpen() {
        XCTAssertEqual(SnapshotRanges.conditions(blocks: 10, count: 3), [
            "ctid < '(3,0)'::tid",
            "ctid >= '(3,0)'::tid AND ctid < '(6,0)'::tid",
            "ctid >= '(6,0)'::tid",
        ])
    }

    func testSmallTablesAndOneRangeAreNotSplit() {
        XCTAssertEqual(SnapshotRanges.conditions(blocks: 2, count: 3), [])
        XCTAssertEqual(SnapshotRanges.conditions(blocks: 0, count: 2), [])
        XCTAssertEqual(SnapshotRanges.conditions(blocks: 1000, count: 1), [])
    }
}
