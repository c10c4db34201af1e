import AvroCodec
import Foundation
import XCTest
@testable import SchemaRegistryServer

/// Schemas used by the registry tests: a record `r` growing field by field.
enum RegistrySchemas {
    static func record(_ fields: String..., name: String = "r") -> String {
        record(fields, name: name)
    }

    static func record(_ fields: [String], name: String) -> String {
        #"{"type":"record","name":"\#(name)","fields":[\#(fields.joined(separator: ","))]}"#
    }

    static let a = #"{"name":"a","type":"int"}"#
    static let bRequired = #"{"name":"b","type":"string"}"#
    static let bDefault = #"{"name":"b","type":"string","default":"x"}"#
    static let cDefault = #"{"name":"c","type":"long","default":0}"#

    static let v1 = record(a)
    static let v2 = record(a, bDefault)
    static let v2Required = record(a, bRequired)
}

/// The registry's rules without HTTP: ids, versions, dedupe, deletes, config, compatibility
/// levels, persistence and concurrency.
final class RegistryStoreTests: XCTestCase {
    private var directories: [String] = []

    override func tearDown() {
        for dir in directories { try? FileManager.default.removeItem(atPath: dir) }
        directories = []
        super.tearDown()
    }

    private func tempDirectory() -> String {
        let dir = NSTemporaryDirectory() + "cdcctl-registry-\(UUID().uuidString)"
        directories.append(dir)
        return dir
    }

    private func input(_ schema: String) -> RegistrySchemaInput { RegistrySchemaInput(schema: schema) }

    private func assertRegistryError(_ code: Int, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) {
        do {
            try body()
            XCTFail("expected error \(code), got success", file: file, line: line)
        } catch let error as RegistryError {
            XCTAssertEqual(error.errorCode, code, "\(error)", file: file, line: line)
        } catch {
            XCTFail("expected RegistryError \(code), got \(error)", file: file, line: line)
        }
    }

    // MARK: ids and versions

    func testIdsAreGlobalAndVersionsCountPerSubject() throws {
        let store = RegistryStore()
        let first = try store.register(subject: "orders-value", input(RegistrySchemas.v1))
        XCTAssertEqual(first.id, 1)
        XCTAssertEqual(first.version, 1)
        let second = try store.register(subject: "orders-value", input(RegistrySchemas.v2))
        XCTAssertEqual(second.id, 2)
        XCTAssertEqual(second.version, 2)
        let other = try store.register(subject: "customers-value", input(RegistrySchemas.record(RegistrySchemas.a, name: "c")))
        XCTAssertEqual(other.id, 3)
        XCTAssertEqual(other.version, 1)
        XCTAssertEqual(store.subjects(), ["customers-value", "orders-value"])
        XCTAssertEqual(try store.versionNumbers(subject: "orders-value"), [1, 2])
        XCTAssertEqual(try store.version(subject: "orders-value", .latest).id, 2)
        XCTAssertEqual(try store.version(subject: "orders-value", .number(1)).schema, RegistrySchemas.v1)
        XCTAssertEqual(try store.schema(id: 2), RegistrySchemas.v2)
        XCTAssertEqual(store.subjects(prefix: "cust"), ["customers-value"])
    }

