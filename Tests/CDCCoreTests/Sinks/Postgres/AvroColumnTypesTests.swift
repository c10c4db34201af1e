@testable import CDCCore
import XCTest

/// `AvroColumnTypes`: a Debezium envelope schema (row record inline in `before`, named in
/// `after`) gives back the PostgreSQL types of docs/types.md, and Avro-adjusted names map back.
final class AvroColumnTypesTests: XCTestCase {
    func testEnvelopeRowTypes() {
        let schema = #"""
        {"type":"record","name":"Envelope","fields":[
          {"name":"before","type":["null",{"type":"record","name":"Value","fields":[
            {"name":"id","type":"int"},
            {"name":"s","type":["null",{"type":"int","connect.type":"int16"}]},
            {"name":"n","type":["null",{"type":"bytes","logicalType":"decimal","precision":10,"scale":2,"connect.name":"org.apache.kafka.connect.data.Decimal"}]},
            {"name":"v","type":["null",{"type":"record","name":"VariableScaleDecimal","fields":[],"connect.name":"io.debezium.data.VariableScaleDecimal"}]},
            {"name":"d","type":["null",{"type":"int","connect.name":"io.debezium.time.Date"}]},
            {"name":"ts","type":["null",{"type":"long","connect.name":"io.debezium.time.MicroTimestamp"}]},
            {"name":"tz","type":["null",{"type":"string","connect.name":"io.debezium.time.ZonedTimestamp"}]},
            {"name":"j","type":["null",{"type":"string","connect.name":"io.debezium.data.Json"}]},
            {"name":"b","type":["null","bytes"]},
            {"name":"a","type":["null",{"type":"array","items":["null",{"type":"string","connect.name":"io.debezium.time.ZonedTimestamp"}]}]},
            {"name":"Col_u0020_u00fc","cdcctl.column.name":"Col ü","type":["null","double"]}
          ]}]},
          {"name":"after","type":["null","Value"]}]}
        """#
        let (types, renames) = AvroColumnTypes.describe(schemaText: schema)
        XCTAssertEqual(types["id"], "integer")
        XCTAssertEqual(types["s"], "smallint")
        XCTAssertEqual(types["n"], "numeric(10,2)")
        XCTAssertEqual(types["v"], "numeric")
        XCTAssertEqual(types["d"], "date")
        XCTAssertEqual(types["ts"], "timestamp")
        XCTAssertEqual(types["tz"], "timestamptz")
        XCTAssertEqual(types["j"], "jsonb")
        XCTAssertEqual(types["b"], "bytea")
        XCTAssertEqual(types["a"], "timestamptz[]")
        XCTAssertEqual(types["Col ü"], "double precision")
        XCTAssertEqual(renames, ["Col_u0020_u00fc": "Col ü"])
    }
}
