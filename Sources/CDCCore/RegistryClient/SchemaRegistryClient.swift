import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A Confluent-compatible schema registry client: registers schemas under subjects and fetches
/// schemas by id, caching both ways so the hot path never waits on HTTP for a known schema.
/// 5xx answers and connection failures are retried with backoff; 4xx answers are errors that
/// name the subject and carry the registry's own message.
public final class SchemaRegistryClient: @unchecked Sendable {
    private let base: URL
    private let authorization: String?
    private let session: URLSession
    private let attempts: Int
    private let lock = NSLock()
    private var idsBySubjectSchema: [String: Int32] = [:]
    private var schemasByID: [Int32: String] = [:]

    /// Creates a client for `url` (`http(s)://[user:password@]host:port`); userinfo becomes
    /// basic auth and never appears in messages.
    public init(url: String, attempts: Int = 6, timeout: TimeInterval = 10) throws {
        guard var components = URLComponents(string: url), let scheme = components.scheme, ["http", "https"].contains(scheme),
              components.host != nil else {
            throw RegistryClientError("invalid schema registry URL '\(url)': expected http(s)://host:port")
        }
        if let user = components.user {
            let credentials = "\(user):\(components.password ?? "")"
            authorization = "Basic " + Data(credentials.utf8).base64EncodedString()
            components.user = nil
            components.password = nil
        } else {
            authorization = nil
        }
        guard let base = components.url else { throw RegistryClientError("invalid schema registry URL") }
        self.base = base
        self.attempts = max(1, attempts)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        session = URLSession(configuration: configuration)
    }

    /// The URL without credentials, for messages.
    public var displayURL: String { base.absoluteString }

    /// Registers `schema` (Avro JSON) under `subject` and returns its global id (cached).
    public func register(subject: String, schema: String) throws -> Int32 {
        let cacheKey = subject + "\u{0}" + schema
        if let id = lock.withLock({ idsBySubjectSchema[cacheKey] }) { return id }
        let body = try JSONSerialization.data(withJSONObject: ["schema": schema, "schemaType": "AVRO"])
        let answer = try request("POST", "subjects/\(Self.escape(subject))/versions", body: body, about: "subject \(subject)")
        guard let id = (answer["id"] as? NSNumber)?.int32Value else {
            throw RegistryClientError("schema registry \(displayURL) answered a registration under \(subject) without an id")
        }
        lock.withLock {
            idsBySubjectSchema[cacheKey] = id
            schemasByID[id] = schema
        }
        return id
    }

    /// The schema text with global id `id` (cached).
    public func schema(id: Int32) throws -> String {
        if let schema = lock.withLock({ schemasByID[id] }) { return schema }
        let answer = try request("GET", "schemas/ids/\(id)", body: nil, about: "schema id \(id)")
        guard let schema = answer["schema"] as? String else {
            throw RegistryClientError("schema registry \(displayURL) answered schema id \(id) without a schema")
        }
        lock.withLock { schemasByID[id] = schema }
        return schema
    }

    private static func escape(_ subject: String) -> String {
        subject.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? subject
    }

    private func request(_ method: String, _ path: String, body: Data?, about subject: String) throws -> [String: Any] {
        var delay = 0.2
        var lastFailure = ""
        for attempt in 1...attempts {
            var request = URLRequest(url: base.appendingPathComponent(path))
            request.httpMethod = method
            request.httpBody = body
            request.setValue("application/vnd.schemaregistry.v1+json", forHTTPHeaderField: "Content-Type")
            request.setValue("application/vnd.schemaregistry.v1+json, application/json", forHTTPHeaderField: "Accept")
            if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
            switch perform(request) {
            case .success(let (status, data)) where (200..<300).contains(status):
                return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            case .success(let (status, data)) where (400..<500).contains(status):
                let answer = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
                let code = (answer?["error_code"] as? NSNumber).map { " \($0)" } ?? ""
                let message = answer?["message"] as? String ?? String(decoding: data.prefix(200), as: UTF8.self)
                throw RegistryClientError("schema registry \(displayURL) refused \(subject): HTTP \(status)\(code): \(message)", status: status)
            case .success(let (status, _)):
                lastFailure = "HTTP \(status)"
            case .failure(let error):
                lastFailure = error.localizedDescription
            }
            if attempt < attempts {
                Thread.sleep(forTimeInterval: delay)
                delay = min(delay * 2, 5)
            }
        }
        throw RegistryClientError("schema registry \(displayURL) unavailable for \(subject) after \(attempts) attempts: \(lastFailure)")
    }

    /// One blocking round trip; the registry is called off the hot path, so blocking is fine.
    private func perform(_ request: URLRequest) -> Result<(Int, Data), Error> {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: Result<(Int, Data), Error> = .failure(RegistryClientError("no answer"))
        let task = session.dataTask(with: request) { data, response, error in
            if let error {
                outcome = .failure(error)
            } else {
                outcome = .success(((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data()))
            }
            done.signal()
        }
        task.resume()
        done.wait()
        return outcome
    }
}

/// A failure talking to the schema registry.
public struct RegistryClientError: Error, CustomStringConvertible, Sendable {
    /// The one-line description.
    public let description: String
    /// The HTTP status for a refusal (4xx), when there was one.
    public let status: Int?
    init(_ description: String, status: Int? = nil) {
        self.description = description
        self.status = status
    }
}
