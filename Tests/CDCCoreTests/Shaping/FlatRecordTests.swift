@testable import CDCCore
import XCTest

/// `--envelope flat` as ExtractNewRecordState writes it: the row, `__deleted` (rewrite), the added
/// fields in order; what a delete and a truncate become; the Avro value record's name and fields.
final class FlatRecordTests: XCTestCase {
    private let table = EventTable(prefix: "p", database: "d", name: TableName(schema: "s", table: "t"), columns: [
        Column(name: "id", type: .int32, typeName: "integer", nullable: false, primaryKeyPosition: 1),
        Column(name: "name", type: .text, typeName: "text", nullable: true, primaryKeyPosition: nil),
    ])
    private let position = SourcePosition(commitMicros: 1_700_000_000_123_456, sequence: (LSN(8), LSN(16)), txId: 42, lsn: LSN(16))

    private func render(_ flat: FlatRecord, _ op: CDCCore.Operation, line: String?, old: String? = nil) throws -> (JSONEventRenderer.Written, String) {
        var renderer = JSONEventRenderer(clock: { 5_000_000_000 }, envelope: .flat(flat))
        var out = ByteWriter()
        let written = try Array((line ?? "").utf8).withUnsafeBytes { a in
            try Array((old ?? "").utf8).withUnsafeBytes { b in
                try renderer.writeEvent(op, table: table, before: old == nil ? nil : .copyLine(b), after: line == nil ? nil : .copyLine(a),
                                        position: position, into: &out)
            }
        }
        return (written, String(decoding: out.bytes, as: UTF8.self))
    }

    func testRowThenDeletedThenAddedFields() throws {
        let fields = try FlatField.parseList("op,table,lsn,txId,source.ts_ms,ts_ms,sequence").get()
        let (written, text) = try render(FlatRecord(fields: fields, deletes: .rewrite), .create, line: "1\tada")
        guard case .event = written else { return XCTFail("no event: \(written)") }
        XCTAssertEqual(text, #"{"id":1,"name":"ada","__deleted":"false","__op":"c","__table":"t","__lsn":16,"__txId":42,"__source_ts_ms":1700000000123,"__ts_ms":5000,"__sequence":"[\"8\",\"16\"]"}"# + "\n")
        let (_, plain) = try render(FlatRecord(), .update, line: "2\t\\N")
        XCTAssertEqual(plain, #"{"id":2,"name":null}"# + "\n", "no added field: the row alone")
    }

    func testDeletesAndTruncates() throws {
        let (rewritten, text) = try render(FlatRecord(fields: try FlatField.parseList("op").get(), deletes: .rewrite), .delete, line: nil, old: "3\tgone")
        guard case .event = rewritten else { return XCTFail("a rewritten delete writes the row before it") }
        XCTAssertEqual(text, #"{"id":3,"name":"gone","__deleted":"true","__op":"d"}"# + "\n")
        let (tombstone, nothing) = try render(FlatRecord(), .delete, line: nil, old: "3\tgone")
        guard case .tombstone = tombstone else { return XCTFail("the default makes a delete a tombstone") }
        XCTAssertEqual(nothing, "")
        let (dropped, _) = try render(FlatRecord(deletes: .drop), .delete, line: nil, old: "3\tgone")
        guard case .nothing = dropped else { return XCTFail("drop writes nothing") }
        let (truncate, _) = try render(FlatRecord(deletes: .rewrite), .truncate, line: nil)
        guard case .nothing = truncate else { return XCTFail("a truncate is dropped") }
    }

    func testAvroValueKeepsTheRowsName() throws {
        let flat = FlatRecord(fields: try FlatField.parseList("op,lsn").get(), deletes: .rewrite)
        let schemas = DebeziumAvroSchema(prefix: "p", table: table.name, columns: table.columns, rules: nil, envelope: .flat(flat))
        let text = schemas.value.text
        XCTAssertTrue(text.hasPrefix(#"{"type":"record","name":"Value","namespace":"p.s.t","fields":[{"name":"id","type":"int"},"#), text)
        XCTAssertTrue(text.contains(#"{"name":"__deleted","type":["null","string"],"default":null},{"name":"__op","type":["null","string"],"default":null},{"name":"__lsn","type":["null","long"],"default":null}],"connect.name":"p.s.t.Value"}"#), text)
        XCTAssertNotNil(schemas.key)
    }
}
