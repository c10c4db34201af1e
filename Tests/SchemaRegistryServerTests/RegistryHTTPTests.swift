import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import AvroCodec
import XCTest
import CDCCore
@testable import SchemaRegistryServer

/// Literals and member access for the JSON the tests send and expect (the registry's JSON is AvroCodec's).
extension AvroJSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: AvroJSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, AvroJSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    subscript(key: String) -> AvroJSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }
}

/// The registry over real HTTP: a server in this process on an ephemeral port, driven with
/// URLSession, for every endpoint, every error code, a restart and concurrent registrations.
final class RegistryHTTPTests: XCTestCase {
    private var dataDirectory = ""
    private var store: RegistryStore!
    private var server: RegistryHTTPServer!
    private var base = ""
    private let session = URLSession(configuration: .ephemeral)

    override func setUp() async throws {
        try await super.setUp()
        dataDirectory = NSTemporaryDirectory() + "cdcctl-registry-http-\(UUID().uuidString)"
        try await startServer()
    }

    override func tearDown() async throws {
        await stopServer()
        try? FileManager.default.removeItem(atPath: dataDirectory)
        try await super.tearDown()
    }

    private func startServer() async throws {
        store = try RegistryStore(dataDirectory: dataDirectory)
        server = try RegistryHTTPServer(store: store, listen: try RegistryListenAddress(parsing: "127.0.0.1:0"))
        try await server.start()
        let port = await server.port
        base = "http://127.0.0.1:\(try XCTUnwrap(port))"
    }

    private func stopServer() async {
        await server?.stop()
        store?.close()
        server = nil
        store = nil
    }

    private struct Reply {
        let status: Int
        let body: AvroJSONValue?
        let text: String
        let contentType: String?
    }

