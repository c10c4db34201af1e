@testable import CDCCore
import XCTest

/// `ApplyTablePlan`: a batch collapses to the last change per key (a delete after an insert ends
/// deleted, an insert after a delete deletes first), unchanged TOASTed values keep what an
/// earlier change of the batch wrote, and the COPY text is escaped. No server.
final class TablePlanTests: XCTestCase {
    private let table = TargetTable(name: TableName(schema: "public", table: "t"), columns: [
        TargetColumn(name: "id", sqlType: "integer", kind: .integer, notNull: true),
        TargetColumn(name: "note", sqlType: "text", kind: .text, notNull: false),
        TargetColumn(name: "big", sqlType: "text", kind: .text, notNull: false),
    ], key: ["id"])

    private func change(_ kind: ApplyChange.Kind, _ fields: [(String, ApplyJSON)]) -> ApplyChange {
        ApplyChange(kind: kind, sourceTable: nil, topic: nil, row: fields)
    }

    func testLastChangePerKeyWins() throws {
        var plan = ApplyTablePlan(table: table)
        try plan.add(change(.upsert, [("id", .number("1")), ("note", .string("a")), ("big", .string("B"))]), index: 0)
        try plan.add(change(.upsert, [("id", .number("1")), ("note", .string("b")), ("big", .string(PostgresTextInput.unavailable))]), index: 1)
        try plan.add(change(.upsert, [("id", .number("2")), ("note", .string("x"))]), index: 2)
        try plan.add(change(.delete, [("id", .number("2"))]), index: 3)
        try plan.add(change(.delete, [("id", .number("3"))]), index: 4)
        try plan.add(change(.upsert, [("id", .number("3")), ("note", .string("tab\there\\"))]), index: 5)
        let (data, groups, hasDeletes) = plan.copyText()
        XCTAssertTrue(hasDeletes)
        XCTAssertEqual(String(decoding: data, as: UTF8.self), "1\tb\tB\tu\t0\n2\t\\N\t\\N\td\t-1\n3\ttab\\there\\\\\t\\N\tx\t1\n")
        XCTAssertEqual(groups, [[0, 1, 2], [0, 1]])
    }

    func testRecordProblemsNameTheRecord() {
        var plan = ApplyTablePlan(table: table)
        XCTAssertThrowsError(try plan.add(change(.upsert, [("note", .string("no key"))]), index: 7)) { error in
            XCTAssertEqual((error as? RecordProblem)?.index, 7)
            XCTAssertTrue((error as? RecordProblem)?.message.contains(#"key field "id""#) ?? false)
        }
        XCTAssertThrowsError(try plan.add(change(.upsert, [("id", .number("1")), ("extra", .null)]), index: 8)) { error in
            XCTAssertTrue((error as? RecordProblem)?.message.contains(#"no column "extra""#) ?? false, "\(error)")
        }
    }
}
