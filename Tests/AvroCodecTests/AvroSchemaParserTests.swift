import XCTest
@testable import AvroCodec

final class AvroSchemaParserTests: XCTestCase {
    func testParsesPrimitivesInBothForms() throws {
        XCTAssertEqual(try AvroSchema(json: #""long""#), .long)
        XCTAssertEqual(try AvroSchema(json: #"{"type":"string"}"#), .string)
        XCTAssertEqual(try AvroSchema(json: #"["null","int"]"#), .union([.null, .int]))
    }

    func testResolvesNamespacesAndReferences() throws {
        let schema = try AvroSchema(json: """
        {"type":"record","name":"Outer","namespace":"a.b","fields":[
          {"name":"f","type":{"type":"fixed","name":"F","size":2}},
          {"name":"g","type":"F"},
          {"name":"h","type":"a.b.F"},
          {"name":"r","type":{"type":"record","name":"c.Inner","fields":[{"name":"x","type":"a.b.F"}]}},
          {"name":"s","type":["null","c.Inner"],"default":null}]}
        """)
        guard case .record(let outer) = schema else { return XCTFail("not a record") }
        XCTAssertEqual(outer.fullName, "a.b.Outer")
        XCTAssertEqual(outer.fields[0].type.fullName, "a.b.F")
        XCTAssertEqual(outer.fields[1].type, .reference("a.b.F"))
        XCTAssertEqual(outer.fields[2].type, .reference("a.b.F"))
        XCTAssertEqual(outer.fields[3].type.fullName, "c.Inner")
        XCTAssertEqual(outer.fields[4].type, .union([.null, .reference("c.Inner")]))
        XCTAssertEqual(outer.fields[4].defaultValue, .null)
    }

    func testRecursiveTypesParseAndCompile() throws {
        let json = #"{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]}"#
        let compiled = try AvroCompiledSchema(json: json)
        let list: AvroValue = .record([.int(1), .union(branch: 1, .record([.int(2), .union(branch: 0, .null)]))])
        let encoded = try AvroBinaryWriter.encode(list, as: compiled)
        XCTAssertEqual(hex(encoded), "02020400")
        XCTAssertEqual(try AvroBinaryReader.decode(encoded, as: compiled), list)
    }

    func testLogicalTypesAreRecognised() throws {
        func logical(_ json: String) throws -> AvroLogicalType? { try AvroSchema(json: json).logicalType }
        XCTAssertEqual(try logical(#"{"type":"bytes","logicalType":"decimal","precision":38,"scale":9}"#), .decimal(precision: 38, scale: 9))
        XCTAssertEqual(try logical(#"{"type":"fixed","name":"D","size":8,"logicalType":"decimal","precision":18}"#), .decimal(precision: 18, scale: 0))
        XCTAssertEqual(try logical(#"{"type":"int","logicalType":"date"}"#), .date)
        XCTAssertEqual(try logical(#"{"type":"int","logicalType":"time-millis"}"#), .timeMillis)
        XCTAssertEqual(try logical(#"{"type":"long","logicalType":"time-micros"}"#), .timeMicros)
        XCTAssertEqual(try logical(#"{"type":"long","logicalType":"timestamp-millis"}"#), .timestampMillis)
        XCTAssertEqual(try logical(#"{"type":"long","logicalType":"timestamp-micros"}"#), .timestampMicros)
        XCTAssertEqual(try logical(#"{"type":"long","logicalType":"local-timestamp-micros"}"#), .localTimestampMicros)
        XCTAssertEqual(try logical(#"{"type":"string","logicalType":"uuid"}"#), .uuid)
        XCTAssertEqual(try logical(#"{"type":"fixed","name":"U","size":16,"logicalType":"uuid"}"#), .uuid)
        XCTAssertEqual(try logical(#"{"type":"fixed","name":"Dur","size":12,"logicalType":"duration"}"#), .duration)
    }

    func testInvalidLogicalTypesAreIgnoredButKeptAsProperties() throws {
        // The spec: an invalid logical type is ignored and the underlying type used.
        let negativeScale = try AvroSchema(json: #"{"type":"bytes","logicalType":"decimal","precision":5,"scale":-2}"#)
        XCTAssertNil(negativeScale.logicalType)
        XCTAssertEqual(negativeScale.unannotated, .bytes)
        XCTAssertEqual(negativeScale.properties["scale"], .integer(-2))
        XCTAssertNil(try AvroSchema(json: #"{"type":"bytes","logicalType":"decimal","precision":2,"scale":3}"#).logicalType)
        XCTAssertNil(try AvroSchema(json: #"{"type":"fixed","name":"S","size":2,"logicalType":"decimal","precision":5}"#).logicalType) // fixed(2) holds 4 digits
        XCTAssertNil(try AvroSchema(json: #"{"type":"string","logicalType":"date"}"#).logicalType)
        XCTAssertNil(try AvroSchema(json: #"{"type":"long","logicalType":"made-up"}"#).logicalType)
        XCTAssertEqual(AvroLogicalTypes.maxDecimalPrecision(fixedSize: 2), 4)
        XCTAssertEqual(AvroLogicalTypes.maxDecimalPrecision(fixedSize: 16), 38)
    }

    func testExtraPropertiesSurviveParseAndSerialize() throws {
        let json = """
        {"type":"record","name":"Value","namespace":"dbserver1.inventory.customers","doc":"row","connect.name":"dbserver1.inventory.customers.Value","fields":[
          {"name":"id","type":{"type":"int","connect.default":0},"doc":"pk","aliases":["ident"],"order":"descending","x-field":true},
          {"name":"amount","type":["null",{"type":"bytes","scale":2,"precision":10,"connect.version":1,"connect.parameters":{"scale":"2","connect.decimal.precision":"10"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}],"default":null},
          {"name":"big","type":"long","default":9223372036854775807},
          {"name":"tags","type":{"type":"array","items":"string","x-items":[1,2.5,"s",null]}},
          {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["A","B"],"default":"A","aliases":["OldKind"]}}]}
        """
        let schema = try AvroSchema(json: json)
        guard case .record(let r) = schema else { return XCTFail("not a record") }
        XCTAssertEqual(r.properties["connect.name"], .string("dbserver1.inventory.customers.Value"))
        XCTAssertEqual(r.fields[0].type.properties["connect.default"], .integer(0))
        XCTAssertEqual(r.fields[0].properties["x-field"], .bool(true))
        guard case .union(let branches) = r.fields[1].type else { return XCTFail("not a union") }
        XCTAssertEqual(branches[1].logicalType, .decimal(precision: 10, scale: 2))
        XCTAssertEqual(branches[1].properties["connect.parameters"], .object(["scale": .string("2"), "connect.decimal.precision": .string("10")]))
        XCTAssertEqual(r.fields[2].defaultValue, .integer(Int64.max))

        let text = schema.jsonString()
        XCTAssertEqual(try AvroSchema(json: text), schema, "parse → serialize → parse is lossless")
        XCTAssertEqual(try AvroSchema(json: text).jsonString(), text, "serialization is deterministic")
        XCTAssertTrue(text.contains(#""connect.parameters":{"connect.decimal.precision":"10","scale":"2"}"#))
        XCTAssertTrue(text.hasPrefix(#"{"type":"record","name":"Value","namespace":"dbserver1.inventory.customers","doc":"row""#))
    }

    func testSerializationOmitsInheritedNamespacesAndResetsToNull() throws {
        let json = #"{"type":"record","name":"a.R","fields":[{"name":"x","type":{"type":"record","name":"S","namespace":"","fields":[]}},{"name":"y","type":{"type":"fixed","name":"F","size":1}}]}"#
        let schema = try AvroSchema(json: json, checkWithAvroC: false)
        XCTAssertEqual(schema.jsonString(),
                       #"{"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":{"type":"record","name":"S","namespace":"","fields":[]}},{"name":"y","type":{"type":"fixed","name":"F","size":1}}]}"#)
        XCTAssertEqual(try AvroSchema(json: schema.jsonString(), checkWithAvroC: false), schema)
    }

    func testMalformedSchemasFailWithPaths() {
        let cases: [(String, String, String)] = [ // json, expected path, message fragment
            (#"{"type":"record","name":"Value","fields":[{"name":"id","type":"nope"}]}"#, "Value.id", "unknown type 'nope'"),
            (#"{"type":"record","name":"V","fields":[{"name":"a","type":"int"},{"name":"a","type":"long"}]}"#, "V.a", "duplicate field"),
            (#"{"type":"record","name":"V","fields":[{"name":"u","type":["int","int"]}]}"#, "V.u[1]", "duplicate union branch"),
            (#"{"type":"record","name":"V","fields":[{"name":"u","type":["null",["int"]]}]}"#, "V.u[1]", "another union"),
            (#"{"type":"record","name":"V","fields":[{"name":"u","type":["long",{"type":"long","logicalType":"timestamp-micros"}]}]}"#, "V.u[1]", "duplicate"),
            (#"{"type":"record","name":"V","fields":[{"name":"a","type":"int","default":"x"}]}"#, "V.a", "invalid default"),
            (#"{"type":"record","name":"V","fields":[{"name":"a","type":"int","default":2147483648}]}"#, "V.a", "out of range"),
            (#"{"type":"record","name":"V","fields":[{"name":"a","type":["null","int"],"default":"x"}]}"#, "V.a", "no union branch"),
            (#"{"type":"record","name":"V","fields":[{"name":"t","type":{"type":"array","items":"nope"}}]}"#, "V.t[]", "unknown type"),
            (#"{"type":"record","name":"V","fields":[{"name":"t","type":{"type":"map","values":{"type":"enum","name":"E","symbols":["A","A"]}}}]}"#, "V.t{}", "duplicate enum symbol"),
            (#"{"type":"enum","name":"E","symbols":["A"],"default":"B"}"#, "E", "enum default"),
            (#"{"type":"fixed","name":"F","size":-1}"#, "F", "non-negative"),
            (#"{"type":"record","name":"1R","fields":[]}"#, "1R", "invalid name"),
            (#"{"type":"record","name":"int","fields":[]}"#, "int", "may not be called"),
            (#"{"type":"record","name":"R","fields":[{"name":"x","type":{"type":"record","name":"R","fields":[]}}]}"#, "R.x", "redefinition"),
            (#"{"type":"record","name":"R","fields":[{"name":"x","type":"int","order":"sideways"}]}"#, "R.x", "order"),
            (#"{"type":"record","name":"R"}"#, "R", "fields"),
            (#"{"type":"array"}"#, "", "items"),
            (#"[]"#, "", "at least one branch"),
            (#"{"type":"enum","name":"E","symbols":[]}"#, "E", "at least one symbol"),
            (#"42"#, "", "must be a string"),
            (#"{"type":"record","name":"R","fields":[]"#, "", "JSON error"),
            (#"{"type":"record","name":"R","name":"S","fields":[]}"#, "", "duplicate key"),
            (#""#, "", "JSON error"),
        ]
        for (json, path, fragment) in cases {
            XCTAssertThrowsError(try AvroSchema(json: json), json) { error in
                guard let error = error as? AvroSchemaError else { return XCTFail("\(json): \(error)") }
                XCTAssertEqual(error.path, path, json)
                XCTAssertTrue(error.message.contains(fragment), "\(json): \(error.message)")
            }
        }
    }

    func testSwiftAndAvroCAgreeOnValidSchemas() throws {
        let valid = [Fixtures.ordersSchemaJSON, #""string""#, #"{"type":"map","values":["null","double"]}"#,
                     #"{"type":"record","name":"R","fields":[{"name":"n","type":["null","R"]}]}"#]
            + Fixtures.typeCorpus.map(\.0)
        for json in valid {
            XCTAssertNoThrow(try AvroSchemaParser.parse(json), json)
            XCTAssertNil(AvroLibrary.validate(schemaJSON: json), json)
        }
    }

    func testMutatedSchemaTextNeverCrashes() {
        // Every single-character deletion of a valid schema: parse must succeed or throw, never trap.
        let text = Array(Fixtures.ordersSchemaJSON)
        var outcomes = (ok: 0, failed: 0)
        for i in text.indices {
            var mutated = text
            mutated.remove(at: i)
            if (try? AvroSchemaParser.parse(String(mutated))) != nil { outcomes.ok += 1 } else { outcomes.failed += 1 }
        }
        XCTAssertGreaterThan(outcomes.failed, 100)
        XCTAssertGreaterThan(outcomes.ok, 10) // e.g. removing whitespace
    }
}

extension AvroSchema {
    /// Test helper: parse without the Avro C cross-check (for schemas Avro C 1.11 mishandles).
    init(json: String, checkWithAvroC: Bool) throws {
        self = try AvroSchemaParser.parse(json, checkWithAvroC: checkWithAvroC)
    }
}
