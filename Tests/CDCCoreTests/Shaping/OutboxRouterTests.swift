@testable import CDCCore
import XCTest

/// The outbox router without a server: which changes become records, the topic template, the
/// columns read (renamed with `--outbox-field`), headers, missing columns, and the NDJSON line.
final class OutboxRouterTests: XCTestCase {
    private static let name = TableName(schema: "app", table: "outbox")

    private static func table(_ columns: [(String, ColumnType)]) -> EventTable {
        EventTable(prefix: "p", database: "d", name: name, columns: columns.map {
            Column(name: $0.0, type: $0.1, typeName: "\($0.1)", nullable: true, primaryKeyPosition: $0.0 == "id" ? 1 : nil)
        })
    }

    private static var standard: EventTable { table([("id", .uuid), ("aggregatetype", .text), ("aggregateid", .text), ("type", .text), ("payload", .json)]) }

    private func route(_ router: inout OutboxRouter, _ line: String, op: CDCCore.Operation = .create, table: EventTable = standard) throws -> OutboxRecord? {
        try Array(line.utf8).withUnsafeBytes { try router.route(op, table: table, after: .copyLine($0)) }
    }

    private func text(_ bytes: ArraySlice<UInt8>?) -> String? { bytes.map { String(decoding: $0, as: UTF8.self) } }

    func testAnInsertIsRoutedAsDebeziumsEventRouterDoes() throws {
        var router = try OutboxRouter(settings: OutboxSettings(table: Self.name))
        let record = try route(&router, "e1\torder\t42\tOrderPlaced\t{\"total\": 12.5,\\n \"é\": [1]}")
        XCTAssertEqual(record?.topic, "outbox.event.order")
        XCTAssertEqual(text(record?.key), "42")
        XCTAssertEqual(text(record?.payload), "{\"total\": 12.5,\n \"é\": [1]}") // COPY's escapes undone
        XCTAssertEqual(record?.payloadKind, .json)
        XCTAssertEqual(record?.headers.map { $0.name }, ["id", "type"])
        XCTAssertEqual(record?.headers.map { text($0.value) }, ["e1", "OrderPlaced"])
        // A snapshot read is routed the same way; NULLs stay NULL.
        let read = try route(&router, "e2\tcustomer\t\\N\tX\t\\N", op: .read)
        XCTAssertEqual(read?.topic, "outbox.event.customer")
        XCTAssertNil(read?.key)
        XCTAssertNil(read?.payload)
    }

