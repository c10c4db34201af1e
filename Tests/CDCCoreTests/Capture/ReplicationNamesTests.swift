import XCTest
@testable import CDCCore

/// Slot and publication names are checked by PostgreSQL's rules before anything is created.
final class ReplicationNamesTests: XCTestCase {
    func testSlotNamesFollowPostgresRule() {
        for good in ["cdcctl", "a", "shop_2", String(repeating: "x", count: 63)] {
            XCTAssertNil(ReplicationNames.slotProblem(good), good)
        }
        XCTAssertEqual(ReplicationNames.slotProblem(""), "a replication slot name cannot be empty")
        XCTAssertEqual(ReplicationNames.slotProblem(String(repeating: "x", count: 64)),
                       "replication slot name '\(String(repeating: "x", count: 64))' is longer than 63 bytes")
        for bad in ["Shop", "shop-1", "shop.1", "sh op", "é"] {
            XCTAssertEqual(ReplicationNames.slotProblem(bad),
                           "invalid replication slot name '\(bad)': only lower-case letters, digits and the underscore are allowed")
        }
    }

    func testPublicationNamesAreAnyIdentifierUpTo63Bytes() {
        XCTAssertNil(ReplicationNames.publicationProblem("Shop-Pub.1"))
        XCTAssertNil(ReplicationNames.publicationProblem(String(repeating: "p", count: 63)))
        XCTAssertNotNil(ReplicationNames.publicationProblem(""))
        XCTAssertNotNil(ReplicationNames.publicationProblem(String(repeating: "é", count: 32)))
    }
}