    func testTheSameSchemaGetsTheSameIdUnderEverySubjectAndSpelling() throws {
        let store = RegistryStore()
        let id = try store.register(subject: "a", input(RegistrySchemas.v1)).id
        let respelled = """
            {
              "fields" : [ { "type" : "int", "name" : "a" } ],
              "name" : "r",
              "type" : "record"
            }
            """
        XCTAssertEqual(try store.register(subject: "b", input(respelled)).id, id)
        XCTAssertEqual(try store.register(subject: "c", input(RegistrySchemas.v1)).id, id)
        // Registering it again under a subject that has it is a no-op returning that version.
        let again = try store.register(subject: "a", input(respelled))
        XCTAssertEqual(again.id, id)
        XCTAssertEqual(again.version, 1)
        XCTAssertEqual(try store.versionNumbers(subject: "a"), [1])
        XCTAssertEqual(try store.lookup(subject: "b", input(RegistrySchemas.v1)).version, 1)
        XCTAssertEqual(try store.usages(ofSchema: id).map(\.subject), ["a", "b", "c"])
        // A different schema is a different id.
        XCTAssertNotEqual(try store.register(subject: "d", input(#""string""#)).id, id)
    }

    /// Identity is the Avro meaning: Parsing Canonical Form plus the attributes that matter
    /// (replaces the sorted-keys JSON comparison, which told `"string"` from `{"type":"string"}`).
    func testIdentityIgnoresSpellingAndWhatAvroIgnores() throws {
        func identity(_ text: String) throws -> String { RegistrySchemaText.identity(of: try AvroSchemaParser.parse(text)) }
        let same: [[String]] = [
            [#""string""#, #"{"type":"string"}"#, #" { "type" : "string" } "#],
            [#"{"type":"int"}"#, #"{"type":"int","name":"x"}"#, #""int""#],
            // A namespace given once or repeated on a nested type, or inlined in the name.
            [#"{"type":"record","name":"R","namespace":"a.b","fields":[{"name":"n","type":{"type":"record","name":"N","namespace":"a.b","fields":[{"name":"x","type":"int"}]}},{"name":"m","type":"N"}]}"#,
             #"{"type":"record","name":"a.b.R","fields":[{"name":"n","type":{"type":"record","name":"N","fields":[{"name":"x","type":"int"}]}},{"name":"m","type":"a.b.N"}]}"#,
             #"{"fields":[{"type":{"fields":[{"type":{"type":"int"},"name":"x"}],"name":"a.b.N","type":"record"},"name":"n"},{"type":"a.b.N","name":"m"}],"name":"R","namespace":"a.b","type":"record"}"#],
            // Key order, whitespace and the spelling of an integral number in a default.
            [#"{"type":"record","name":"r","fields":[{"name":"d","type":"double","default":1.0,"connect.x":{"b":1,"a":2}}]}"#,
             #"{ "name" : "r", "type" : "record", "fields" : [ { "default" : 1, "type" : "double", "name" : "d", "connect.x" : { "a" : 2, "b" : 1.0 } } ] }"#],
            // Properties outside connect.* are not part of the identity.
            [#"{"type":"record","name":"r","fields":[{"name":"a","type":"int"}]}"#,
             #"{"type":"record","name":"r","avro.java.string":"String","fields":[{"name":"a","type":"int","x":1}]}"#],
        ]
        for group in same {
            let first = try identity(group[0])
            for other in group.dropFirst() { XCTAssertEqual(try identity(other), first, other) }
        }
        XCTAssertEqual(try identity(#"{"type":"long","logicalType":"timestamp-micros","connect.name":"io.debezium.time.MicroTimestamp"}"#),
                       #"{"type":"long","logicalType":"timestamp-micros","connect.name":"io.debezium.time.MicroTimestamp"}"#)
        XCTAssertEqual(try identity(#"{"type":"bytes","logicalType":"decimal","scale":2,"precision":10}"#),
                       #"{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}"#)
    }

    func testSchemasAreServedCompactInTheOrderRegistered() throws {
        let store = RegistryStore()
        let pretty = """
            {
              "type" : "record", "name" : "r",
              "fields" : [ { "name" : "a", "type" : "int", "doc" : " spaced \\" out\\t" } ]
            }
            """
        let compact = #"{"type":"record","name":"r","fields":[{"name":"a","type":"int","doc":" spaced \" out\t"}]}"#
        let registered = try store.register(subject: "s", input(pretty))
        XCTAssertEqual(registered.schema, compact)
        XCTAssertEqual(try store.schema(id: registered.id), compact)
        XCTAssertEqual(try store.version(subject: "s", .latest).schema, compact)
        XCTAssertEqual(try store.lookup(subject: "s", input(compact)).schema, compact)
        XCTAssertEqual(RegistrySchemaText.compact("[ \"a\\\\\" , \"\\\"\" ,\t1 ]"), #"["a\\","\"",1]"#)
    }

    func testSchemasEqualByMeaningShareAnIdAndAVersion() throws {
        let store = RegistryStore()
        let first = try store.register(subject: "s", input(#""string""#))
        let again = try store.register(subject: "s", input(#"{"type":"string"}"#))
        XCTAssertEqual(again, first)
        XCTAssertEqual(try store.versionNumbers(subject: "s"), [1])
        XCTAssertEqual(try store.register(subject: "t", input(#"{"type": "string", "name": "ignored"}"#)).id, first.id)
        XCTAssertEqual(try store.lookup(subject: "t", input(#""string""#)).version, 1)
        try store.register(subject: "i", input(#"{"type":"int","name":"x"}"#))
        XCTAssertEqual(try store.lookup(subject: "i", input(#"{"type":"int"}"#)).id, 2)
        XCTAssertEqual(try store.schema(id: 1), #""string""#, "the first spelling is the one served")
    }

    func testListingEveryVersion() throws {
        let store = RegistryStore()
        try store.register(subject: "b", input(RegistrySchemas.v1))
        try store.register(subject: "b", input(RegistrySchemas.v2))
        try store.register(subject: "a", input(#""string""#))
        try store.register(subject: "c", input(#""int""#))
        _ = try store.deleteSubject("c")
        XCTAssertEqual(store.allVersions().map { "\($0.subject)/\($0.version)=\($0.id)" }, ["a/1=3", "b/1=1", "b/2=2"])
        XCTAssertEqual(store.allVersions(includeDeleted: true).map(\.subject), ["a", "b", "b", "c"])
        XCTAssertEqual(store.allVersions(latestOnly: true).map(\.id), [3, 2])
        XCTAssertEqual(store.allVersions(prefix: "b", latestOnly: true), [RegistrySubjectVersion(subject: "b", version: 2, id: 2, schema: RegistrySchemas.v2)])
    }

    /// A `registry.json` written before identities and compaction: pretty-printed schemas, and two
    /// ids whose schemas are now one identity. It loads, serves compact text, keeps both ids, and
    /// new registrations reuse the first.
    func testDataFromBeforeIdentitiesLoads() throws {
        let dir = tempDirectory()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let old = #"""
            {
              "compatibility" : "BACKWARD",
              "format" : 1,
              "schemas" : [
                { "id" : 1, "schema" : "{ \"type\" : \"string\" }" },
                { "id" : 2, "schema" : "\"string\"" },
                { "id" : 3, "schema" : "{\n  \"type\" : \"record\",\n  \"name\" : \"r\",\n  \"fields\" : [ { \"name\" : \"a\", \"type\" : \"int\" } ]\n}" }
              ],
              "subjects" : {
                "a" : { "versions" : [ { "deleted" : false, "id" : 1, "version" : 1 }, { "deleted" : false, "id" : 2, "version" : 2 } ] },
                "r" : { "versions" : [ { "deleted" : false, "id" : 3, "version" : 1 } ] }
              }
            }
            """#
        try Data(old.utf8).write(to: URL(fileURLWithPath: dir + "/registry.json"))
        let store = try RegistryStore(dataDirectory: dir)
        defer { store.close() }
        XCTAssertEqual(try store.schema(id: 1), #"{"type":"string"}"#)
        XCTAssertEqual(try store.schema(id: 3), RegistrySchemas.v1)
        XCTAssertEqual(try store.register(subject: "a", input(#""string""#)).version, 2, "matches the latest equal version")
        XCTAssertEqual(try store.versionNumbers(subject: "a"), [1, 2])
        XCTAssertEqual(try store.register(subject: "b", input(#""string""#)).id, 1)
        XCTAssertEqual(try store.lookup(subject: "r", input(#"{"name":"r","type":"record","fields":[{"name":"a","type":{"type":"int"}}]}"#)).id, 3)
        XCTAssertEqual(try store.register(subject: "c", input(#""bytes""#)).id, 4)
    }

    /// What Connect and schema resolution read (docs, defaults, logical types, the `connect.*`
    /// properties) makes another schema with another id, unlike bare Parsing Canonical Form.
    func testSchemasDifferingBeyondSpellingGetDifferentIds() throws {
        let store = RegistryStore()
        try store.setGlobalCompatibility(.none)
        let plain = #"{"type":"record","name":"r","fields":[{"name":"a","type":"int"}]}"#
        let variants = [
            plain,
            #"{"type":"record","name":"r","connect.name":"r","fields":[{"name":"a","type":"int"}]}"#,
            #"{"type":"record","name":"r","connect.name":"other","fields":[{"name":"a","type":"int"}]}"#,
            #"{"type":"record","name":"r","doc":"d","fields":[{"name":"a","type":"int"}]}"#,
            #"{"type":"record","name":"r","fields":[{"name":"a","type":"int","default":0}]}"#,
            #"{"type":"record","name":"r","fields":[{"name":"a","type":{"type":"int","connect.type":"int16"}}]}"#,
            #"{"type":"record","name":"r","connect.version":1,"fields":[{"name":"a","type":"int"}]}"#,
            #"{"type":"record","name":"r","connect.doc":"d","fields":[{"name":"a","type":"int"}]}"#,
            #"{"type":"record","name":"r","fields":[{"name":"a","type":{"type":"int","connect.default":0}}]}"#,
            #"{"type":"record","name":"r","fields":[{"name":"a","type":{"type":"int","connect.parameters":{"p":"1"}}}]}"#,
            #"{"type":"record","name":"r","fields":[{"name":"a","type":{"type":"int","logicalType":"date"}}]}"#,
            #"{"type":"record","name":"r","fields":[{"name":"a","type":{"type":"bytes","logicalType":"decimal","precision":5,"scale":1}}]}"#,
            #"{"type":"record","name":"r","fields":[{"name":"a","type":{"type":"bytes","logicalType":"decimal","precision":5,"scale":2}}]}"#,
            #"{"type":"record","name":"r","fields":[{"name":"a","type":{"type":"bytes","logicalType":"decimal","precision":6,"scale":2}}]}"#,
            #"{"type":"record","name":"r","fields":[{"name":"a","type":"int","default":1}]}"#,
            #"{"type":"record","name":"r","fields":[{"name":"a","type":"int","doc":"d"}]}"#,
        ]
        let ids = try variants.map { try store.register(subject: "s", input($0)).id }
        XCTAssertEqual(ids, Array(1...variants.count))
        XCTAssertEqual(try store.register(subject: "t", input(#"{"name":"r","fields":[{"type":"int","name":"a"}],"type":"record"}"#)).id, 1)
    }

    func testLookup() throws {
        let store = RegistryStore()
        try store.register(subject: "s", input(RegistrySchemas.v1))
        try store.register(subject: "s", input(RegistrySchemas.v2))
        let found = try store.lookup(subject: "s", input(RegistrySchemas.v2))
        XCTAssertEqual(found, RegistrySubjectVersion(subject: "s", version: 2, id: 2, schema: RegistrySchemas.v2))
        assertRegistryError(40403) { _ = try store.lookup(subject: "s", input(#""string""#)) }
        assertRegistryError(40401) { _ = try store.lookup(subject: "nope", input(RegistrySchemas.v1)) }
        assertRegistryError(42201) { _ = try store.lookup(subject: "s", input("{")) }
    }

    func testInvalidSchemasAreRefusedWith42201() throws {
        let store = RegistryStore()
        for bad in ["", "not json", #"{"type":"bogus"}"#, #"{"type":"record","name":"r"}"#,
                    #"{"type":"record","name":"r","fields":[{"name":"x","type":"Missing"}]}"#] {
            assertRegistryError(42201) { try store.register(subject: "s", input(bad)) }
        }
        assertRegistryError(42201) { try store.register(subject: "s", RegistrySchemaInput(schema: #""int""#, schemaType: "JSON")) }
        assertRegistryError(42201) { try store.register(subject: "s", RegistrySchemaInput(schema: #""int""#, referenceCount: 1)) }
        XCTAssertEqual(try store.register(subject: "s", RegistrySchemaInput(schema: #""int""#, schemaType: "AVRO")).id, 1)
        XCTAssertEqual(store.subjects(), ["s"])
    }

    func testVersionSelectors() throws {
        XCTAssertEqual(try RegistryVersionSelector(parsing: "latest"), .latest)
        XCTAssertEqual(try RegistryVersionSelector(parsing: "-1"), .latest)
        XCTAssertEqual(try RegistryVersionSelector(parsing: "7"), .number(7))
        for bad in ["0", "-2", "x", "2147483648", ""] {
            assertRegistryError(42202) { _ = try RegistryVersionSelector(parsing: bad) }
        }
        let store = RegistryStore()
        try store.register(subject: "s", input(RegistrySchemas.v1))
        assertRegistryError(40402) { _ = try store.version(subject: "s", .number(2)) }
        assertRegistryError(40401) { _ = try store.version(subject: "t", .latest) }
    }

    // MARK: deletes

    func testSoftAndPermanentSubjectDeletion() throws {
        let store = RegistryStore()
        try store.register(subject: "s", input(RegistrySchemas.v1))
        try store.register(subject: "s", input(RegistrySchemas.v2))
        assertRegistryError(40405) { _ = try store.deleteSubject("s", permanent: true) }
        XCTAssertEqual(try store.deleteSubject("s"), [1, 2])
        XCTAssertEqual(store.subjects(), [])
        XCTAssertEqual(store.subjects(includeDeleted: true), ["s"])
        assertRegistryError(40401) { _ = try store.versionNumbers(subject: "s") }
        XCTAssertEqual(try store.versionNumbers(subject: "s", includeDeleted: true), [1, 2])
        XCTAssertEqual(try store.version(subject: "s", .number(1), includeDeleted: true).id, 1)
        assertRegistryError(40404) { _ = try store.deleteSubject("s") }
        // Ids survive a soft delete, and re-registering continues the version numbers.
        XCTAssertEqual(try store.schema(id: 1), RegistrySchemas.v1)
        let again = try store.register(subject: "s", input(RegistrySchemas.v1))
        XCTAssertEqual(again.id, 1)
        XCTAssertEqual(again.version, 3)
        XCTAssertEqual(try store.deleteSubject("s"), [3])
        XCTAssertEqual(try store.deleteSubject("s", permanent: true), [1, 2, 3])
        assertRegistryError(40401) { _ = try store.deleteSubject("s") }
        XCTAssertEqual(store.subjects(includeDeleted: true), [])
        // After a permanent delete, versions restart at 1; the id stays the schema's.
        let fresh = try store.register(subject: "s", input(RegistrySchemas.v2))
        XCTAssertEqual(fresh.version, 1)
        XCTAssertEqual(fresh.id, 2)
        assertRegistryError(40401) { _ = try store.deleteSubject("unknown") }
    }

    func testSoftAndPermanentVersionDeletion() throws {
        let store = RegistryStore()
        try store.register(subject: "s", input(RegistrySchemas.v1))
        try store.register(subject: "s", input(RegistrySchemas.v2))
        try store.register(subject: "s", input(RegistrySchemas.record(RegistrySchemas.a, RegistrySchemas.bDefault, RegistrySchemas.cDefault)))
        assertRegistryError(40407) { _ = try store.deleteVersion(subject: "s", .number(2), permanent: true) }
        XCTAssertEqual(try store.deleteVersion(subject: "s", .number(2)), 2)
        assertRegistryError(40406) { _ = try store.deleteVersion(subject: "s", .number(2)) }
        XCTAssertEqual(try store.versionNumbers(subject: "s"), [1, 3])
        assertRegistryError(40402) { _ = try store.version(subject: "s", .number(2)) }
        XCTAssertEqual(try store.deleteVersion(subject: "s", .latest), 3)
        XCTAssertEqual(try store.version(subject: "s", .latest).version, 1)
        XCTAssertEqual(try store.deleteVersion(subject: "s", .number(2), permanent: true), 2)
        XCTAssertEqual(try store.versionNumbers(subject: "s", includeDeleted: true), [1, 3])
        assertRegistryError(40402) { _ = try store.deleteVersion(subject: "s", .number(9)) }
        assertRegistryError(40401) { _ = try store.deleteVersion(subject: "x", .number(1)) }
        // The next version number follows the highest one ever used.
        XCTAssertEqual(try store.register(subject: "s", input(RegistrySchemas.v2)).version, 4)
    }

    // MARK: config

    func testGlobalAndSubjectCompatibilityConfig() throws {
        let store = RegistryStore()
        XCTAssertEqual(store.globalCompatibility, .backward)
        try store.setGlobalCompatibility(.full)
        XCTAssertEqual(store.globalCompatibility, .full)
        assertRegistryError(40408) { _ = try store.compatibility(subject: "s") }
        XCTAssertEqual(try store.compatibility(subject: "s", defaultToGlobal: true), .full)
        try store.setCompatibility(subject: "s", .none)
        XCTAssertEqual(try store.compatibility(subject: "s"), .none)
        XCTAssertEqual(store.subjects(), [], "a level alone doesn't make a subject")
        XCTAssertEqual(try store.deleteCompatibility(subject: "s"), .none)
        assertRegistryError(40408) { _ = try store.deleteCompatibility(subject: "s") }
        XCTAssertEqual(try store.resetGlobalCompatibility(), .full)
        XCTAssertEqual(store.globalCompatibility, .backward)
        XCTAssertEqual(CompatibilityLevel(parsing: "forward_transitive"), .forwardTransitive)
        XCTAssertNil(CompatibilityLevel(parsing: "sideways"))
    }

    // MARK: compatibility levels

    func testBackwardRejectsANewRequiredFieldAndAcceptsOneWithADefault() throws {
        let store = RegistryStore()
        try store.register(subject: "s", input(RegistrySchemas.v1))
        assertRegistryError(409) { try store.register(subject: "s", input(RegistrySchemas.v2Required)) }
        do {
            try store.register(subject: "s", input(RegistrySchemas.v2Required))
        } catch let error as RegistryError {
            XCTAssertEqual(error.httpStatus, 409)
            XCTAssertTrue(error.message.contains("subject \"s\""), error.message)
            XCTAssertTrue(error.message.contains("READER_FIELD_MISSING_DEFAULT_VALUE"), error.message)
            XCTAssertTrue(error.message.contains("'b'"), error.message)
        }
        XCTAssertEqual(try store.register(subject: "s", input(RegistrySchemas.v2)).version, 2)
        XCTAssertEqual(try store.versionNumbers(subject: "s"), [1, 2])
    }

    func testLevelsDecideWhichChangesPass() throws {
        let v1 = RegistrySchemas.v1
        let addRequired = RegistrySchemas.v2Required                    // old data lacks b
        let addDefault = RegistrySchemas.v2
        let dropA = RegistrySchemas.record(RegistrySchemas.bDefault)    // old readers need a
        let retype = #""string""#
        let cases: [(CompatibilityLevel, String, Bool)] = [
            (.backward, addRequired, false), (.backward, addDefault, true), (.backward, dropA, true), (.backward, retype, false),
            (.forward, addRequired, true), (.forward, addDefault, true), (.forward, dropA, false), (.forward, retype, false),
            (.full, addRequired, false), (.full, addDefault, true), (.full, dropA, false),
            (.none, retype, true), (.none, addRequired, true),
        ]
        for (level, candidate, expected) in cases {
            let store = RegistryStore()
            try store.setGlobalCompatibility(level)
            try store.register(subject: "s", input(v1))
            let result = try store.testCompatibility(subject: "s", version: .latest, input(candidate))
            XCTAssertEqual(result.isCompatible, expected, "\(level) \(candidate): \(result.messages)")
            XCTAssertEqual(result.messages.isEmpty, expected)
            do {
                try store.register(subject: "s", input(candidate))
                XCTAssertTrue(expected, "\(level) registered \(candidate)")
            } catch let error as RegistryError {
                XCTAssertFalse(expected, "\(level) refused \(candidate): \(error)")
                XCTAssertEqual(error.errorCode, 409)
            }
        }
    }

    func testTransitiveLevelsCheckEveryLiveVersion() throws {
        // v1 {a}, v2 {a, b="x"}, v3 {a, b required}: v3 reads v2's data but not v1's.
        for (level, accepted) in [(CompatibilityLevel.backward, true), (.backwardTransitive, false), (.fullTransitive, false)] {
            let store = RegistryStore()
            try store.setCompatibility(subject: "s", level)
            try store.register(subject: "s", input(RegistrySchemas.v1))
            try store.register(subject: "s", input(RegistrySchemas.v2))
            XCTAssertEqual(try store.testCompatibility(subject: "s", version: nil, input(RegistrySchemas.v2Required)).isCompatible, accepted, "\(level)")
            XCTAssertEqual((try? store.register(subject: "s", input(RegistrySchemas.v2Required))) != nil, accepted, "\(level)")
        }
        // FORWARD_TRANSITIVE: old readers of every version must read the new data.
        let store = RegistryStore()
        try store.setCompatibility(subject: "s", .forwardTransitive)
        try store.register(subject: "s", input(RegistrySchemas.v2Required))                 // {a, b}
        try store.register(subject: "s", input(RegistrySchemas.v2))                         // {a, b="x"}
        let dropB = RegistrySchemas.v1                                                      // {a}: v1's reader needs b
        XCTAssertFalse(try store.testCompatibility(subject: "s", version: nil, input(dropB)).isCompatible)
        XCTAssertTrue(try store.testCompatibility(subject: "s", version: .number(2), input(dropB)).isCompatible)
        // A soft-deleted version no longer counts.
        XCTAssertEqual(try store.deleteVersion(subject: "s", .number(1)), 1)
        XCTAssertEqual(try store.register(subject: "s", input(dropB)).version, 3)
    }

    func testCompatibilityTestErrors() throws {
        let store = RegistryStore()
        // Confluent: a version number a (missing) subject lacks is 40402; `latest` of nothing is compatible.
        assertRegistryError(40402) { _ = try store.testCompatibility(subject: "s", version: .number(1), input(RegistrySchemas.v1)) }
        XCTAssertTrue(try store.testCompatibility(subject: "s", version: .latest, input(RegistrySchemas.v1)).isCompatible)
        XCTAssertTrue(try store.testCompatibility(subject: "s", version: nil, input(RegistrySchemas.v1)).isCompatible)
        try store.register(subject: "s", input(RegistrySchemas.v1))
        assertRegistryError(40402) { _ = try store.testCompatibility(subject: "s", version: .number(5), input(RegistrySchemas.v1)) }
        assertRegistryError(42201) { _ = try store.testCompatibility(subject: "s", version: .latest, input("[")) }
    }

    /// A 409 names the subject and, per problem, Confluent's error type and AvroResolution's reason.
    func testIncompatibilityMessagesNameConfluentsErrorTypes() throws {
        let enumAB = #"{"type":"enum","name":"e","symbols":["A","B"]}"#
        let cases: [(writer: String, reader: String, expected: String)] = [
            (RegistrySchemas.v1, RegistrySchemas.v2Required, "READER_FIELD_MISSING_DEFAULT_VALUE (field 'b'): r.b: "),
            (RegistrySchemas.v1, RegistrySchemas.record([RegistrySchemas.a], name: "q"), "NAME_MISMATCH: q: "),
            (#"{"type":"fixed","name":"f","size":4}"#, #"{"type":"fixed","name":"f","size":8}"#, "FIXED_SIZE_MISMATCH: f: "),
            (enumAB, #"{"type":"enum","name":"e","symbols":["A"]}"#, "MISSING_ENUM_SYMBOLS: e: "),
            (#"["null","string"]"#, #"["null","int"]"#, "MISSING_UNION_BRANCH: $[writer branch 1]: "),
            (#""long""#, #""int""#, "TYPE_MISMATCH: $: "),
        ]
        for (writer, reader, expected) in cases {
            let store = RegistryStore()
            try store.register(subject: "orders-value", input(writer))
            XCTAssertThrowsError(try store.register(subject: "orders-value", input(reader))) { error in
                let message = (error as? RegistryError)?.message ?? "\(error)"
                XCTAssertTrue(message.hasPrefix(#"Schema being registered is incompatible with an earlier schema for subject "orders-value", details: [BACKWARD: the new schema cannot read data written with version 1: "#), message)
                XCTAssertTrue(message.contains(expected), "\(expected) in \(message)")
            }
        }
        // FULL reports each direction that fails.
        let store = RegistryStore()
        try store.setCompatibility(subject: "s", .full)
        try store.register(subject: "s", input(RegistrySchemas.v1))
        let result = try store.testCompatibility(subject: "s", version: nil, input(RegistrySchemas.record(RegistrySchemas.bRequired)))
        XCTAssertEqual(result.messages, [
            "FULL: the new schema cannot read data written with version 1: READER_FIELD_MISSING_DEFAULT_VALUE (field 'b'): r.b: reader field is missing from the writer and has no default",
            "FULL: version 1 cannot read data written with the new schema: READER_FIELD_MISSING_DEFAULT_VALUE (field 'a'): r.a: reader field is missing from the writer and has no default",
        ])
    }

    /// Avro schema resolution, case by case (writer = old data, reader = new schema), through the
    /// store's BACKWARD check (which asks `AvroResolution`).
    func testResolutionRules() throws {
        func compatible(writer: String, reader: String) throws -> Bool {
            let store = RegistryStore()
            try store.register(subject: "s", input(writer))
            return try store.testCompatibility(subject: "s", version: .latest, input(reader)).isCompatible
        }
        func rec(_ fields: String..., name: String = "r") -> String { RegistrySchemas.record(fields, name: name) }
        let enumAB = #"{"type":"enum","name":"e","symbols":["A","B"]}"#
        let enumA = #"{"type":"enum","name":"e","symbols":["A"]}"#
        let enumADefault = #"{"type":"enum","name":"e","symbols":["A","Z"],"default":"Z"}"#
        let cases: [(String, String, String, Bool)] = [
            ("same primitive", #""int""#, #""int""#, true),
            ("int→long", #""int""#, #""long""#, true),
            ("int→float", #""int""#, #""float""#, true),
            ("long→double", #""long""#, #""double""#, true),
            ("float→double", #""float""#, #""double""#, true),
            ("long→int", #""long""#, #""int""#, false),
            ("double→float", #""double""#, #""float""#, false),
            ("string→bytes", #""string""#, #""bytes""#, true),
            ("bytes→string", #""bytes""#, #""string""#, true),
            ("int→string", #""int""#, #""string""#, false),
            ("null→int", #""null""#, #""int""#, false),
            ("add field, no default", rec(RegistrySchemas.a), rec(RegistrySchemas.a, RegistrySchemas.bRequired), false),
            ("add field with default", rec(RegistrySchemas.a), rec(RegistrySchemas.a, RegistrySchemas.bDefault), true),
            ("add field with null default", rec(RegistrySchemas.a), rec(RegistrySchemas.a, #"{"name":"n","type":["null","int"],"default":null}"#), true),
            ("drop field", rec(RegistrySchemas.a, RegistrySchemas.bRequired), rec(RegistrySchemas.a), true),
            ("field int→long", rec(RegistrySchemas.a), rec(#"{"name":"a","type":"long"}"#), true),
            ("field long→int", rec(#"{"name":"a","type":"long"}"#), rec(RegistrySchemas.a), false),
            ("field renamed with alias", rec(RegistrySchemas.a), rec(#"{"name":"z","type":"int","aliases":["a"]}"#), true),
            ("field renamed without alias", rec(RegistrySchemas.a), rec(#"{"name":"z","type":"int"}"#), false),
            ("record renamed", rec(RegistrySchemas.a), rec(RegistrySchemas.a, name: "q"), false),
            ("record renamed with alias", rec(RegistrySchemas.a), #"{"type":"record","name":"q","aliases":["r"],"fields":[{"name":"a","type":"int"}]}"#, true),
            ("record namespace changed", rec(RegistrySchemas.a), #"{"type":"record","name":"r","namespace":"n","fields":[{"name":"a","type":"int"}]}"#, true),
            ("enum: writer symbol missing", enumAB, enumA, false),
            ("enum: reader has more symbols", enumA, enumAB, true),
            ("enum: reader default covers missing symbols", enumAB, enumADefault, true),
            ("enum renamed", enumA, #"{"type":"enum","name":"f","symbols":["A"]}"#, false),
            ("fixed same", #"{"type":"fixed","name":"f","size":4}"#, #"{"type":"fixed","name":"f","size":4}"#, true),
            ("fixed resized", #"{"type":"fixed","name":"f","size":4}"#, #"{"type":"fixed","name":"f","size":8}"#, false),
            ("union: writer branch missing", #"["null","int","string"]"#, #"["null","int"]"#, false),
            ("union: reader has more branches", #"["null","int"]"#, #"["null","int","string"]"#, true),
            ("union: branch promoted", #"["null","int"]"#, #"["null","long"]"#, true),
            ("non-union into union", #""int""#, #"["null","int"]"#, true),
            ("non-union into union without it", #""string""#, #"["null","int"]"#, false),
            ("union into non-union", #"["null","int"]"#, #""int""#, false),
            ("single-branch union into non-union", #"["int"]"#, #""long""#, true),
            ("array items promoted", #"{"type":"array","items":"int"}"#, #"{"type":"array","items":"long"}"#, true),
            ("array items narrowed", #"{"type":"array","items":"long"}"#, #"{"type":"array","items":"int"}"#, false),
            ("map values retyped", #"{"type":"map","values":"string"}"#, #"{"type":"map","values":"int"}"#, false),
            ("array → map", #"{"type":"array","items":"int"}"#, #"{"type":"map","values":"int"}"#, false),
            ("nested record gains a required field",
             rec(#"{"name":"x","type":\#(rec(RegistrySchemas.a, name: "inner"))}"#, name: "outer"),
             rec(#"{"name":"x","type":\#(rec(RegistrySchemas.a, RegistrySchemas.bRequired, name: "inner"))}"#, name: "outer"), false),
            ("record inside a nullable union gains a required field",
             #"["null",\#(rec(RegistrySchemas.a))]"#, #"["null",\#(rec(RegistrySchemas.a, RegistrySchemas.bRequired))]"#, false),
            ("recursive list, same", #"{"type":"record","name":"node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","node"]}]}"#,
             #"{"type":"record","name":"node","fields":[{"name":"v","type":"long"},{"name":"next","type":["null","node"]}]}"#, true),
            ("recursive list gains a required field", #"{"type":"record","name":"node","fields":[{"name":"next","type":["null","node"]}]}"#,
             #"{"type":"record","name":"node","fields":[{"name":"next","type":["null","node"]},{"name":"w","type":"int"}]}"#, false),
            ("logical type ignored", #"{"type":"long","logicalType":"timestamp-millis"}"#, #""long""#, true),
        ]
        for (name, writer, reader, expected) in cases {
            XCTAssertEqual(try compatible(writer: writer, reader: reader), expected, name)
        }
    }

    // MARK: persistence

    func testEverythingSurvivesAReopen() throws {
        let dir = tempDirectory()
        do {
            let store = try RegistryStore(dataDirectory: dir)
            try store.register(subject: "a", input(RegistrySchemas.v1))
            try store.register(subject: "a", input(RegistrySchemas.v2))
            try store.register(subject: "b", input(RegistrySchemas.v1))
            try store.register(subject: "gone", input(#""string""#))
            _ = try store.deleteSubject("gone")
            _ = try store.deleteVersion(subject: "a", .number(1))
            try store.setGlobalCompatibility(.forward)
            try store.setCompatibility(subject: "b", .none)
            store.close()
        }
        let store = try RegistryStore(dataDirectory: dir)
        defer { store.close() }
        XCTAssertEqual(store.subjects(), ["a", "b"])
        XCTAssertEqual(store.subjects(includeDeleted: true), ["a", "b", "gone"])
        XCTAssertEqual(try store.versionNumbers(subject: "a"), [2])
        XCTAssertEqual(try store.versionNumbers(subject: "a", includeDeleted: true), [1, 2])
        XCTAssertEqual(try store.version(subject: "a", .latest), RegistrySubjectVersion(subject: "a", version: 2, id: 2, schema: RegistrySchemas.v2))
        XCTAssertEqual(try store.schema(id: 3), #""string""#)
        XCTAssertEqual(store.globalCompatibility, .forward)
        XCTAssertEqual(try store.compatibility(subject: "b"), .none)
        // Dedupe and id allocation continue where they were.
        XCTAssertEqual(try store.register(subject: "c", input(RegistrySchemas.v2)).id, 2)
        XCTAssertEqual(try store.register(subject: "e", input(#""bytes""#)).id, 4)
        XCTAssertEqual(try store.register(subject: "gone", input(#""string""#)).version, 2)
    }

    /// A schema an older cdcctl accepted (Avro C alone took bad defaults and duplicate fields,
    /// JSONDecoder duplicate keys) still loads and is served, but is no longer silently skipped by compatibility checks.
    func testAStoredSchemaTheParserNowRefusesBlocksChecksInsteadOfBeingSkipped() throws {
        let dir = tempDirectory()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let lax = #"{"type":"record","name":"r","fields":[{"name":"a","type":"int","default":"x"}]}"#
        let duplicateKeys = #"{"type":"record","name":"r","name":"r","fields":[{"name":"a","type":"int"}]}"#
        let state = RegistryStore.State(schemas: [.init(id: 1, schema: lax), .init(id: 2, schema: duplicateKeys)],
                                        subjects: ["s": .init(versions: [.init(version: 1, id: 1, deleted: false)]),
                                                   "t": .init(versions: [.init(version: 1, id: 2, deleted: false)])])
        try JSONEncoder().encode(state).write(to: URL(fileURLWithPath: dir + "/registry.json"))
        let store = try RegistryStore(dataDirectory: dir)
        defer { store.close() }
        XCTAssertEqual(try store.schema(id: 1), lax)
        XCTAssertEqual(try store.schema(id: 2), duplicateKeys)
        XCTAssertFalse(try store.testCompatibility(subject: "t", version: nil, input(RegistrySchemas.v1)).isCompatible)
        let result = try store.testCompatibility(subject: "s", version: nil, input(RegistrySchemas.v1))
        XCTAssertFalse(result.isCompatible)
        XCTAssertTrue(result.messages.first?.contains("version 1 (schema 1) no longer parses") == true, "\(result.messages)")
        assertRegistryError(409) { try store.register(subject: "s", input(RegistrySchemas.v1)) }
        try store.setCompatibility(subject: "s", .none)
        XCTAssertEqual(try store.register(subject: "s", input(RegistrySchemas.v1)).version, 2)
    }

    func testASecondStoreOnTheSameDirectoryIsRefused() throws {
        let dir = tempDirectory()
        let store = try RegistryStore(dataDirectory: dir)
        XCTAssertThrowsError(try RegistryStore(dataDirectory: dir)) { error in
            XCTAssertTrue("\(error)".contains("in use"), "\(error)")
        }
        store.close()
        let again = try RegistryStore(dataDirectory: dir)
        again.close()
    }

    func testTornTempFilesNeverBreakLoading() throws {
        let dir = tempDirectory()
        do {
            let store = try RegistryStore(dataDirectory: dir)
            try store.register(subject: "s", input(RegistrySchemas.v1))
            store.close()
        }
        // What a crash mid-write leaves: a partial temp file next to the intact data file.
        let good = try Data(contentsOf: URL(fileURLWithPath: dir + "/registry.json"))
        let torn = dir + "/.registry.json.tmp-4242-7"
        try good.prefix(good.count / 2).write(to: URL(fileURLWithPath: torn))
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: dir + "/.registry.json.tmp-1-1"))
        let store = try RegistryStore(dataDirectory: dir)
        defer { store.close() }
        XCTAssertEqual(try store.version(subject: "s", .latest).id, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: torn), "stale temp files are removed")
        try store.register(subject: "s", input(RegistrySchemas.v2))
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        XCTAssertEqual(names, ["registry.json", "registry.lock"])
    }

    func testACorruptDataFileIsReportedAndLeftAlone() throws {
        let dir = tempDirectory()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/registry.json"
        try Data(#"{"format":1,"schemas":[{"id":1,"sch"#.utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try RegistryStore(dataDirectory: dir)) { error in
            XCTAssertTrue(error is RegistryStorageError, "\(error)")
            XCTAssertTrue("\(error)".contains("registry.json"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), #"{"format":1,"schemas":[{"id":1,"sch"#)
    }

    func testAFailedWriteChangesNothing() throws {
        let dir = tempDirectory()
        let store = try RegistryStore(dataDirectory: dir)
        defer { store.close() }
        try store.register(subject: "s", input(RegistrySchemas.v1))
        try FileManager.default.removeItem(atPath: dir) // every later write fails
        assertRegistryError(50001) { try store.register(subject: "s", input(RegistrySchemas.v2)) }
        assertRegistryError(50001) { _ = try store.deleteSubject("s") }
        assertRegistryError(50001) { try store.setGlobalCompatibility(.none) }
        XCTAssertEqual(try store.versionNumbers(subject: "s"), [1])
        XCTAssertEqual(store.globalCompatibility, .backward)
        assertRegistryError(40403) { _ = try store.schema(id: 2) }
    }

    // MARK: concurrency

    func testConcurrentRegistrationsOfOneSchemaGetOneId() throws {
        let dir = tempDirectory()
        let store = try RegistryStore(dataDirectory: dir)
        defer { store.close() }
        let results = ResultsBox()
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            let subject = i % 2 == 0 ? "even" : "odd"
            do {
                let registered = try store.register(subject: subject, RegistrySchemaInput(schema: RegistrySchemas.v1))
                results.append("\(subject) id \(registered.id) version \(registered.version)")
            } catch {
                results.append("error \(error)")
            }
        }
        XCTAssertEqual(Set(results.values), ["even id 1 version 1", "odd id 1 version 1"])
        XCTAssertEqual(try store.versionNumbers(subject: "even"), [1])
        XCTAssertEqual(try store.versionNumbers(subject: "odd"), [1])
    }
}

final class ResultsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ s: String) { lock.withLock { items.append(s) } }
    var values: [String] { lock.withLock { items } }
}