    func testUpdatesAreIgnoredWithAWarningDeletesSilently() throws {
        var warnings: [String] = []
        var router = try OutboxRouter(settings: OutboxSettings(table: Self.name), warn: { warnings.append($0) })
        for _ in 0..<3 { XCTAssertNil(try route(&router, "e1\torder\t42\tT\t{}", op: .update)) }
        XCTAssertNil(try route(&router, "e1\torder\t42\tT\t{}", op: .delete))
        XCTAssertNil(try router.route(.truncate, table: Self.standard, after: nil))
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].contains("UPDATE of outbox table app.outbox"), warnings[0])
    }

    func testRenamedFieldsTemplateOfAnyColumnAndHeaders() throws {
        var settings = OutboxSettings(table: Self.name)
        settings.columns = [.id: "event_id", .aggregatetype: "kind", .aggregateid: "agg", .type: "event_type", .payload: "body"]
        settings.topicTemplate = "{tenant}.{aggregatetype}-events"
        settings.withHeader(.init(source: "type", name: "eventType")) // replaces header type
        settings.withHeader(.init(source: "tenant", name: "tenant"))
        let table = Self.table([("tenant", .text), ("event_id", .int64), ("kind", .text), ("agg", .int64), ("event_type", .text), ("body", .bytea)])
        var router = try OutboxRouter(settings: settings)
        let record = try route(&router, "acme\t7\tinvoice\t99\tInvoiceSent\t\\\\x00ff", table: table)
        XCTAssertEqual(record?.topic, "acme.invoice-events")
        XCTAssertEqual(text(record?.key), "99")
        XCTAssertEqual(record?.payload.map(Array.init), [0x00, 0xFF])
        XCTAssertEqual(record?.payloadKind, .bytes)
        XCTAssertEqual(record?.headers.map { $0.name }, ["id", "eventType", "tenant"])
        XCTAssertEqual(record?.headers.map { text($0.value) }, ["7", "InvoiceSent", "acme"])
    }

    func testMissingColumnsAreNamed() throws {
        let settings = OutboxSettings(table: Self.name)
        XCTAssertThrowsError(try OutboxRouter.check(settings, columns: Self.table([("id", .uuid), ("aggregatetype", .text), ("type", .text), ("payload", .json)]).columns)) {
            XCTAssertEqual($0 as? OutboxError, .missingColumn(table: Self.name, column: "aggregateid", use: OutboxSettings.Field.aggregateid.use, field: .aggregateid))
        }
        var custom = settings
        custom.topicTemplate = "t.{region}"
        XCTAssertThrowsError(try OutboxRouter.check(custom, columns: Self.standard.columns)) {
            XCTAssertEqual(($0 as? OutboxError)?.description, "outbox table app.outbox has no column region (named in the topic template)")
        }
        XCTAssertNoThrow(try OutboxRouter.check(settings, columns: Self.standard.columns))
    }

    func testTopicsThatCannotBeMadeStopWithTheEventNamed() throws {
        var router = try OutboxRouter(settings: OutboxSettings(table: Self.name))
        XCTAssertThrowsError(try route(&router, "e9\t\\N\t1\tT\t{}")) {
            XCTAssertEqual(($0 as? OutboxError)?.description, "outbox event e9 of app.outbox has a NULL aggregatetype, which its topic name needs")
        }
        XCTAssertThrowsError(try route(&router, "e10\tbad type\t1\tT\t{}")) {
            XCTAssertEqual($0 as? OutboxError, .invalidTopic(table: Self.name, topic: "outbox.event.bad type", eventID: "e10"))
        }
    }

    func testTopicTemplates() throws {
        XCTAssertEqual(try OutboxTopicTemplate(parsing: "a.{x}.{y}{x}").parts, [.literal("a."), .placeholder("x"), .literal("."), .placeholder("y"), .placeholder("x")])
        XCTAssertEqual(try OutboxTopicTemplate(parsing: "a.{x}.{y}{x}").placeholders, ["x", "y"])
        for (bad, problem) in [("", OutboxTopicTemplate.Problem.empty), ("a{", .unbalanced), ("a}", .unbalanced), ("{}", .unbalanced), ("{a{b}}", .unbalanced)] {
            XCTAssertThrowsError(try OutboxTopicTemplate(parsing: bad), bad) { XCTAssertEqual($0 as? OutboxTopicTemplate.Problem, problem) }
        }
        for good in ["a", "outbox.event.Order_1-x", String(repeating: "a", count: 249)] { XCTAssertTrue(OutboxTopicTemplate.isValidTopic(Array(good.utf8)), good) }
        for bad in ["", ".", "..", "a b", "é", String(repeating: "a", count: 250)] { XCTAssertFalse(OutboxTopicTemplate.isValidTopic(Array(bad.utf8)), bad) }
    }

    func testNDJSONLines() throws {
        var renderer = OutboxLineRenderer(router: try OutboxRouter(settings: OutboxSettings(table: Self.name)))
        var out = ByteWriter()
        func write(_ table: EventTable, _ line: String, _ op: CDCCore.Operation = .create) throws {
            try Array(line.utf8).withUnsafeBytes { try renderer.write(op, table: table, after: .copyLine($0), into: &out) }
        }
        try write(Self.standard, "e1\torder\t42\tT\t{\"a\":\\n1}")
        try write(Self.standard, "e1\torder\t42\tT\t{}", .update)
        try write(Self.standard, "e2\torder\t\\N\t\\N\t\\N")
        let text = Self.table([("id", .uuid), ("aggregatetype", .text), ("aggregateid", .text), ("type", .text), ("payload", .text)])
        try write(text, "e3\tx\t1\tT\tsay \"hi\"")
        let bytes = Self.table([("id", .uuid), ("aggregatetype", .text), ("aggregateid", .text), ("type", .text), ("payload", .bytea)])
        try write(bytes, "e4\tx\t1\tT\t\\\\x00ff")
        XCTAssertEqual(String(decoding: out.bytes, as: UTF8.self), """
            {"topic":"outbox.event.order","key":"42","headers":{"id":"e1","type":"T"},"value":{"a": 1}}
            {"topic":"outbox.event.order","key":null,"headers":{"id":"e2","type":null},"value":null}
            {"topic":"outbox.event.x","key":"1","headers":{"id":"e3","type":"T"},"value":"say \\"hi\\""}
            {"topic":"outbox.event.x","key":"1","headers":{"id":"e4","type":"T"},"value":"AP8="}

            """)
    }
}
