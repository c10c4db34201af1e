import AvroCodec
@testable import CDCCore
import XCTest

/// `RowWalker` on both row kinds (a COPY text line and a pgoutput tuple built in code) into both
/// encoders (`JSONRowRenderer`, `AvroEventEncoder`): the same row gives the same output, and a bad
/// value or a malformed row gives the same error text, whichever way it came. No server.
final class RowWalkerTests: XCTestCase {
    private static let table = TableName(schema: "public", table: "t")

    /// `PRIMARY KEY (region, id)` on columns `id, note, region, data, n`: the key is out of
    /// column order.
    private static let columns = [
        Column(name: "id", type: .int32, typeName: "integer", nullable: false, primaryKeyPosition: 2),
        Column(name: "note", type: .text, typeName: "text", nullable: true, primaryKeyPosition: nil),
        Column(name: "region", type: .text, typeName: "character varying(8)", nullable: false, primaryKeyPosition: 1),
        Column(name: "data", type: .bytea, typeName: "bytea", nullable: true, primaryKeyPosition: nil),
        Column(name: "n", type: .numeric(precision: 10, scale: 2), typeName: "numeric(10,2)", nullable: false, primaryKeyPosition: nil),
    ]

    private static let keyIndices = columns.primaryKeyIndices

    /// One row as COPY writes it (a tab and a newline escaped, NULL as `\N`) and as pgoutput sends it.
    private static let copyLine = "7\tsay\\t\"hi\"\\n\teu\\\\west\t\\N\t-12.50\n"
    private static let tuple = TupleData(columns: [
        .text(Array("7".utf8)), .text(Array("say\t\"hi\"\n".utf8)), .text(Array("eu\\west".utf8)), .null, .text(Array("-12.50".utf8)),
    ])

    private func json(_ line: String, only indices: [Int]? = nil) throws -> String {
        var renderer = JSONRowRenderer(table: Self.table, columns: Self.columns)
        return try Array(line.utf8).withUnsafeBytes { String(decoding: try renderer.render(.copyLine($0), only: indices), as: UTF8.self) }
    }

    private func json(_ tuple: TupleData, only indices: [Int]? = nil) throws -> String {
        var renderer = JSONRowRenderer(table: Self.table, columns: Self.columns)
        return String(decoding: try renderer.render(.tuple(tuple), only: indices), as: UTF8.self)
    }

    private func avro(_ row: (inout AvroEventEncoder) throws -> [UInt8]?) rethrows -> [UInt8]? {
        var encoder = AvroEventEncoder(prefix: "p", database: "d", table: Self.table, columns: Self.columns)
        return try row(&encoder)
    }

    private func avroValue(_ line: String) throws -> [UInt8] {
        try avro { encoder in
            try Array(line.utf8).withUnsafeBytes {
                try encoder.encodeValue(op: .update, before: nil, after: .copyLine($0), position: SourcePosition(commitMicros: 0), nowNanos: 0)
            }
        }!
    }

    private func avroValue(_ tuple: TupleData, before: TupleData? = nil) throws -> [UInt8] {
        try avro { encoder in
            try encoder.encodeValue(op: .update, before: before.map { .tuple($0) }, after: .tuple(tuple), position: SourcePosition(commitMicros: 0), nowNanos: 0)
        }!
    }

    private func avroKey(_ line: String) throws -> [UInt8]? {
        try avro { encoder in try Array(line.utf8).withUnsafeBytes { try encoder.encodeKey(.copyLine($0)) } }
    }

    private func avroKey(_ tuple: TupleData) throws -> [UInt8]? {
        try avro { encoder in try encoder.encodeKey(.tuple(tuple)) }
    }

