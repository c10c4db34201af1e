import AvroCodec
import Dispatch
import FlyingFox
import Foundation

/// Routes one request to the store and encodes the answer (Confluent's paths and shapes).
struct RegistryHTTPHandler: HTTPHandler {
    static let contentType = RegistryMediaTypes.preferred

    let store: RegistryStore
    let log: (@Sendable (String) -> Void)?
    /// Store calls block (a lock, fsync): they run here, not on the concurrency pool.
    private let queue = DispatchQueue(label: "cdcctl.registry.store")

    init(store: RegistryStore, log: (@Sendable (String) -> Void)?) {
        self.store = store
        self.log = log
    }

    enum Reply {
        case json(AvroJSONValue)
        /// Already JSON text (a schema as registered).
        case raw(String)
    }

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        let start = DispatchTime.now().uptimeNanoseconds
        let rawPath = request.target.path(percentEncoded: true)
        let segments = rawPath.split(separator: "/", omittingEmptySubsequences: true).map {
            String($0).removingPercentEncoding ?? String($0)
        }
        let query = Self.parseQuery(request.target.query(percentEncoded: true))
        let method = request.method.rawValue.uppercased()
        let body = (try? await request.bodyData) ?? Data()

        let store = self.store
        let responseType = RegistryMediaTypes.responseType(accept: request.headers[HTTPHeader("Accept")])
        let result: Result<Reply, any Error>
        if (method == "POST" || method == "PUT") && !RegistryMediaTypes.canRead(contentType: request.headers[.contentType]) {
            result = .failure(RegistryError.unsupportedMediaType)
        } else if responseType == nil {
            result = .failure(RegistryError.notAcceptable)
        } else {
            result = await withCheckedContinuation { continuation in
                queue.async {
                    continuation.resume(returning: Result {
                        try Self.route(method: method, segments, query: query, body: body, store: store)
                    })
                }
            }
        }
        var status = 200
        let text: String
        switch result {
        case .success(.json(let json)): text = json.jsonText
        case .success(.raw(let raw)): text = raw
        case .failure(let error as RegistryError):
            status = error.httpStatus
            text = error.json.jsonText
        case .failure(let error):
            let wrapped = RegistryError(httpStatus: 500, errorCode: 50001, message: "Internal error: \(error)")
            status = 500
            text = wrapped.json.jsonText
        }
        if let log {
            let millis = Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
            var line = "registry: \(method) \(request.target.rawValue) \(status) \(String(format: "%.1f", millis)) ms"
            if case .failure(let error as RegistryError) = result { line += " (\(error.errorCode) \(error.message))" }
            log(line)
        }
        var headers = HTTPHeaders()
        headers[.contentType] = responseType ?? Self.contentType
        // One request per connection. FlyingFox writes a response's head and body separately
        // and can't set TCP_NODELAY, so on a kept-alive connection the body waits for the
        // client's delayed ACK (~40 ms a request); a fresh local connection costs ~0.1 ms.
        headers[.connection] = "close"
        return HTTPResponse(statusCode: Self.statusCode(status), headers: headers, body: Data(text.utf8))
    }

    static func statusCode(_ code: Int) -> HTTPStatusCode {
        switch code {
        case 200: return .ok
        case 400: return .badRequest
        case 404: return .notFound
        case 405: return .methodNotAllowed
        case 406: return .notAcceptable
        case 415: return .unsupportedMediaType
        case 409: return .conflict
        case 422: return .unprocessableContent
        default: return .internalServerError
        }
    }

    static func parseQuery(_ raw: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in raw.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let spaced = s.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            result[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return result
    }

    // MARK: routing

    static func route(method: String, _ path: [String], query: [String: String], body: Data, store: RegistryStore) throws -> Reply {
        func flag(_ name: String) -> Bool { query[name]?.lowercased() == "true" }
        func only(_ allowed: String...) throws {
            guard allowed.contains(method) else { throw RegistryError.methodNotAllowed }
        }
        func versionJSON(_ v: RegistrySubjectVersion) -> AvroJSONValue {
            .object(["subject": .string(v.subject), "version": .integer(Int64(v.version)), "id": .integer(Int64(v.id)), "schema": .string(v.schema)])
        }
        func level(_ key: String, _ level: CompatibilityLevel) -> AvroJSONValue { .object([key: .string(level.rawValue)]) }
        func schemaID(_ text: String) throws -> Int {
            // Not an int: the path matches no resource (Confluent's JAX-RS answers a bare 404).
            guard let id = Int(text), id <= Int(Int32.max) else { throw RegistryError.endpointNotFound }
            guard id > 0 else { throw RegistryError.schemaNotFound() }
            return id
        }
        func number(_ name: String) throws -> Int? {
            guard let text = query[name], !text.isEmpty else { return nil }
            guard let n = Int(text) else { throw RegistryError.endpointNotFound }
            return n
        }

        if path.isEmpty {
            try only("GET")
            return .json(.object([:]))
        }

        switch (path[0], path.count) {
        case ("subjects", 1):
            try only("GET")
            let names = store.subjects(includeDeleted: flag("deleted"), prefix: query["subjectPrefix"] ?? "")
            return .json(.array(names.map { .string($0) }))

        case ("subjects", 2):
            let subject = path[1]
            switch method {
            case "POST":
                let found = try store.lookup(subject: subject, try schemaInput(body), includeDeleted: flag("deleted"))
                return .json(versionJSON(found))
            case "DELETE":
                let versions = try store.deleteSubject(subject, permanent: flag("permanent"))
                return .json(.array(versions.map { .integer(Int64($0)) }))
            default:
                throw RegistryError.methodNotAllowed
            }

        case ("subjects", 3) where path[2] == "versions":
            let subject = path[1]
            switch method {
            case "GET":
                let numbers = try store.versionNumbers(subject: subject, includeDeleted: flag("deleted"))
                return .json(.array(numbers.map { .integer(Int64($0)) }))
            case "POST":
                let registered = try store.register(subject: subject, try schemaInput(body))
                return .json(.object(["id": .integer(Int64(registered.id))]))
            default:
                throw RegistryError.methodNotAllowed
            }

        case ("subjects", 4) where path[2] == "versions":
            let subject = path[1]
            let selector = try RegistryVersionSelector(parsing: path[3])
            switch method {
            case "GET":
                return .json(versionJSON(try store.version(subject: subject, selector, includeDeleted: flag("deleted"))))
            case "DELETE":
                let deleted = try store.deleteVersion(subject: subject, selector, permanent: flag("permanent"))
                return .json(.integer(Int64(deleted)))
            default:
                throw RegistryError.methodNotAllowed
            }

        case ("subjects", 5) where path[2] == "versions" && path[4] == "schema":
            try only("GET")
            let selector = try RegistryVersionSelector(parsing: path[3])
            return .raw(try store.version(subject: path[1], selector, includeDeleted: flag("deleted")).schema)

        case ("schemas", 1):
            // Confluent's `GET /schemas`: subjectPrefix, deleted, latestOnly, offset, limit (-1: all).
            try only("GET")
            let all = store.allVersions(prefix: query["subjectPrefix"] ?? "", includeDeleted: flag("deleted"), latestOnly: flag("latestOnly"))
            let offset = max(0, try number("offset") ?? 0)
            let limit = try number("limit") ?? -1
            let page = all.dropFirst(offset).prefix(limit < 0 ? Int.max : limit)
            return .json(.array(page.map(versionJSON)))

        case ("schemas", 2) where path[1] == "types":
            try only("GET")
            return .json(.array([.string("AVRO")]))

        case ("schemas", 3) where path[1] == "ids":
            try only("GET")
            return .json(.object(["schema": .string(try store.schema(id: try schemaID(path[2])))]))

        case ("schemas", 4) where path[1] == "ids":
            try only("GET")
            let id = try schemaID(path[2])
            switch path[3] {
            case "schema":
                return .raw(try store.schema(id: id))
            case "subjects":
                let subjects = try store.usages(ofSchema: id, includeDeleted: flag("deleted")).map(\.subject)
                var seen = Set<String>()
                return .json(.array(subjects.filter { seen.insert($0).inserted }.map { .string($0) }))
            case "versions":
                let usages = try store.usages(ofSchema: id, includeDeleted: flag("deleted"))
                return .json(.array(usages.map { .object(["subject": .string($0.subject), "version": .integer(Int64($0.version))]) }))
            default:
                throw RegistryError.endpointNotFound
            }

        case ("config", 1):
            switch method {
            case "GET":
                return .json(level("compatibilityLevel", store.globalCompatibility))
            case "PUT":
                let newLevel = try compatibilityLevel(body)
                try store.setGlobalCompatibility(newLevel)
                return .json(level("compatibility", newLevel))
            case "DELETE":
                return .json(level("compatibilityLevel", try store.resetGlobalCompatibility()))
            default:
                throw RegistryError.methodNotAllowed
            }

        case ("config", 2):
            let subject = path[1]
            switch method {
            case "GET":
                return .json(level("compatibilityLevel", try store.compatibility(subject: subject, defaultToGlobal: flag("defaultToGlobal"))))
            case "PUT":
                let newLevel = try compatibilityLevel(body)
                try store.setCompatibility(subject: subject, newLevel)
                return .json(level("compatibility", newLevel))
            case "DELETE":
                return .json(level("compatibilityLevel", try store.deleteCompatibility(subject: subject)))
            default:
                throw RegistryError.methodNotAllowed
            }

        case ("compatibility", 4) where path[1] == "subjects" && path[3] == "versions",
             ("compatibility", 5) where path[1] == "subjects" && path[3] == "versions":
            try only("POST")
            let selector = path.count == 5 ? try RegistryVersionSelector(parsing: path[4]) : nil
            let result = try store.testCompatibility(subject: path[2], version: selector, try schemaInput(body))
            var answer: [String: AvroJSONValue] = ["is_compatible": .bool(result.isCompatible)]
            if flag("verbose") { answer["messages"] = .array(result.messages.map { .string($0) }) }
            return .json(.object(answer))

        default:
            throw RegistryError.endpointNotFound
        }
    }

    /// A request body's JSON object: 400 when it isn't JSON (or UTF-8), 422 when it is JSON but
    /// not an object (as Confluent's REST layer: a parse error is 400, a mapping error 422).
    static func jsonObject(_ body: Data) throws -> [String: AvroJSONValue] {
        guard let text = String(data: body, encoding: .utf8), let json = try? AvroJSONValue(parsing: text) else {
            throw RegistryError.badRequest("The request body is not JSON")
        }
        guard case .object(let members) = json else {
            throw RegistryError.unprocessableEntity("The request body is not a JSON object")
        }
        return members
    }

    /// The schema in a request body: `{"schema": "...", "schemaType": "AVRO", "references": []}`.
    static func schemaInput(_ body: Data) throws -> RegistrySchemaInput {
        let members = try jsonObject(body)
        guard case .string(let schema)? = members["schema"] else {
            throw RegistryError.invalidSchema("the request has no \"schema\" string")
        }
        var type: String?
        switch members["schemaType"] {
        case .string(let t)?: type = t
        case .null?, nil: type = nil
        default: throw RegistryError.invalidSchema("\"schemaType\" must be a string")
        }
        var references = 0
        if case .array(let list)? = members["references"] { references = list.count }
        return RegistrySchemaInput(schema: schema, schemaType: type, referenceCount: references)
    }

    /// The level in a config body: `{"compatibility": "FULL"}`.
    static func compatibilityLevel(_ body: Data) throws -> CompatibilityLevel {
        let members = try jsonObject(body)
        guard let text = (members["compatibility"] ?? members["compatibilityLevel"])?.stringValue else {
            throw RegistryError.invalidCompatibilityLevel("")
        }
        guard let level = CompatibilityLevel(parsing: text) else { throw RegistryError.invalidCompatibilityLevel(text) }
        return level
    }
}
