import XCTest
@testable import AvroCodec

/// Parsing Canonical Form and CRC-64-AVRO fingerprints, cross-checked against fastavro 1.13
/// (`to_parsing_canonical_form`, `fingerprint(pcf, "CRC-64-AVRO")`, which prints the fingerprint's
/// little-endian bytes as hex — the order Avro's single-object encoding header uses).
final class AvroCanonicalFormTests: XCTestCase {
    let fastavro: [(json: String, pcf: String, fingerprintHex: String)] = [
        (#""int""#, #""int""#, "8f5c393f1ad57572"),
        (#"{"type":"string"}"#, #""string""#, "c70345637248018f"),
        (#"{"type":"fixed","name":"F","namespace":"org.x","size":16,"aliases":["G"]}"#,
         #"{"name":"org.x.F","type":"fixed","size":16}"#, "f7d61828c9b58ad3"),
        (#"{"type":"enum","name":"Suit","symbols":["SPADES","HEARTS"],"doc":"d"}"#,
         #"{"name":"Suit","type":"enum","symbols":["SPADES","HEARTS"]}"#, "8f44baf33dee6458"),
        (#"{"type":"array","items":{"type":"map","values":"long"}}"#,
         #"{"type":"array","items":{"type":"map","values":"long"}}"#, "bd7abeb2da4877d3"),
        (#"["null","string",{"type":"record","name":"R","fields":[]}]"#,
         #"["null","string",{"name":"R","type":"record","fields":[]}]"#, "47c2a9ddb094559f"),
        (#"{"type":"record","name":"Outer","namespace":"a.b","fields":[{"name":"f","type":{"type":"fixed","name":"F","size":2}},{"name":"g","type":"F"},{"name":"r","type":{"type":"record","name":"c.Inner","fields":[{"name":"x","type":"a.b.F"}]}},{"name":"s","type":["null","c.Inner"],"default":null}]}"#,
         #"{"name":"a.b.Outer","type":"record","fields":[{"name":"f","type":{"name":"a.b.F","type":"fixed","size":2}},{"name":"g","type":"a.b.F"},{"name":"r","type":{"name":"c.Inner","type":"record","fields":[{"name":"x","type":"a.b.F"}]}},{"name":"s","type":["null","c.Inner"]}]}"#,
         "de34d58fa3fe7884"),
        (#"{"type":"record","name":"LinkedList","fields":[{"name":"value","type":"int"},{"name":"next","type":["null","LinkedList"]}]}"#,
         #"{"name":"LinkedList","type":"record","fields":[{"name":"value","type":"int"},{"name":"next","type":["null","LinkedList"]}]}"#,
         "4bf823f650919026"),
        (#"{"type":"record","name":"Value","namespace":"dbserver1.inventory.customers","fields":[{"name":"id","type":{"type":"int","connect.default":0}},{"name":"amount","type":["null",{"type":"bytes","scale":2,"precision":10,"connect.version":1,"connect.parameters":{"scale":"2","connect.decimal.precision":"10"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}],"default":null},{"name":"created","type":{"type":"long","connect.version":1,"connect.name":"io.debezium.time.MicroTimestamp","logicalType":"timestamp-micros"}}],"connect.name":"dbserver1.inventory.customers.Value"}"#,
         #"{"name":"dbserver1.inventory.customers.Value","type":"record","fields":[{"name":"id","type":"int"},{"name":"amount","type":["null","bytes"]},{"name":"created","type":"long"}]}"#,
         "c94f1aeb206db502"),
    ]

    func testMatchesFastavro() throws {
        for (json, pcf, fingerprintHex) in fastavro {
            let schema = try AvroSchema(json: json)
            XCTAssertEqual(schema.parsingCanonicalForm(), pcf, json)
            XCTAssertEqual(hex(AvroCanonicalForm.littleEndianBytes(schema.fingerprint())), fingerprintHex, json)
        }
    }

    /// Keeping nothing is Parsing Canonical Form; kept attributes come after the canonical
    /// members, in `Extras`' order, and an annotation with nothing kept leaves no trace.
    func testExtendedFormKeepsOnlyWhatItIsAskedTo() throws {
        for (json, pcf, _) in fastavro {
            XCTAssertEqual(try AvroSchema(json: json).canonicalForm(keeping: .init()), pcf, json)
        }
        let everything = AvroCanonicalForm.Extras(docs: true, aliases: true, defaults: true, order: true, logicalTypes: true,
                                                  properties: { $0.hasPrefix("connect.") })
        let schema = try AvroSchema(json: #"""
            {"connect.name":"n.R","type":"record","name":"R","namespace":"n","doc":"d","aliases":["Z","A"],"x":1,
             "fields":[{"name":"f","type":{"type":"double","name":"ignored","x":2},"default":1.0,"order":"descending","doc":"fd"},
                       {"name":"g","type":{"type":"array","items":"string","connect.version":1}},
                       {"name":"h","type":{"type":"bytes","logicalType":"decimal","scale":2,"precision":9,"connect.parameters":{"b":"2","a":"1"}}},
                       {"name":"e","type":{"type":"enum","name":"E","symbols":["X","Y"],"default":"Y"}},
                       {"name":"k","type":{"type":"fixed","name":"K","size":16,"logicalType":"uuid"}}]}
            """#)
        XCTAssertEqual(schema.canonicalForm(keeping: everything), #"{"name":"n.R","type":"record","fields":["#
            + #"{"name":"f","type":"double","doc":"fd","default":1,"order":"descending"},"#
            + #"{"name":"g","type":{"type":"array","items":"string","connect.version":1}},"#
            + #"{"name":"h","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2,"connect.parameters":{"a":"1","b":"2"}}},"#
            + #"{"name":"e","type":{"name":"n.E","type":"enum","symbols":["X","Y"],"default":"Y"}},"#
            + #"{"name":"k","type":{"name":"n.K","type":"fixed","size":16,"logicalType":"uuid"}}],"#
            + #""doc":"d","aliases":["n.A","n.Z"],"connect.name":"n.R"}"#)
    }

    func testSpecExampleForInt() throws {
        // The spec's single-object encoding example header for "int" is C3 01 8F 5C 39 3F 1A D5 75 72.
        XCTAssertEqual(try AvroSchema(json: #""int""#).fingerprint(), 0x7275_D51A_3F39_5C8F)
        XCTAssertEqual(AvroCanonicalForm.rabin64([]), 0xC15D_213A_A4D7_A795, "empty input gives EMPTY")
    }

    func testCanonicalFormIgnoresEverythingThatDoesNotAffectParsing() throws {
        let plain = try AvroSchema(json: #"{"type":"record","name":"x.R","fields":[{"name":"a","type":"long"}]}"#)
        let decorated = try AvroSchema(json: #"{"type":"record","name":"R","namespace":"x","doc":"d","aliases":["Q"],"k":1,"fields":[{"name":"a","doc":"z","default":1,"type":{"type":"long","logicalType":"timestamp-micros","connect.name":"t"}}]}"#)
        XCTAssertEqual(plain.parsingCanonicalForm(), decorated.parsingCanonicalForm())
        XCTAssertEqual(plain.fingerprint(), decorated.fingerprint())
        XCTAssertNotEqual(plain.jsonString(), decorated.jsonString())
    }

    func testStringsAreUnescapedInCanonicalForm() throws {
        let schema = try AvroSchema(json: #"{"type":"enum","name":"E","symbols":["\u0041"]}"#)
        XCTAssertEqual(schema.parsingCanonicalForm(), #"{"name":"E","type":"enum","symbols":["A"]}"#)
    }
}