    /// The error text of `body`, or a failure when it does not throw.
    private func errorText(_ body: () throws -> Any?, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            let result = try body()
            XCTFail("expected an error, got \(String(describing: result))", file: file, line: line)
            return ""
        } catch {
            return "\(error)"
        }
    }

    // MARK: Same row, same output

    func testBothRowKindsRenderTheSameJSONObject() throws {
        let expected = #"{"id":7,"note":"say\t\"hi\"\n","region":"eu\\west","data":null,"n":"-12.50"}"#
        XCTAssertEqual(try json(Self.copyLine), expected)
        XCTAssertEqual(try json(Self.tuple), expected)
    }

    func testKeyColumnsComeInKeyOrderFromBothRowKinds() throws {
        XCTAssertEqual(Self.keyIndices, [2, 0])
        let expected = #"{"region":"eu\\west","id":7}"#
        XCTAssertEqual(try json(Self.copyLine, only: Self.keyIndices), expected)
        XCTAssertEqual(try json(Self.tuple, only: Self.keyIndices), expected)
        XCTAssertEqual(try avroKey(Self.copyLine), try avroKey(Self.tuple))
    }

    func testBothRowKindsEncodeTheSameAvroRecords() throws {
        let encoder = AvroEventEncoder(prefix: "p", database: "d", table: Self.table, columns: Self.columns)
        let key = try XCTUnwrap(try avroKey(Self.copyLine))
        let keySchema = try AvroCompiledSchema(json: try XCTUnwrap(encoder.schemas.key).text)
        XCTAssertEqual(try AvroBinaryReader.decode(key, as: keySchema), .record([.string("eu\\west"), .int(7)]))

        let fromLine = try avroValue(Self.copyLine)
        let fromTuple = try avroValue(Self.tuple)
        XCTAssertEqual(fromLine, fromTuple, "the same Envelope bytes")
        let schema = try AvroCompiledSchema(json: encoder.schemas.value.text)
        guard case .record(let lineEnvelope) = try AvroBinaryReader.decode(fromLine, as: schema),
              case .record(let tupleEnvelope) = try AvroBinaryReader.decode(fromTuple, as: schema) else { return XCTFail("not a record") }
        XCTAssertEqual(lineEnvelope[1], tupleEnvelope[1], "after")
        guard case .union(branch: 1, .record(let after)) = tupleEnvelope[1] else { return XCTFail("no after record") }
        XCTAssertEqual(after[0], .int(7))
        XCTAssertEqual(after[1], .union(branch: 1, .string("say\t\"hi\"\n")))
        XCTAssertEqual(after[3], .union(branch: 0, .null))
    }

    func testAnEmptyTextIsAValueAndNotNull() throws {
        XCTAssertEqual(try json("1\t\tr\t\\N\t0"), #"{"id":1,"note":"","region":"r","data":null,"n":"0"}"#)
        XCTAssertEqual(try json(TupleData(columns: [.text(Array("1".utf8)), .text([]), .text(Array("r".utf8)), .null, .text(Array("0".utf8))])),
                       #"{"id":1,"note":"","region":"r","data":null,"n":"0"}"#)
    }

    // MARK: Missing values

    func testUnchangedToastIsThePlaceholderInJSONAndWhereAvroCanSpellIt() throws {
        let toasted = TupleData(columns: [.text(Array("7".utf8)), .unchangedToast, .text(Array("r".utf8)), .unchangedToast, .unchangedToast])
        XCTAssertEqual(try json(toasted),
                       #"{"id":7,"note":"__debezium_unavailable_value","region":"r","data":"X19kZWJleml1bV91bmF2YWlsYWJsZV92YWx1ZQ==","n":"__debezium_unavailable_value"}"#)
        let encoder = AvroEventEncoder(prefix: "p", database: "d", table: Self.table, columns: Self.columns)
        let schema = try AvroCompiledSchema(json: encoder.schemas.value.text)
        guard case .record(let envelope) = try AvroBinaryReader.decode(try avroValue(toasted), as: schema),
              case .union(branch: 1, .record(let after)) = envelope[1] else { return XCTFail("no after record") }
        XCTAssertEqual(after[1], .union(branch: 1, .string("__debezium_unavailable_value")))
        XCTAssertEqual(after[3], .union(branch: 1, .bytes(Array("__debezium_unavailable_value".utf8))))
        XCTAssertEqual(after[4], .bytes([0]), "numeric has no placeholder: a NOT NULL one gets its zero")
    }

    func testAKeyOnlyBeforeImageGivesRequiredAvroFieldsTheirZero() throws {
        let keyOnly = TupleData(columns: [.text(Array("7".utf8)), .null, .text(Array("r".utf8)), .null, .null])
        XCTAssertEqual(try json(keyOnly), #"{"id":7,"note":null,"region":"r","data":null,"n":null}"#)
        let encoder = AvroEventEncoder(prefix: "p", database: "d", table: Self.table, columns: Self.columns)
        let schema = try AvroCompiledSchema(json: encoder.schemas.value.text)
        guard case .record(let envelope) = try AvroBinaryReader.decode(try avroValue(Self.tuple, before: keyOnly), as: schema),
              case .union(branch: 1, .record(let before)) = envelope[0] else { return XCTFail("no before record") }
        XCTAssertEqual(before[1], .union(branch: 0, .null))
        XCTAssertEqual(before[4], .bytes([0]))
    }

    // MARK: Errors, worded once

    func testABadValueGivesTheSameErrorFromBothRowKindsAndBothEncoders() throws {
        let line = "x7\tnote\tr\t\\N\t1"
        let tuple = TupleData(columns: [.text(Array("x7".utf8)), .text(Array("note".utf8)), .text(Array("r".utf8)), .null, .text(Array("1".utf8))])
        let expected = #"column id (integer): cannot read "x7" as integer"#
        XCTAssertEqual(errorText { try self.json(line) }, expected)
        XCTAssertEqual(errorText { try self.json(tuple) }, expected)
        XCTAssertEqual(errorText { try self.json(line, only: Self.keyIndices) }, expected)
        XCTAssertEqual(errorText { try self.json(tuple, only: Self.keyIndices) }, expected)
        XCTAssertEqual(errorText { try self.avroValue(line) }, expected)
        XCTAssertEqual(errorText { try self.avroValue(tuple) }, expected)
        XCTAssertEqual(errorText { try self.avroKey(line) }, expected)
        XCTAssertEqual(errorText { try self.avroKey(tuple) }, expected)
        do {
            _ = try json(tuple)
            XCTFail("x7 is no integer")
        } catch let error as ColumnConversionError {
            XCTAssertEqual(error.column, "id")
            XCTAssertEqual(error.typeName, "integer")
        } catch {
            XCTFail("expected a ColumnConversionError, got \(error)")
        }
    }

    func testAValueOnlyAvroCannotEncodeNamesItsColumnToo() {
        let line = "7\tnote\tr\t\\N\tNaN"
        let tuple = TupleData(columns: [.text(Array("7".utf8)), .text(Array("note".utf8)), .text(Array("r".utf8)), .null, .text(Array("NaN".utf8))])
        let expected = #"column n (numeric(10,2)): cannot read "NaN" as a finite decimal (Avro decimals have no NaN or infinity)"#
        XCTAssertEqual(errorText { try self.avroValue(line) }, expected)
        XCTAssertEqual(errorText { try self.avroValue(tuple) }, expected)
        XCTAssertEqual(try? json(tuple), #"{"id":7,"note":"note","region":"r","data":null,"n":"NaN"}"#, "JSON carries NaN")
    }

    func testARowOfTheWrongWidthIsRejectedByBothEncoders() {
        for line in ["7\tnote\tr\t\\N", "7\tnote\tr\t\\N\t1\textra"] {
            let expected = "cannot read \"\(line)\" as a row of 5 columns"
            XCTAssertEqual(errorText { try self.json(line) }, expected)
            XCTAssertEqual(errorText { try self.json(line, only: Self.keyIndices) }, expected)
            XCTAssertEqual(errorText { try self.avroValue(line) }, expected)
            XCTAssertEqual(errorText { try self.avroKey(line) }, expected)
        }
        let short = TupleData(columns: [.text(Array("7".utf8))])
        let expected = "a tuple of 1 columns does not match the 5 columns of public.t"
        XCTAssertEqual(errorText { try self.json(short) }, expected)
        XCTAssertEqual(errorText { try self.json(short, only: Self.keyIndices) }, expected)
        XCTAssertEqual(errorText { try self.avroValue(short) }, expected)
        XCTAssertEqual(errorText { try self.avroKey(short) }, expected)
    }

    func testABinaryValueIsRejectedByBothEncoders() throws {
        let wire = Wire().tag("I").u32(1).tag("N").i16(5)
            .text("7").tag("b").i32(1).raw([0]).text("r").tag("n").text("1")
        guard case let .insert(insert) = try decode(wire) else { return XCTFail("not an insert") }
        let expected = "column note arrived in binary format, which cdcctl does not request"
        XCTAssertEqual(errorText { try self.json(insert.newTuple) }, expected)
        XCTAssertEqual(errorText { try self.avroValue(insert.newTuple) }, expected)
        XCTAssertEqual(try json(insert.newTuple, only: Self.keyIndices), #"{"region":"r","id":7}"#, "a key without the binary column")
    }

    // MARK: Key comparison

    func testSameKeyComparesOnlyTheKeyColumns() {
        let a = TupleData(columns: [.text(Array("7".utf8)), .text(Array("a".utf8)), .text(Array("r".utf8)), .null, .unchangedToast])
        let b = TupleData(columns: [.text(Array("7".utf8)), .text(Array("b".utf8)), .text(Array("r".utf8)), .null, .text(Array("1".utf8))])
        let c = TupleData(columns: [.text(Array("7".utf8)), .text(Array("a".utf8)), .text(Array("s".utf8)), .null, .unchangedToast])
        XCTAssertTrue(TupleData.sameKey(a, b, keys: Self.keyIndices))
        XCTAssertFalse(TupleData.sameKey(a, c, keys: Self.keyIndices))
        XCTAssertFalse(TupleData.sameKey(a, b, keys: [1]))
        XCTAssertTrue(TupleData.sameKey(a, c, keys: [4]), "an unchanged TOASTed key column counts as the same")
    }
}
