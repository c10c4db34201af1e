import XCTest
@testable import AvroCodec

/// Schema resolution (the registry's compatibility checks) and reading old data with new schemas.
/// Registry terms: BACKWARD = new schema reads old data = canRead(reader: new, writer: old);
/// FORWARD = old schema reads new data = canRead(reader: old, writer: new).
final class AvroResolutionTests: XCTestCase {
    let v1 = #"{"type":"record","name":"Value","fields":[{"name":"id","type":"long"},{"name":"name","type":"string"}]}"#
    let v2WithDefault = #"{"type":"record","name":"Value","fields":[{"name":"id","type":"long"},{"name":"name","type":"string"},{"name":"email","type":["null","string"],"default":null}]}"#
    let v2NoDefault = #"{"type":"record","name":"Value","fields":[{"name":"id","type":"long"},{"name":"name","type":"string"},{"name":"email","type":"string"}]}"#
    let v3Removed = #"{"type":"record","name":"Value","fields":[{"name":"id","type":"long"}]}"#

    func canRead(_ reader: String, _ writer: String) throws -> Bool {
        AvroResolution.canRead(reader: try AvroSchema(json: reader), writer: try AvroSchema(json: writer))
    }

    func problem(_ reader: String, _ writer: String) throws -> String? {
        AvroResolution.incompatibility(reader: try AvroSchema(json: reader), writer: try AvroSchema(json: writer))
    }

    func testAddingAFieldWithADefaultIsBackwardCompatible() throws {
        XCTAssertTrue(try canRead(v2WithDefault, v1))
        XCTAssertTrue(try canRead(v1, v2WithDefault), "and forward: old readers ignore the new field")
    }

    func testAddingAFieldWithoutADefaultIsNotBackwardCompatible() throws {
        XCTAssertFalse(try canRead(v2NoDefault, v1))
        XCTAssertEqual(try problem(v2NoDefault, v1), "Value.email: reader field is missing from the writer and has no default")
    }

    func testRemovingAFieldWithoutADefaultIsNotForwardCompatible() throws {
        XCTAssertTrue(try canRead(v3Removed, v1), "backward: the new reader just skips 'name'")
        XCTAssertFalse(try canRead(v1, v3Removed), "forward: old readers need 'name' and it has no default")
    }

