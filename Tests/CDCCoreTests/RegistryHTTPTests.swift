import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import AvroCodec
import XCTest
@testable import CDCCore

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
    private func call(_ method: String, _ path: String, body: AvroJSONValue? = nil, rawBody: String? = nil) async throws -> Reply {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        if let text = rawBody ?? body?.jsonText {
            request.httpBody = Data(text.utf8)
            request.setValue("application/vnd.schemaregistry.v1+json", forHTTPHeaderField: "Content-Type")
        }
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
        assertError(try await call("GET", "/schemas/ids/x"), status: 404, code: 40403)
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
        assertError(try await call("POST", "/compatibility/subjects/nope/versions/latest", body: schemaBody(RegistrySchemas.v1)), status: 404, code: 40401)
        assertError(try await call("POST", "/compatibility/subjects/s/versions/9", body: schemaBody(RegistrySchemas.v1)), status: 404, code: 40402)
        assertError(try await call("POST", "/compatibility/subjects/s/versions/latest", body: schemaBody("nope")), status: 422, code: 42201)
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
                group.addTask {
                    try await self.register(i % 3 == 0 ? "x" : "y", RegistrySchemas.v2).body?["id"]
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