    /// Sends one request; `path` is already percent-encoded.
    /// `headers` are set last (over the JSON Content-Type of a body).
    private func call(_ method: String, _ path: String, body: AvroJSONValue? = nil, rawBody: String? = nil,
                      headers: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        if let text = rawBody ?? body?.jsonText {
            request.httpBody = Data(text.utf8)
            request.setValue("application/vnd.schemaregistry.v1+json", forHTTPHeaderField: "Content-Type")
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await session.data(for: request)
        let http = try XCTUnwrap(response as? HTTPURLResponse)
        let text = String(decoding: data, as: UTF8.self)
        return Reply(status: http.statusCode, body: try? AvroJSONValue(parsing: text), text: text,
                     contentType: http.value(forHTTPHeaderField: "Content-Type"))
    }

    /// Sends a request and checks the JSON answer.
    private func expect(_ method: String, _ path: String, body: AvroJSONValue? = nil, _ expected: AvroJSONValue?, _ message: String = "",
                        file: StaticString = #filePath, line: UInt = #line) async throws {
        let reply = try await call(method, path, body: body)
        XCTAssertEqual(reply.body, expected, "\(method) \(path) → \(reply.status) \(reply.text) \(message)", file: file, line: line)
    }

    private func schemaBody(_ schema: String) -> AvroJSONValue { ["schema": .string(schema)] }

    private func register(_ subject: String, _ schema: String) async throws -> Reply {
        try await call("POST", "/subjects/\(subject)/versions", body: schemaBody(schema))
    }

    /// `register` without the test case (not Sendable), for concurrent tasks: the reply's `id`.
    private static func registerConcurrently(base: String, subject: String, schema: String) async throws -> AvroJSONValue? {
        var request = URLRequest(url: URL(string: base + "/subjects/\(subject)/versions")!)
        request.httpMethod = "POST"
        request.httpBody = Data((["schema": .string(schema)] as AvroJSONValue).jsonText.utf8)
        request.setValue("application/vnd.schemaregistry.v1+json", forHTTPHeaderField: "Content-Type")
        let (data, _) = try await URLSession(configuration: .ephemeral).data(for: request)
        return (try? AvroJSONValue(parsing: String(decoding: data, as: UTF8.self)))?["id"]
    }

    private func assertError(_ reply: Reply, status: Int, code: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(reply.status, status, reply.text, file: file, line: line)
        guard case .integer(let got)? = reply.body?["error_code"] else {
            return XCTFail("no error_code in \(reply.text)", file: file, line: line)
        }
        XCTAssertEqual(Int(got), code, reply.text, file: file, line: line)
        XCTAssertNotNil(reply.body?["message"]?.stringValue, reply.text, file: file, line: line)
    }

    // MARK: endpoints

    func testRegisterFetchAndLookUp() async throws {
        let first = try await register("orders-value", RegistrySchemas.v1)
        XCTAssertEqual(first.status, 200)
        XCTAssertEqual(first.body, ["id": 1])
        XCTAssertEqual(first.contentType, "application/vnd.schemaregistry.v1+json")
        let again = try await register("orders-value", RegistrySchemas.v1)
        XCTAssertEqual(again.body, ["id": 1])
        let otherSubject = try await register("mirror-value", RegistrySchemas.v1)
        XCTAssertEqual(otherSubject.body, ["id": 1])
        let second = try await register("orders-value", RegistrySchemas.v2)
        XCTAssertEqual(second.body, ["id": 2])

        let byID = try await call("GET", "/schemas/ids/2")
        XCTAssertEqual(byID.body, ["schema": .string(RegistrySchemas.v2)])
        let raw = try await call("GET", "/schemas/ids/2/schema")
        XCTAssertEqual(raw.text, RegistrySchemas.v2)
        try await expect("GET", "/schemas/ids/1/subjects", ["mirror-value", "orders-value"])
        try await expect("GET", "/schemas/ids/1/versions", [["subject": "mirror-value", "version": 1], ["subject": "orders-value", "version": 1]])
        try await expect("GET", "/schemas/types", ["AVRO"])
        try await expect("GET", "/subjects", ["mirror-value", "orders-value"])
        try await expect("GET", "/subjects?subjectPrefix=ord", ["orders-value"])
        try await expect("GET", "/subjects/orders-value/versions", [1, 2])
        let latest = try await call("GET", "/subjects/orders-value/versions/latest")
        XCTAssertEqual(latest.body, ["subject": "orders-value", "version": 2, "id": 2, "schema": .string(RegistrySchemas.v2)])
        try await expect("GET", "/subjects/orders-value/versions/-1", latest.body)
        let versionOne = try await call("GET", "/subjects/orders-value/versions/1")
        XCTAssertEqual(versionOne.body?["id"], 1)
        let firstSchema = try await call("GET", "/subjects/orders-value/versions/1/schema")
        XCTAssertEqual(firstSchema.text, RegistrySchemas.v1)

        let lookup = try await call("POST", "/subjects/orders-value", body: schemaBody(RegistrySchemas.v1))
        XCTAssertEqual(lookup.body, ["subject": "orders-value", "version": 1, "id": 1, "schema": .string(RegistrySchemas.v1)])
        let typed = try await call("POST", "/subjects/orders-value/versions",
                                   body: ["schema": .string(RegistrySchemas.v1), "schemaType": "AVRO", "references": []])
        XCTAssertEqual(typed.body, ["id": 1])
    }

    func testErrorCodes() async throws {
        _ = try await register("s", RegistrySchemas.v1)
        assertError(try await call("GET", "/subjects/nope/versions"), status: 404, code: 40401)
        assertError(try await call("GET", "/subjects/nope/versions/latest"), status: 404, code: 40401)
        assertError(try await call("GET", "/subjects/s/versions/7"), status: 404, code: 40402)
        assertError(try await call("GET", "/schemas/ids/99"), status: 404, code: 40403)
        // Not a number: no such resource, a bare 404 as Confluent's JAX-RS answers (not 40403).
        assertError(try await call("GET", "/schemas/ids/x"), status: 404, code: 404)
        assertError(try await call("GET", "/schemas/ids/0"), status: 404, code: 40403)
        assertError(try await call("POST", "/subjects/s", body: schemaBody(#""string""#)), status: 404, code: 40403)
        assertError(try await call("POST", "/subjects/nope", body: schemaBody(RegistrySchemas.v1)), status: 404, code: 40401)
        assertError(try await register("s", #"{"type":"nonsense"}"#), status: 422, code: 42201)
        assertError(try await register("s", "{not json"), status: 422, code: 42201)
        assertError(try await call("POST", "/subjects/s/versions", body: ["schema": #"{"type":"string"}"#, "schemaType": "PROTOBUF"]),
                    status: 422, code: 42201)
        assertError(try await call("POST", "/subjects/s/versions", body: ["nothing": 1]), status: 422, code: 42201)
        assertError(try await call("GET", "/subjects/s/versions/zero"), status: 422, code: 42202)
        assertError(try await call("PUT", "/config", body: ["compatibility": "SIDEWAYS"]), status: 422, code: 42203)
        assertError(try await call("GET", "/config/s"), status: 404, code: 40408)
        assertError(try await call("POST", "/subjects/s/versions", rawBody: "{oops"), status: 400, code: 400)
        // JSON, but not an object: Confluent's 422 (a mapping error), not 400 (a parse error).
        assertError(try await call("POST", "/subjects/s/versions", rawBody: "[1]"), status: 422, code: 422)
        assertError(try await call("PUT", "/config", rawBody: #""FULL""#), status: 422, code: 422)
        assertError(try await call("GET", "/no/such/endpoint"), status: 404, code: 404)
        assertError(try await call("PUT", "/subjects"), status: 405, code: 405)

        let conflict = try await register("s", RegistrySchemas.v2Required)
        assertError(conflict, status: 409, code: 409)
        let message = conflict.body?["message"]?.stringValue ?? ""
        XCTAssertTrue(message.contains("\"s\"") && message.contains("READER_FIELD_MISSING_DEFAULT_VALUE"), message)
    }

    func testDeletes() async throws {
        _ = try await register("s", RegistrySchemas.v1)
        _ = try await register("s", RegistrySchemas.v2)
        assertError(try await call("DELETE", "/subjects/s?permanent=true"), status: 404, code: 40405)
        assertError(try await call("DELETE", "/subjects/s/versions/1?permanent=true"), status: 404, code: 40407)
        try await expect("DELETE", "/subjects/s/versions/1", 1)
        assertError(try await call("DELETE", "/subjects/s/versions/1"), status: 404, code: 40406)
        try await expect("GET", "/subjects/s/versions", [2])
        try await expect("GET", "/subjects/s/versions?deleted=true", [1, 2])
        try await expect("DELETE", "/subjects/s/versions/1?permanent=true", 1)
        try await expect("DELETE", "/subjects/s", [2])
        assertError(try await call("DELETE", "/subjects/s"), status: 404, code: 40404)
        try await expect("GET", "/subjects", [])
        try await expect("GET", "/subjects?deleted=true", ["s"])
        try await expect("GET", "/schemas/ids/1", ["schema": .string(RegistrySchemas.v1)], "ids stay resolvable after deletes")
        try await expect("DELETE", "/subjects/s?permanent=true", [2])
        assertError(try await call("DELETE", "/subjects/s"), status: 404, code: 40401)
        assertError(try await call("DELETE", "/subjects/s/versions/2"), status: 404, code: 40401)
    }

    func testConfig() async throws {
        try await expect("GET", "/config", ["compatibilityLevel": "BACKWARD"])
        try await expect("PUT", "/config", body: ["compatibility": "full_transitive"], ["compatibility": "FULL_TRANSITIVE"])
        try await expect("GET", "/config", ["compatibilityLevel": "FULL_TRANSITIVE"])
        try await expect("GET", "/config/s?defaultToGlobal=true", ["compatibilityLevel": "FULL_TRANSITIVE"])
        try await expect("PUT", "/config/s", body: ["compatibility": "NONE"], ["compatibility": "NONE"])
        try await expect("GET", "/config/s", ["compatibilityLevel": "NONE"])
        try await expect("DELETE", "/config/s", ["compatibilityLevel": "NONE"])
        assertError(try await call("GET", "/config/s"), status: 404, code: 40408)
        try await expect("DELETE", "/config", ["compatibilityLevel": "FULL_TRANSITIVE"])
        try await expect("GET", "/config", ["compatibilityLevel": "BACKWARD"])
    }

    func testCompatibilityEndpoint() async throws {
        _ = try await register("s", RegistrySchemas.v1)
        _ = try await register("s", RegistrySchemas.v2)
        let ok = try await call("POST", "/compatibility/subjects/s/versions/latest", body: schemaBody(RegistrySchemas.v2Required))
        XCTAssertEqual(ok.body, ["is_compatible": true])
        let bad = try await call("POST", "/compatibility/subjects/s/versions/1?verbose=true", body: schemaBody(RegistrySchemas.v2Required))
        XCTAssertEqual(bad.body?["is_compatible"], false)
        guard case .array(let messages)? = bad.body?["messages"] else { return XCTFail(bad.text) }
        XCTAssertFalse(messages.isEmpty)
        try await expect("POST", "/compatibility/subjects/s/versions", body: schemaBody(RegistrySchemas.v2Required), ["is_compatible": true], "BACKWARD: only the latest version")
        _ = try await call("PUT", "/config/s", body: ["compatibility": "BACKWARD_TRANSITIVE"])
        try await expect("POST", "/compatibility/subjects/s/versions", body: schemaBody(RegistrySchemas.v2Required), ["is_compatible": false], "BACKWARD_TRANSITIVE: every version")
        // Confluent (CompatibilityResource): a version of a missing subject is 40402, not 40401;
        // `latest` of a missing subject is compatible.
        assertError(try await call("POST", "/compatibility/subjects/nope/versions/1", body: schemaBody(RegistrySchemas.v1)), status: 404, code: 40402)
        try await expect("POST", "/compatibility/subjects/nope/versions/latest", body: schemaBody(RegistrySchemas.v1), ["is_compatible": true])
        assertError(try await call("POST", "/compatibility/subjects/s/versions/9", body: schemaBody(RegistrySchemas.v1)), status: 404, code: 40402)
        assertError(try await call("POST", "/compatibility/subjects/s/versions/latest", body: schemaBody("nope")), status: 422, code: 42201)
    }

    // MARK: identity, compact text, listing, content negotiation

    func testOneSchemaHowEverSpelledIsOneIdAndOneVersion() async throws {
        let first = try await register("s", #""string""#).body
        XCTAssertEqual(first, ["id": 1])
        let respelled = try await register("s", #"{"type":"string"}"#).body
        XCTAssertEqual(respelled, ["id": 1])
        try await expect("GET", "/subjects/s/versions", [1])
        let otherSubject = try await register("t", #"{ "type": "string" }"#).body
        XCTAssertEqual(otherSubject, ["id": 1], "another subject reuses the id")
        let namedInt = try await register("i", #"{"type":"int","name":"x"}"#).body
        XCTAssertEqual(namedInt, ["id": 2])
        let found = try await call("POST", "/subjects/i", body: schemaBody(#"{"type":"int"}"#))
        XCTAssertEqual(found.body, ["subject": "i", "version": 1, "id": 2, "schema": #"{"type":"int","name":"x"}"#])
        // connect.* properties keep schemas apart.
        let named = #"{"type":"record","name":"r","connect.name":"a.r","fields":[{"name":"a","type":"int"}]}"#
        let renamed = #"{"type":"record","name":"r","connect.name":"b.r","fields":[{"name":"a","type":"int"}]}"#
        let namedRecord = try await register("c", named).body
        XCTAssertEqual(namedRecord, ["id": 3])
        let renamedRecord = try await register("c", renamed).body
        XCTAssertEqual(renamedRecord, ["id": 4])
        try await expect("GET", "/subjects/c/versions", [1, 2])
    }

    /// A Debezium envelope from cdcctl's own encoder, looked up the way Confluent's AvroConverter
    /// does: in Avro Java's printed form (namespace inlined, redundant nested namespaces dropped,
    /// other member order, `{"type":"string"}` for "string").
    func testLookUpOfTheEncodersSchemaInCanonicalText() async throws {
        let columns = [
            Column(name: "id", type: .int64, typeName: "bigint", nullable: false, primaryKeyPosition: 1),
            Column(name: "note", type: .text, typeName: "text", nullable: true, primaryKeyPosition: nil),
            Column(name: "amount", type: .numeric(precision: 10, scale: 2), typeName: "numeric(10,2)", nullable: true, primaryKeyPosition: nil),
        ]
        let encoded = DebeziumAvroSchema(prefix: "srv", table: TableName(schema: "shop", table: "orders"), columns: columns).value.text
        let id = try await register("srv.shop.orders-value", encoded).body?["id"]
        let variant = try XCTUnwrap(AvroJavaStyle.respell(encoded))
        XCTAssertTrue(variant.hasPrefix(#"{"type":"record","name":"srv.shop.orders.Envelope","#), variant)
        XCTAssertFalse(variant.contains(#""namespace":"srv.shop.orders""#), variant)
        XCTAssertTrue(variant.contains(#"[{"type":"null"},"srv.shop.orders.Value"]"#) && variant.contains(#"{"type":"string"}"#), variant)
        let found = try await call("POST", "/subjects/srv.shop.orders-value", body: schemaBody(variant))
        XCTAssertEqual(found.status, 200, found.text)
        XCTAssertEqual(found.body?["id"], id)
        XCTAssertEqual(found.body?["version"], 1)
        XCTAssertEqual(found.body?["schema"]?.stringValue, encoded, "the schema as registered")
        let reRegistered = try await register("srv.shop.orders-value", variant).body?["id"]
        XCTAssertEqual(reRegistered, id)
        try await expect("GET", "/subjects/srv.shop.orders-value/versions", [1])
    }

    func testSchemasAreReturnedCompact() async throws {
        let pretty = "{\n  \"type\" : \"record\",\n  \"name\" : \"r\",\n  \"fields\" : [ { \"name\" : \"a\", \"type\" : \"int\" } ]\n}"
        let registered = try await register("s", pretty).body
        XCTAssertEqual(registered, ["id": 1])
        let compact = RegistrySchemas.v1
        try await expect("GET", "/schemas/ids/1", ["schema": .string(compact)])
        let rawByID = try await call("GET", "/schemas/ids/1/schema").text
        XCTAssertEqual(rawByID, compact)
        let byVersion = try await call("GET", "/subjects/s/versions/1").body?["schema"]
        XCTAssertEqual(byVersion, .string(compact))
        let rawByVersion = try await call("GET", "/subjects/s/versions/latest/schema").text
        XCTAssertEqual(rawByVersion, compact)
        let lookedUp = try await call("POST", "/subjects/s", body: schemaBody(pretty)).body?["schema"]
        XCTAssertEqual(lookedUp, .string(compact))
        let listed = try await call("GET", "/schemas").body
        XCTAssertEqual(listed, [["subject": "s", "version": 1, "id": 1, "schema": .string(compact)]])
    }

    func testListingSchemas() async throws {
        _ = try await register("b", RegistrySchemas.v1)
        _ = try await register("b", RegistrySchemas.v2)
        _ = try await register("a", #""string""#)
        _ = try await register("c", #""int""#)
        _ = try await call("DELETE", "/subjects/c")
        func entry(_ subject: String, _ version: Int64, _ id: Int64, _ schema: String) -> AvroJSONValue {
            ["subject": .string(subject), "version": .integer(version), "id": .integer(id), "schema": .string(schema)]
        }
        let a1 = entry("a", 1, 3, #""string""#), b1 = entry("b", 1, 1, RegistrySchemas.v1), b2 = entry("b", 2, 2, RegistrySchemas.v2)
        try await expect("GET", "/schemas", .array([a1, b1, b2]))
        try await expect("GET", "/schemas?subjectPrefix=b", .array([b1, b2]))
        try await expect("GET", "/schemas?latestOnly=true", .array([a1, b2]))
        try await expect("GET", "/schemas?deleted=true&subjectPrefix=c", .array([entry("c", 1, 4, #""int""#)]))
        try await expect("GET", "/schemas?offset=1&limit=1", .array([b1]))
        assertError(try await call("POST", "/schemas", body: schemaBody(#""int""#)), status: 405, code: 405)
    }

    func testContentNegotiation() async throws {
        for accept in ["application/vnd.schemaregistry.v1+json", "application/vnd.schemaregistry+json", "application/json", "*/*",
                       "text/html;q=0.9, application/json", "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json"] {
            let reply = try await call("GET", "/config", headers: ["Accept": accept])
            XCTAssertEqual(reply.status, 200, accept)
            XCTAssertEqual(reply.body, ["compatibilityLevel": "BACKWARD"], accept)
        }
        let jsonType = try await call("GET", "/config", headers: ["Accept": "application/json"]).contentType
        XCTAssertEqual(jsonType, "application/json")
        let anyType = try await call("GET", "/config", headers: ["Accept": "*/*"]).contentType
        XCTAssertEqual(anyType, "application/vnd.schemaregistry.v1+json")
        for accept in ["text/html", "application/xml", "application/json;q=0"] {
            assertError(try await call("GET", "/config", headers: ["Accept": accept]), status: 406, code: 406)
        }
        // A body of another type is refused and changes nothing.
        assertError(try await call("PUT", "/config", body: ["compatibility": "NONE"], headers: ["Content-Type": "text/html"]), status: 415, code: 415)
        try await expect("GET", "/config", ["compatibilityLevel": "BACKWARD"])
        assertError(try await call("POST", "/subjects/s/versions", body: schemaBody(#""int""#), headers: ["Content-Type": "application/x-www-form-urlencoded"]),
                    status: 415, code: 415)
        assertError(try await call("GET", "/subjects/s/versions"), status: 404, code: 40401)
        for type in ["application/json", "application/json; charset=utf-8", "application/vnd.schemaregistry+json"] {
            let status = try await call("PUT", "/config", body: ["compatibility": "FULL"], headers: ["Content-Type": type]).status
            XCTAssertEqual(status, 200, type)
        }
    }

    func testSubjectNamesArePercentDecoded() async throws {
        let reply = try await register("team%2Forders%20value", RegistrySchemas.v1)
        XCTAssertEqual(reply.body, ["id": 1])
        try await expect("GET", "/subjects", ["team/orders value"])
        let version = try await call("GET", "/subjects/team%2Forders%20value/versions/1")
        XCTAssertEqual(version.body?["subject"], "team/orders value")
    }

    // MARK: restart, concurrency, other clients

    func testARestartKeepsEveryIdAndVersion() async throws {
        var before: [String: AvroJSONValue] = [:]
        for (subject, schema) in [("a", RegistrySchemas.v1), ("a", RegistrySchemas.v2), ("b", #""string""#), ("c", RegistrySchemas.v1)] {
            _ = try await register(subject, schema)
        }
        _ = try await call("PUT", "/config/b", body: ["compatibility": "NONE"])
        _ = try await call("DELETE", "/subjects/c")
        for path in ["/subjects/a/versions/1", "/subjects/a/versions/2", "/subjects/b/versions/latest", "/schemas/ids/1", "/schemas/ids/2", "/schemas/ids/3"] {
            before[path] = try await call("GET", path).body
        }
        let oldBase = base
        await stopServer()
        try await startServer()
        XCTAssertNotEqual(base, oldBase, "a new port")
        for (path, body) in before {
            try await expect("GET", path, body, path)
        }
        try await expect("GET", "/subjects", ["a", "b"])
        try await expect("GET", "/config/b", ["compatibilityLevel": "NONE"])
        let reRegistered = try await register("c", RegistrySchemas.v1)
        XCTAssertEqual(reRegistered.body, ["id": 1])
        try await expect("GET", "/subjects/c/versions", [2])
        let fresh = try await register("d", #""bytes""#)
        XCTAssertEqual(fresh.body, ["id": 4])
    }

    func testConcurrentRegistrationsOfOneSchemaGetOneId() async throws {
        let ids = try await withThrowingTaskGroup(of: AvroJSONValue?.self) { group in
            for i in 0..<24 {
                let base = self.base
                group.addTask {
                    try await Self.registerConcurrently(base: base, subject: i % 3 == 0 ? "x" : "y", schema: RegistrySchemas.v2)
                }
            }
            var all: [AvroJSONValue?] = []
            for try await id in group { all.append(id) }
            return all
        }
        XCTAssertEqual(ids.count, 24)
        XCTAssertEqual(Set(ids.map { $0?.jsonText ?? "nil" }), ["1"])
        try await expect("GET", "/subjects/x/versions", [1])
        try await expect("GET", "/subjects/y/versions", [1])
    }

    /// cdcctl's own registry client (written against Confluent's API) talks to the server.
    func testTheProjectsRegistryClientWorksAgainstIt() throws {
        let client = try SchemaRegistryClient(url: base, attempts: 1)
        let id = try client.register(subject: "client-value", schema: RegistrySchemas.v1)
        XCTAssertEqual(id, 1)
        XCTAssertEqual(try client.register(subject: "client-value", schema: RegistrySchemas.v1), 1)
        XCTAssertEqual(try SchemaRegistryClient(url: base, attempts: 1).schema(id: id), RegistrySchemas.v1)
    }

    func testAPortInUseIsAOneLineError() async throws {
        let port = try XCTUnwrap(URL(string: base)?.port)
        let other = try RegistryHTTPServer(store: RegistryStore(), listen: try RegistryListenAddress(parsing: "127.0.0.1:\(port)"))
        do {
            try await other.start()
            XCTFail("started on a port in use")
            await other.stop()
        } catch {
            XCTAssertEqual("\(error)", "cannot listen on 127.0.0.1:\(port): the address is already in use")
        }
    }

    func testListenAddresses() throws {
        XCTAssertEqual(try RegistryListenAddress(parsing: "127.0.0.1:18081").port, 18081)
        XCTAssertEqual(try RegistryListenAddress(parsing: "localhost:1").host, "127.0.0.1")
        XCTAssertEqual(try RegistryListenAddress(parsing: "[::1]:8081").description, "[::1]:8081")
        XCTAssertEqual(try RegistryListenAddress(parsing: "0.0.0.0:0").port, 0)
        for bad in ["18081", "127.0.0.1", "127.0.0.1:x", "127.0.0.1:70000", "example.com:80", ":80", "[nope]:1"] {
            XCTAssertThrowsError(try RegistryListenAddress(parsing: bad), bad) { error in
                XCTAssertTrue("\(error)".hasPrefix("invalid listen address '\(bad)'"), "\(error)")
            }
        }
    }
}