    func testPrimitivePromotions() throws {
        XCTAssertTrue(try canRead(#""long""#, #""int""#))
        XCTAssertTrue(try canRead(#""double""#, #""long""#))
        XCTAssertTrue(try canRead(#""double""#, #""float""#))
        XCTAssertTrue(try canRead(#""bytes""#, #""string""#))
        XCTAssertTrue(try canRead(#""string""#, #""bytes""#))
        XCTAssertFalse(try canRead(#""int""#, #""long""#))
        XCTAssertFalse(try canRead(#""float""#, #""double""#))
        XCTAssertFalse(try canRead(#""string""#, #""int""#))
    }

    func testUnionsEnumsFixedAndNames() throws {
        XCTAssertTrue(try canRead(#"["null","string","int"]"#, #"["null","string"]"#))
        XCTAssertFalse(try canRead(#"["null","string"]"#, #"["null","string","int"]"#))
        XCTAssertTrue(try canRead(#"["null","long"]"#, #""int""#))
        XCTAssertFalse(try canRead(#""int""#, #"["null","int"]"#), "the writer's null branch cannot be read")
        let abc = #"{"type":"enum","name":"E","symbols":["A","B","C"]}"#
        let ab = #"{"type":"enum","name":"E","symbols":["A","B"]}"#
        let abDefault = #"{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}"#
        XCTAssertTrue(try canRead(abc, ab))
        XCTAssertFalse(try canRead(ab, abc))
        XCTAssertTrue(try canRead(abDefault, abc))
        XCTAssertFalse(try canRead(#"{"type":"fixed","name":"F","size":3}"#, #"{"type":"fixed","name":"F","size":2}"#))
        XCTAssertTrue(try canRead(#"{"type":"fixed","name":"b.F","size":2}"#, #"{"type":"fixed","name":"a.F","size":2}"#), "unqualified names match")
        XCTAssertFalse(try canRead(#"{"type":"record","name":"S","fields":[]}"#, #"{"type":"record","name":"R","fields":[]}"#))
        XCTAssertTrue(try canRead(#"{"type":"record","name":"S","aliases":["R"],"fields":[{"name":"b","aliases":["a"],"type":"int"}]}"#,
                                  #"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#))
    }

    func testIncompatibleContainersAreReportedNotCrashed() throws {
        // Avro C 1.11's resolver segfaults on exactly these; the Swift check answers first.
        XCTAssertEqual(try problem(#"{"type":"map","values":"string"}"#, #"{"type":"map","values":"int"}"#),
                       "${}: reader type string cannot read writer type int")
        XCTAssertFalse(try canRead(#"{"type":"array","items":"string"}"#, #"{"type":"array","items":"int"}"#))
        XCTAssertThrowsError(try AvroCDecoder(writerSchemaJSON: #"{"type":"array","items":"int"}"#, readerSchemaJSON: #"{"type":"array","items":"string"}"#))
    }

    func testRecursiveSchemasResolve() throws {
        let list = #"{"type":"record","name":"N","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","N"]}]}"#
        let wider = #"{"type":"record","name":"N","fields":[{"name":"v","type":"long"},{"name":"next","type":["null","N"]},{"name":"t","type":"string","default":"x"}]}"#
        XCTAssertTrue(try canRead(wider, list))
        XCTAssertFalse(try canRead(list, wider))
        let value: AvroValue = .record([.int(1), .union(branch: 1, .record([.int(2), .union(branch: 0, .null)]))])
        let resolved = try AvroResolution.resolve(value, writer: AvroCompiledSchema(json: list), reader: AvroCompiledSchema(json: wider))
        XCTAssertEqual(resolved, .record([.long(1), .union(branch: 1, .record([.long(2), .union(branch: 0, .null), .string("x")])), .string("x")]))
    }

    func testOldDataReadWithNewSchemaFillsDefaults() throws {
        let old = try AvroCompiledSchema(json: v1)
        let bytes = try AvroBinaryWriter.encode(.record([.long(7), .string("ann")]), as: old)
        let expected: AvroValue = .record([.long(7), .string("ann"), .union(branch: 0, .null)])
        // Swift reader + Swift resolution.
        let decoded = try AvroBinaryReader.decode(bytes, as: old)
        XCTAssertEqual(try AvroResolution.resolve(decoded, writer: old, reader: AvroCompiledSchema(json: v2WithDefault)), expected)
        // Avro C cannot fill defaults, so the decoder decodes with Avro C and resolves in Swift.
        let decoder = try AvroCDecoder(writerSchemaJSON: v1, readerSchemaJSON: v2WithDefault)
        XCTAssertFalse(decoder.resolvesInAvroC)
        XCTAssertEqual(try decoder.decode(bytes), expected)
        XCTAssertEqual(try decoder.decodeJSON(bytes), #"{"id":7,"name":"ann","email":null}"#)
    }

    func testAvroCResolvesWhatItSupports() throws {
        let writer = #"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"gone","type":"string"},{"name":"u","type":["null","int"]},{"name":"e","type":{"type":"enum","name":"E","symbols":["X","Y"]}}]}"#
        let reader = #"{"type":"record","name":"R","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["X","Y"]}},{"name":"u","type":["null","long"]},{"name":"a","type":"double"}]}"#
        let value: AvroValue = .record([.int(5), .string("bye"), .union(branch: 1, .int(-9)), .enumSymbol(index: 1, name: "Y")])
        let bytes = try AvroBinaryWriter.encode(value, as: AvroCompiledSchema(json: writer))
        let decoder = try AvroCDecoder(writerSchemaJSON: writer, readerSchemaJSON: reader)
        XCTAssertTrue(decoder.resolvesInAvroC)
        let expected: AvroValue = .record([.enumSymbol(index: 1, name: "Y"), .union(branch: 1, .long(-9)), .double(5)])
        XCTAssertEqual(try decoder.decode(bytes), expected)
        XCTAssertEqual(try AvroResolution.resolve(value, writer: AvroCompiledSchema(json: writer), reader: AvroCompiledSchema(json: reader)), expected,
                       "Swift resolution agrees with Avro C's")
    }

    func testReorderedEnumSymbolsResolveByName() throws {
        // Avro C 1.11 maps enum symbols by index (X would come out as Y), so Swift resolves this pair.
        let writer = #"{"type":"enum","name":"E","symbols":["X","Y"]}"#
        let reader = #"{"type":"enum","name":"E","symbols":["Y","X","Z"]}"#
        let decoder = try AvroCDecoder(writerSchemaJSON: writer, readerSchemaJSON: reader)
        XCTAssertFalse(decoder.resolvesInAvroC)
        XCTAssertEqual(try decoder.decode([0]), .enumSymbol(index: 1, name: "X"))
    }

    func testUnknownEnumSymbolUsesReaderDefault() throws {
        let writer = try AvroCompiledSchema(json: #"{"type":"enum","name":"E","symbols":["A","B","C"]}"#)
        let reader = try AvroCompiledSchema(json: #"{"type":"enum","name":"E","symbols":["A","B"],"default":"B"}"#)
        XCTAssertEqual(try AvroResolution.resolve(.enumSymbol(index: 2, name: "C"), writer: writer, reader: reader), .enumSymbol(index: 1, name: "B"))
    }
}
