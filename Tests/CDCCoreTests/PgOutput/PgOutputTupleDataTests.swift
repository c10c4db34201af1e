import XCTest
@testable import CDCCore

/// `TupleData`'s allocation-free accessors and its value semantics, whichever way it was built.
final class PgOutputTupleDataTests: XCTestCase {
    private let everyKind: [TupleColumn] = [textColumn("42"), .null, .unchangedToast, .binary([0x00, 0xFF, 0x7F]), .text([])]

    private func decodedEveryKind() throws -> TupleData {
        let wire = Wire().tag("I").u32(16_385).tag("N").i16(5)
            .text("42").tag("n").tag("u").tag("b").i32(3).raw([0x00, 0xFF, 0x7F]).tag("t").i32(0)
        guard case let .insert(insert) = try decode(wire) else { throw XCTSkip("not an insert") }
        return insert.newTuple
    }

    private func assertEveryKindAccessors(_ tuple: TupleData, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(tuple.count, 5, file: file, line: line)
        XCTAssertEqual((0..<tuple.count).map(tuple.kind(at:)), [.text, .null, .unchangedToast, .binary, .text], file: file, line: line)
        XCTAssertEqual(tuple.withValue(at: 0) { Array($0) }, Array("42".utf8), file: file, line: line)
        XCTAssertEqual(tuple.withValue(at: 3) { Array($0) }, [0x00, 0xFF, 0x7F], file: file, line: line)
        XCTAssertEqual(tuple.withValue(at: 4) { $0.count }, 0, "empty text is a value, not nil", file: file, line: line)
        for index in [1, 2] {
            var called = false
            XCTAssertNil(tuple.withValue(at: index) { _ in called = true }, file: file, line: line)
            XCTAssertFalse(called, "body must not run for null or unchanged columns", file: file, line: line)
        }
        XCTAssertEqual((0..<tuple.count).map(tuple.column(at:)), everyKind, file: file, line: line)
        XCTAssertEqual(tuple.columns, everyKind, file: file, line: line)
        XCTAssertEqual(tuple.columns.map(\.kind), (0..<tuple.count).map(tuple.kind(at:)), file: file, line: line)
    }

    func testAccessorsOnEveryKindWhenDecoded() throws {
        assertEveryKindAccessors(try decodedEveryKind())
    }

    func testAccessorsOnEveryKindWhenBuilt() {
        assertEveryKindAccessors(TupleData(columns: everyKind))
    }

    func testDecodedTupleEqualsBuiltTuple() throws {
        let decoded = try decodedEveryKind()
        let built = TupleData(columns: everyKind)
        XCTAssertEqual(decoded, built)
        XCTAssertEqual(decoded.hashValue, built.hashValue)
        XCTAssertEqual(Set([decoded, built]).count, 1)
        XCTAssertEqual(TupleData(columns: decoded.columns), decoded)
    }

    func testKindAndCountMatchTheWireKindBytes() {
        XCTAssertEqual(TupleColumn.Kind(rawValue: UInt8(ascii: "n")), .null)
        XCTAssertEqual(TupleColumn.Kind(rawValue: UInt8(ascii: "u")), .unchangedToast)
        XCTAssertEqual(TupleColumn.Kind(rawValue: UInt8(ascii: "t")), .text)
        XCTAssertEqual(TupleColumn.Kind(rawValue: UInt8(ascii: "b")), .binary)
        XCTAssertEqual(TupleData(columns: []).count, 0)
        XCTAssertEqual(TupleData(columns: []).columns, [])
    }

    func testEqualityIsByValue() {
        let base = TupleData(columns: [textColumn("ab"), textColumn("c")])
        XCTAssertNotEqual(base, TupleData(columns: [textColumn("a"), textColumn("bc")]), "same bytes, other split")
        XCTAssertNotEqual(base, TupleData(columns: [.binary(Array("ab".utf8)), textColumn("c")]), "same bytes, other kind")
        XCTAssertNotEqual(base, TupleData(columns: [textColumn("ab"), textColumn("d")]))
        XCTAssertNotEqual(base, TupleData(columns: [textColumn("ab")]))
        XCTAssertNotEqual(TupleData(columns: [.text([])]), TupleData(columns: [.null]))
        XCTAssertNotEqual(TupleData(columns: [.null]), TupleData(columns: [.unchangedToast]))
        XCTAssertEqual(base, TupleData(columns: [textColumn("ab"), textColumn("c")]))
    }

    /// Old and new images share one message buffer; each must read its own bytes.
    func testTuplesSharingOneMessageReadTheirOwnValues() throws {
        let wire = Wire().tag("U").u32(1).tag("O").i16(2).text("old-1").text("old-2").tag("N").i16(3).text("new-1").tag("n").text("new-3")
        guard case let .update(update) = try decode(wire), let old = update.oldTuple?.tuple else { return XCTFail() }
        XCTAssertEqual((0..<old.count).map { old.withValue(at: $0) { String(decoding: $0, as: UTF8.self) } }, ["old-1", "old-2"])
        let new = update.newTuple
        XCTAssertEqual((0..<new.count).map { new.withValue(at: $0) { String(decoding: $0, as: UTF8.self) } }, ["new-1", nil, "new-3"])
        XCTAssertEqual(new, TupleData(columns: [textColumn("new-1"), .null, textColumn("new-3")]))
    }

    func testWithValueRethrows() {
        struct Stop: Error {}
        let tuple = TupleData(columns: [textColumn("x")])
        XCTAssertThrowsError(try tuple.withValue(at: 0) { _ in throw Stop() }) { XCTAssertTrue($0 is Stop) }
    }

    func testDebugDescriptionShowsColumnsNotStorage() throws {
        let tuple = try decodedEveryKind()
        XCTAssertEqual(String(reflecting: tuple),
                       "TupleData(columns: [CDCCore.TupleColumn.text([52, 50]), CDCCore.TupleColumn.null, "
                       + "CDCCore.TupleColumn.unchangedToast, CDCCore.TupleColumn.binary([0, 255, 127]), CDCCore.TupleColumn.text([])])")
        XCTAssertTrue(String(describing: InsertMessage(xid: nil, relationID: 1, newTuple: tuple)).contains("TupleData(columns: ["))
    }
}
