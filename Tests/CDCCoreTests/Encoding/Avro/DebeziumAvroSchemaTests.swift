import AvroCodec
import CDCTestSupport
import Foundation
import XCTest
@testable import CDCCore

/// The generated Debezium schemas are valid Avro for two independent parsers (Avro C and
/// fastavro), keep Debezium's names and field order, and agree with `docs/types.md`.
final class DebeziumAvroSchemaTests: XCTestCase {
    private let table = TableName(schema: "shop", table: "orders")

    /// One column per documented mapping, nullable and not, plus repeats of the named records.
    private var everyColumn: [Column] {
        var columns = [Column(name: "id", type: .int64, typeName: "bigint", nullable: false, primaryKeyPosition: 1)]
        for (i, row) in TypeMapping.rows.enumerated() {
            columns.append(Column(name: "c\(i)", type: row.type, typeName: row.postgres, nullable: true, primaryKeyPosition: nil))
            columns.append(Column(name: "n\(i)", type: row.type, typeName: row.postgres, nullable: false, primaryKeyPosition: nil))
        }
        columns.append(Column(name: "points", type: .array(element: .point), typeName: "point[]", nullable: true, primaryKeyPosition: nil))
        return columns
    }

    func testSchemasAreValidForAvroC() throws {
        let schemas = DebeziumAvroSchema(prefix: "srv", table: table, columns: everyColumn)
        XCTAssertNil(AvroLibrary.validate(schemaJSON: schemas.value.text))
        XCTAssertNil(AvroLibrary.validate(schemaJSON: try XCTUnwrap(schemas.key).text))
    }

    func testSchemasAreValidForFastavro() throws {
        let schemas = DebeziumAvroSchema(prefix: "srv", table: table, columns: everyColumn)
        for schema in [schemas.value.text, try XCTUnwrap(schemas.key).text] {
            let result = try runPython("import fastavro, json, sys; s = fastavro.parse_schema(json.loads(sys.stdin.read())); print(s['name'])", input: schema)
            XCTAssertEqual(result.status, 0, result.output)
        }
    }

    func testNamesAndFieldOrderFollowDebezium() throws {
        let schemas = DebeziumAvroSchema(prefix: "srv", table: table, columns: everyColumn)
        let value = try parse(schemas.value.text)
        XCTAssertEqual(value["name"] as? String, "Envelope")
        XCTAssertEqual(value["namespace"] as? String, "srv.shop.orders")
        XCTAssertEqual(value["connect.name"] as? String, "srv.shop.orders.Envelope")
        let fields = try XCTUnwrap(value["fields"] as? [[String: Any]])
        XCTAssertEqual(fields.map { $0["name"] as? String }, ["before", "after", "source", "op", "ts_ms", "ts_us", "ts_ns", "transaction"])
        let source = try XCTUnwrap(fields[2]["type"] as? [String: Any])
        XCTAssertEqual(source["connect.name"] as? String, "io.debezium.connector.postgresql.Source")
        XCTAssertEqual((source["fields"] as? [[String: Any]])?.map { $0["name"] as? String },
                       ["version", "connector", "name", "ts_ms", "snapshot", "db", "sequence", "ts_us", "ts_ns", "schema", "table", "txId", "lsn", "xmin", "origin", "origin_lsn"])
        let key = try parse(try XCTUnwrap(schemas.key).text)
        XCTAssertEqual(key["connect.name"] as? String, "srv.shop.orders.Key")
        XCTAssertEqual((key["fields"] as? [[String: Any]])?.map { $0["name"] as? String }, ["id"])
    }

    func testTableWithoutPrimaryKeyHasNoKeySchema() {
        let columns = [Column(name: "a", type: .int32, typeName: "integer", nullable: true, primaryKeyPosition: nil)]
        XCTAssertNil(DebeziumAvroSchema(prefix: "srv", table: table, columns: columns).key)
    }

    func testNullableColumnsAreUnionsWithNullFirstAndDefaultNull() throws {
        let schemas = DebeziumAvroSchema(prefix: "srv", table: table, columns: everyColumn)
        let text = schemas.value.text
        XCTAssertTrue(text.contains(#"{"name":"c0","type":["null","boolean"],"default":null}"#), text)
        XCTAssertTrue(text.contains(#"{"name":"n0","type":"boolean"}"#), text)
    }

    /// The semantic-name column of docs/types.md is what the schema generator writes.
    func testDocumentedSemanticNamesMatchTheSchemas() throws {
        for row in TypeMapping.rows {
            var names = Set<String>()
            let schema = AvroColumnType.schema(for: row.type, names: &names)
            let written: String
            if case .object(let members) = schema, let name = members.first(where: { $0.0 == "connect.name" })?.1, case .string(let text) = name {
                written = text
            } else {
                written = "–"
            }
            XCTAssertEqual(written, row.semantic, "semantic name of \(row.postgres)")
        }
    }

    private func parse(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// Runs `code` with the test Python (setup's venv; no server needed), `input` on its stdin;
    /// stdout and stderr together as `output`.
    private func runPython(_ code: String, input: String) throws -> (status: Int32, output: String) {
        let run = try ProcessRunner.run(URL(fileURLWithPath: LocalStack.python), ["-c", code], stdin: Data(input.utf8))
        return (run.status, run.text + run.stderr)
    }
}
