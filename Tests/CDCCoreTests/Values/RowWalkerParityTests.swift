import AvroCodec
@testable import CDCCore
import XCTest

/// What `RowWalker` writes for values a pgoutput tuple does not carry, as Debezium 3.6 writes
/// them (checked side by side with its PostgreSQL connector, `e2e/debezium-parity.sh`): an
/// unchanged TOASTed value under REPLICA IDENTITY FULL comes from the old row, and a NOT NULL
/// column that a key-only old tuple leaves out carries its constant default. No server.
final class RowWalkerParityTests: XCTestCase {
    private static let table = TableName(schema: "public", table: "t")

    /// `id` is the key; `n` is NOT NULL DEFAULT 1.50, `label` NOT NULL DEFAULT 'x', `note`
    /// nullable DEFAULT 'y', `big`/`blob` TOASTable, `plain` NOT NULL without a default.
    private static let columns: [Column] = {
        var columns = [
            Column(name: "id", type: .int32, typeName: "integer", nullable: false, primaryKeyPosition: 1),
            Column(name: "big", type: .text, typeName: "text", nullable: true, primaryKeyPosition: nil),
            Column(name: "blob", type: .bytea, typeName: "bytea", nullable: true, primaryKeyPosition: nil),
            Column(name: "n", type: .numeric(precision: 5, scale: 2), typeName: "numeric(5,2)", nullable: false, primaryKeyPosition: nil),
            Column(name: "label", type: .text, typeName: "text", nullable: false, primaryKeyPosition: nil),
            Column(name: "note", type: .text, typeName: "text", nullable: true, primaryKeyPosition: nil),
            Column(name: "plain", type: .int32, typeName: "integer", nullable: false, primaryKeyPosition: nil),
        ]
        columns[3].defaultText = "1.50"
        columns[4].defaultText = "x"
        columns[5].defaultText = "y"
        return columns
    }()

    private static func text(_ s: String) -> TupleColumn { .text(Array(s.utf8)) }

    /// The complete old row of an update under REPLICA IDENTITY FULL.
    private static let oldFull = TupleData(columns: [text("7"), text("long text"), text("\\x0102"), text("2.25"), text("a"), .null, text("3")])
    /// Its new row: `plain` changed, `big` and `blob` unchanged TOASTed values.
    private static let newRow = TupleData(columns: [text("7"), .unchangedToast, .unchangedToast, text("2.25"), text("a"), .null, text("4")])
    /// A delete's key-only old tuple (REPLICA IDENTITY DEFAULT).
    private static let keyOnly = TupleData(columns: [text("7"), .null, .null, .null, .null, .null, .null])

    private func json(_ row: RowSource) throws -> String {
        var renderer = JSONRowRenderer(table: Self.table, columns: Self.columns)
        return String(decoding: try renderer.render(row), as: UTF8.self)
    }

    /// The Envelope's `before` and `after` records, decoded.
    private func avro(before: RowSource?, after: RowSource?) throws -> (before: [AvroValue]?, after: [AvroValue]?) {
        var encoder = AvroEventEncoder(prefix: "p", database: "d", table: Self.table, columns: Self.columns)
        let bytes = try encoder.encodeValue(op: after == nil ? .delete : .update, before: before, after: after,
                                            position: SourcePosition(commitMicros: 0), nowNanos: 0)
        let schema = try AvroCompiledSchema(json: encoder.schemas.value.text)
        guard case .record(let envelope) = try AvroBinaryReader.decode(bytes, as: schema) else { XCTFail("not a record"); return (nil, nil) }
        func row(_ value: AvroValue) -> [AvroValue]? {
            if case .union(branch: 1, .record(let fields)) = value { return fields }
            return nil
        }
        return (row(envelope[0]), row(envelope[1]))
    }

    func testAnUnchangedToastedValueUnderFullIdentityComesFromTheOldRow() throws {
        let after = RowSource.newTuple(Self.newRow, old: .full(Self.oldFull))
        XCTAssertEqual(try json(after), #"{"id":7,"big":"long text","blob":"AQI=","n":"2.25","label":"a","note":null,"plain":4}"#)
        let decoded = try avro(before: .oldTuple(.full(Self.oldFull)), after: after)
        XCTAssertEqual(decoded.after?[1], .union(branch: 1, .string("long text")))
        XCTAssertEqual(decoded.after?[2], .union(branch: 1, .bytes([1, 2])))
    }

    func testWithoutACompleteOldRowTheUnchangedToastedValueIsStillThePlaceholder() throws {
        let after = RowSource.newTuple(Self.newRow, old: .key(Self.keyOnly))
        XCTAssertEqual(try json(after),
                       #"{"id":7,"big":"__debezium_unavailable_value","blob":"X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ==","n":"2.25","label":"a","note":null,"plain":4}"#)
        XCTAssertEqual(try json(.newTuple(Self.newRow, old: nil)), try json(after))
    }

    func testAKeyOnlyOldTupleGivesNotNullColumnsTheirConstantDefault() throws {
        // Debezium writes a NOT NULL column's default; a nullable column stays null here, and a
        // NOT NULL column without a default is null in JSON (Debezium: the type's zero).
        XCTAssertEqual(try json(.oldTuple(.key(Self.keyOnly))),
                       #"{"id":7,"big":null,"blob":null,"n":"1.50","label":"x","note":null,"plain":null}"#)
        let before = try XCTUnwrap(try avro(before: .oldTuple(.key(Self.keyOnly)), after: nil).before)
        XCTAssertEqual(before[3], .bytes([0, 150]), "numeric(5,2) 1.50, not the zero")
        XCTAssertEqual(before[4], .string("x"), "the default, not \"\"")
        XCTAssertEqual(before[5], .union(branch: 0, .null))
        XCTAssertEqual(before[6], .int(0), "no default: the type's zero, as Debezium's fallback")
    }

    func testNullsOfACompleteRowAreNeverReplacedByDefaults() throws {
        let full = TupleData(columns: [Self.text("7"), .null, .null, Self.text("2.25"), Self.text("a"), .null, Self.text("3")])
        XCTAssertEqual(try json(.oldTuple(.full(full))), #"{"id":7,"big":null,"blob":null,"n":"2.25","label":"a","note":null,"plain":3}"#)
    }
}
