import AvroCodec
@testable import CDCCore
import XCTest

/// A delete under REPLICA IDENTITY DEFAULT sends only the key: the NOT NULL columns of its
/// `before` have no value, yet their Avro fields are required. Each type's fallback must encode
/// (and decode back) as that type's zero.
final class RequiredFieldFallbackTests: XCTestCase {
    static let types: [ColumnType] = [
        .boolean, .int16, .int32, .int64, .float32, .float64, .numeric(precision: 10, scale: 2), .numeric(precision: nil, scale: nil),
        .money, .text, .bytea, .date, .time(precision: 3), .time(precision: 6), .timetz, .timestamp(precision: 3),
        .timestamp(precision: 6), .timestamptz(precision: 6), .interval, .uuid, .json, .xml, .enumeration(labels: ["a", "b"]), .bit(length: 1),
        .bit(length: 8), .varbit, .point, .ltree, .tsvector, .otherText(name: "inet"), .array(element: .int32), .array(element: .text),
    ]

    func testEveryNotNullTypeMissingFromABeforeImageEncodesItsZero() throws {
        var columns = [Column(name: "id", type: .int32, typeName: "integer", nullable: false, primaryKeyPosition: 1)]
        for (i, type) in Self.types.enumerated() {
            columns.append(Column(name: "c\(i)", type: type, typeName: "\(type)", nullable: false, primaryKeyPosition: nil))
        }
        var encoder = AvroEventEncoder(prefix: "p", database: "d", table: TableName(schema: "public", table: "t"), columns: columns)
        let line = Array((["7"] + Array(repeating: "\\N", count: Self.types.count)).joined(separator: "\t").utf8)
        let body = try line.withUnsafeBytes {
            try encoder.encodeValue(op: .delete, before: .copyLine($0), after: nil, position: SourcePosition(commitMicros: 0), nowNanos: 0)
        }
        let schema = try AvroCompiledSchema(json: encoder.schemas.value.text)
        guard case .record(let envelope) = try AvroBinaryReader.decode(body, as: schema),
              case .union(1, .record(let before)) = envelope[0] else { return XCTFail("no before record") }
        XCTAssertEqual(before.count, columns.count)
        XCTAssertEqual(before[0], .int(7))
        let byName = Dictionary(uniqueKeysWithValues: zip(columns.map(\.name), before))
        XCTAssertEqual(byName["c0"], .boolean(false))
        XCTAssertEqual(byName["c3"], .long(0))
        XCTAssertEqual(byName["c9"], .string(""))
        XCTAssertEqual(byName["c10"], .bytes([]))
        XCTAssertEqual(byName["c11"], .int(0)) // date: 1970-01-01
        XCTAssertEqual(byName["c17"], .string("1970-01-01T00:00:00.000000Z"))
        XCTAssertEqual(byName["c30"], .array([]))
    }
}
