import AvroCodec
@testable import CDCCore
import XCTest

/// The `source` block as Debezium 3.6's PostgreSQL connector writes it (checked side by side in
/// `e2e/debezium-parity.sh`): `origin` and `origin_lsn` after `xmin`, and a snapshot's txId and
/// `[null,"<lsn>"]` sequence, in JSON and in Avro. No server.
final class SourceBlockTests: XCTestCase {
    private static let table = TableName(schema: "public", table: "t")
    private static let columns = [Column(name: "id", type: .int32, typeName: "integer", nullable: false, primaryKeyPosition: 1)]

    private func json(_ position: SourcePosition) throws -> [String: Any] {
        var renderer = EventRenderer(prefix: "p", database: "d", clock: { 0 })
        var out = ByteWriter()
        renderer.write(op: .read, before: nil, after: Array(#"{"id":1}"#.utf8), table: Self.table, position: position, into: &out)
        let event = try JSONSerialization.jsonObject(with: Data(out.bytes)) as? [String: Any]
        return try XCTUnwrap(event?["source"] as? [String: Any])
    }

    /// The Avro Source record's fields by name.
    private func avro(_ position: SourcePosition) throws -> [String: AvroValue] {
        var encoder = AvroEventEncoder(prefix: "p", database: "d", table: Self.table, columns: Self.columns)
        let bytes = try Array("1".utf8).withUnsafeBytes {
            try encoder.encodeValue(op: .read, before: nil, after: .copyLine($0), position: position, nowNanos: 0)
        }
        let schema = try AvroCompiledSchema(json: encoder.schemas.value.text)
        guard case .record(let envelope) = try AvroBinaryReader.decode(bytes, as: schema), case .record(let source) = envelope[2] else {
            XCTFail("no source record"); return [:]
        }
        let names = ["version", "connector", "name", "ts_ms", "snapshot", "db", "sequence", "ts_us", "ts_ns", "schema", "table",
                     "txId", "lsn", "xmin", "origin", "origin_lsn"]
        XCTAssertEqual(source.count, names.count)
        return Dictionary(uniqueKeysWithValues: zip(names, source))
    }

    func testTheSourceEndsWithOriginAndOriginLSNInDebeziumsOrder() throws {
        var out = ByteWriter()
        var renderer = EventRenderer(prefix: "p", database: "d", clock: { 0 })
        renderer.write(op: .create, before: nil, after: nil, table: Self.table, position: SourcePosition(commitMicros: 0), into: &out)
        XCTAssertTrue(String(decoding: out.bytes, as: UTF8.self).contains(#""lsn":null,"xmin":null,"origin":null,"origin_lsn":null}"#))
    }

    func testAReplayedTransactionCarriesItsOrigin() throws {
        var position = SourcePosition(commitMicros: 0, sequence: (LSN(10), LSN(20)), txId: 7, lsn: LSN(20))
        position.origin = OriginMessage(commitLSN: LSN(0xABCDEF), name: "node \"a\"")
        let source = try json(position)
        XCTAssertEqual(source["origin"] as? String, "node \"a\"")
        XCTAssertEqual((source["origin_lsn"] as? NSNumber)?.int64Value, 11_259_375)
        let record = try avro(position)
        XCTAssertEqual(record["origin"], .union(branch: 1, .string("node \"a\"")))
        XCTAssertEqual(record["origin_lsn"], .union(branch: 1, .long(11_259_375)))
        XCTAssertEqual(try avro(SourcePosition(commitMicros: 0))["origin"], .union(branch: 0, .null))
    }

    func testASnapshotEventCarriesItsTransactionAndANullLastCommit() throws {
        let position = SourcePosition(commitMicros: 0, snapshot: .first, sequence: (nil, LSN(26_392_944)), txId: 732, lsn: LSN(26_392_944))
        let source = try json(position)
        XCTAssertEqual(source["sequence"] as? String, #"[null,"26392944"]"#)
        XCTAssertEqual((source["txId"] as? NSNumber)?.int64Value, 732)
        let record = try avro(position)
        XCTAssertEqual(record["sequence"], .union(branch: 1, .string(#"[null,"26392944"]"#)))
        XCTAssertEqual(record["txId"], .union(branch: 1, .long(732)))
    }
}
