import AvroCodec
import Dispatch
import FlyingFox
import FlyingSocks
import Foundation
import Glibc

/// A failure to start or run the registry server, worded for the person running it.
public struct RegistryServerError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Where the registry listens: `HOST:PORT`, with an IPv4 address, `[IPv6]` or `localhost`.
/// Port 0 picks a free port.
public struct RegistryListenAddress: Equatable, Sendable, CustomStringConvertible {
    public let host: String
    public let port: UInt16
    let isIPv6: Bool

    public init(parsing text: String) throws {
        let invalid = RegistryServerError("invalid listen address '\(text)': expected HOST:PORT, e.g. 127.0.0.1:18081")
        guard let colon = text.lastIndex(of: ":") else { throw invalid }
        var host = String(text[..<colon])
        guard let port = UInt16(text[text.index(after: colon)...]) else {
            throw RegistryServerError("invalid listen address '\(text)': the port must be a number from 0 to 65535")
        }
        var v6 = false
        if host.hasPrefix("[") && host.hasSuffix("]") && host.count > 2 {
            host = String(host.dropFirst().dropLast())
            v6 = true
        }
        if host == "localhost" { host = "127.0.0.1" }
        var probe = in6_addr()
        if v6 {
            guard inet_pton(AF_INET6, host, &probe) == 1 else {
                throw RegistryServerError("invalid listen address '\(text)': '\(host)' is not an IPv6 address")
            }
        } else if host.isEmpty || inet_pton(AF_INET, host, &probe) != 1 {
            throw RegistryServerError("invalid listen address '\(text)': the host must be an IPv4 address, [IPv6 address] or localhost")
        }
        self.host = host
        self.port = port
        self.isIPv6 = v6
    }

    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// The registry's REST API (Confluent's paths, bodies and error shape) over HTTP/1.1, served by
/// FlyingFox. All logic lives in `RegistryStore`; this type only routes and encodes.
public actor RegistryHTTPServer {
    private let store: RegistryStore
    private let listen: RegistryListenAddress
    private let server: HTTPServer
    private var runTask: Task<Void, Never>?
    private let failure = FailureBox()

    /// - Parameter log: receives one line per request when set (e.g. `-v`).
    public init(store: RegistryStore, listen: RegistryListenAddress, log: (@Sendable (String) -> Void)? = nil) throws {
        self.store = store
        self.listen = listen
        let handler = RegistryHTTPHandler(store: store, log: log)
        let address: any SocketAddress
        do {
            address = listen.isIPv6 ? try sockaddr_in6.inet6(ip6: listen.host, port: listen.port)
                                    : try sockaddr_in.inet(ip4: listen.host, port: listen.port)
        } catch {
            throw RegistryServerError("invalid listen address '\(listen)'")
        }
        server = HTTPServer(config: HTTPServer.Configuration(address: address, timeout: 60, logger: .disabled), handler: handler)
    }

    /// Binds and starts serving; returns once the socket listens. Throws a one-line error when
    /// the address can't be used (port in use, not a local address).
    public func start() async throws {
        guard runTask == nil else { return }
        let server = self.server
        let failure = self.failure
        runTask = Task {
            do { try await server.run() } catch { failure.set(error) }
        }
        for _ in 0..<2000 { // up to 10 s
            if await server.isListening { return }
            if let error = failure.get() {
                runTask = nil
                throw Self.describe(error, listen: listen)
            }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        await stop()
        throw RegistryServerError("cannot listen on \(listen): the server did not start within 10 s")
    }

    /// The port the server listens on (the real one when started on port 0).
    public var port: UInt16? {
        get async {
            switch await server.listeningAddress {
            case .ip4(_, let port)?, .ip6(_, let port)?: return port
            default: return nil
            }
        }
    }

    /// Stops accepting connections, lets running requests finish (0.1 s at most), and returns
    /// once the server is down.
    public func stop() async {
        guard let task = runTask else { return }
        runTask = nil
        await server.stop(timeout: 0.1)
        task.cancel()
        await task.value
    }

    private static func describe(_ error: any Error, listen: RegistryListenAddress) -> RegistryServerError {
        if case SocketError.failed(let type, let code, let message) = error {
            switch code {
            case EADDRINUSE: return RegistryServerError("cannot listen on \(listen): the address is already in use")
            case EADDRNOTAVAIL: return RegistryServerError("cannot listen on \(listen): not an address of this host")
            case EACCES: return RegistryServerError("cannot listen on \(listen): permission denied")
            default: return RegistryServerError("cannot listen on \(listen): \(type): \(message)")
            }
        }
        return RegistryServerError("cannot listen on \(listen): \(error)")
    }

    private final class FailureBox: @unchecked Sendable {
        private let lock = NSLock()
        private var error: (any Error)?
        func set(_ error: any Error) { lock.withLock { self.error = error } }
        func get() -> (any Error)? { lock.withLock { error } }
    }
}

/// Runs `cdcctl registry serve`: opens the store in `dataDirectory`, serves on `listen` until
/// SIGINT or SIGTERM, and then stops cleanly. `onListening` gets the address really used;
/// `log` gets one line per request.
public enum RegistryService {
    public static func serve(listen: String, dataDirectory: String,
                             onListening: @escaping @Sendable (String) -> Void,
                             log: (@Sendable (String) -> Void)?) throws {
        let address = try RegistryListenAddress(parsing: listen)
        let store = try RegistryStore(dataDirectory: dataDirectory)
        let server = try RegistryHTTPServer(store: store, listen: address, log: log)

        let stopRequested = DispatchSemaphore(value: 0)
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { stopRequested.signal() }
            source.resume()
            sources.append(source)
        }
        defer { sources.forEach { $0.cancel() } }

        let outcome = ResultBox()
        let started = DispatchSemaphore(value: 0)
        Task {
            do {
                try await server.start()
                let port = await server.port ?? address.port
                let shown = address.isIPv6 ? "[\(address.host)]:\(port)" : "\(address.host):\(port)"
                onListening("http://\(shown)")
            } catch {
                outcome.set(error)
            }
            started.signal()
        }
        started.wait()
        if let error = outcome.get() { throw error }

        stopRequested.wait()
        let stopped = DispatchSemaphore(value: 0)
        Task {
            await server.stop()
            store.close()
            stopped.signal()
        }
        stopped.wait()
    }

    private final class ResultBox: @unchecked Sendable {
        private let lock = NSLock()
        private var error: (any Error)?
        func set(_ error: any Error) { lock.withLock { self.error = error } }
        func get() -> (any Error)? { lock.withLock { error } }
    }
}

/// Routes one request to the store and encodes the answer (Confluent's paths and shapes).
struct RegistryHTTPHandler: HTTPHandler {
    static let contentType = "application/vnd.schemaregistry.v1+json"

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
        let result: Result<Reply, any Error> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result {
                    try Self.route(method: method, segments, query: query, body: body, store: store)
                })
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
        headers[.contentType] = Self.contentType
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
            guard let id = Int(text), id > 0 else { throw RegistryError.schemaNotFound() }
            return id
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

    /// A request body's JSON object (400 when it isn't one, or isn't UTF-8).
    static func jsonObject(_ body: Data) throws -> [String: AvroJSONValue] {
        guard let text = String(data: body, encoding: .utf8), case .object(let members)? = try? AvroJSONValue(parsing: text) else {
            throw RegistryError.badRequest("The request body is not a JSON object")
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
