import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// How long the registry client keeps trying before a request fails.
public struct RegistryRetryPolicy: Sendable, Equatable {
    /// At most this many attempts.
    public var attempts: Int
    /// Seconds one attempt may wait for the registry's answer.
    public var requestTimeout: Double
    /// Seconds all attempts and the pauses between them may take together.
    public var totalTimeout: Double
    /// The first pause between attempts (doubled after each).
    public var firstBackoff: Double

    /// Creates a policy.
    public init(attempts: Int, requestTimeout: Double, totalTimeout: Double, firstBackoff: Double = 0.5) {
        self.attempts = max(1, attempts)
        self.requestTimeout = requestTimeout
        self.totalTimeout = totalTimeout
        self.firstBackoff = firstBackoff
    }

    /// 5 attempts, 3 s each, 12 s in all, pauses of 0.5, 1, 2, 4 s: a registry restart of a few
    /// seconds is ridden out; a dead registry is an error after 7.5 s, a silent one after 12 s.
    public static let standard = RegistryRetryPolicy(attempts: 5, requestTimeout: 3, totalTimeout: 12)
}

/// A Confluent-compatible schema registry client: registers schemas under subjects and fetches
/// schemas by id, caching both ways so the hot path never waits on HTTP for a known schema.
/// Connection failures, timeouts and 5xx answers are retried with backoff within the
/// `RegistryRetryPolicy`; 4xx answers are errors that name the subject and carry the registry's
/// own message.
public final class SchemaRegistryClient: Sendable {
    private struct Cache {
        var idsBySubjectSchema: [String: Int32] = [:]
        var schemasByID: [Int32: String] = [:]
    }

    private let base: URL
    private let authorization: String?
    private let session: URLSession
    private let policy: RegistryRetryPolicy
    private let cache = Mutex(Cache())

    /// Creates a client for `url` (`http(s)://[user:password@]host:port`); userinfo becomes
    /// basic auth and never appears in messages.
    public init(url: String, policy: RegistryRetryPolicy = .standard) throws {
        guard var components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              ["http", "https"].contains(scheme), components.host?.isEmpty == false else {
            throw RegistryClientError(.refused, "invalid schema registry URL '\(RegistryURL.masked(url))': expected http(s)://host:port")
        }
        if let user = components.user {
            let credentials = "\(user):\(components.password ?? "")"
            authorization = "Basic " + Data(credentials.utf8).base64EncodedString()
            components.user = nil
            components.password = nil
        } else {
            authorization = nil
        }
        guard let base = components.url else {
            throw RegistryClientError(.refused, "invalid schema registry URL '\(RegistryURL.masked(url))'")
        }
        self.base = base
        self.policy = policy
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = policy.requestTimeout
        configuration.timeoutIntervalForResource = policy.totalTimeout
        session = URLSession(configuration: configuration)
    }

    /// A client with the standard policy but at most `attempts` attempts.
    public convenience init(url: String, attempts: Int) throws {
        var policy = RegistryRetryPolicy.standard
        policy.attempts = max(1, attempts)
        try self.init(url: url, policy: policy)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// The URL without credentials, for messages.
    public var displayURL: String { base.absoluteString }

    /// Registers `schema` (Avro JSON) under `subject` and returns its global id (cached).
    public func register(subject: String, schema: String) throws -> Int32 {
        let cacheKey = subject + "\u{0}" + schema
        if let id = cache.withLock({ $0.idsBySubjectSchema[cacheKey] }) { return id }
        let body = try JSONSerialization.data(withJSONObject: ["schema": schema, "schemaType": "AVRO"])
        let answer = try request("POST", "subjects/\(Self.escape(subject))/versions", body: body, about: "subject \(subject)")
        guard let id = (answer["id"] as? NSNumber)?.int32Value else {
            throw RegistryClientError(.refused, "schema registry \(displayURL) answered a registration under \(subject) without an id",
                                      reason: "the answer to the registration has no id")
        }
        cache.withLock {
            $0.idsBySubjectSchema[cacheKey] = id
            $0.schemasByID[id] = schema
        }
        return id
    }

    /// The schema text with global id `id` (cached).
    public func schema(id: Int32) throws -> String {
        if let schema = cache.withLock({ $0.schemasByID[id] }) { return schema }
        let answer = try request("GET", "schemas/ids/\(id)", body: nil, about: "schema id \(id)")
        guard let schema = answer["schema"] as? String else {
            throw RegistryClientError(.refused, "schema registry \(displayURL) answered schema id \(id) without a schema",
                                      reason: "the answer has no schema")
        }
        cache.withLock { $0.schemasByID[id] = schema }
        return schema
    }

    /// The schema text of `subject`'s latest version, nil when the subject has none.
    public func latestSchema(subject: String) throws -> String? {
        do {
            let answer = try request("GET", "subjects/\(Self.escape(subject))/versions/latest", body: nil, about: "subject \(subject)")
            return answer["schema"] as? String
        } catch let error as RegistryClientError where error.kind == .notFound {
            return nil
        }
    }

    private static func escape(_ subject: String) -> String {
        subject.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? subject
    }

    private func request(_ method: String, _ path: String, body: Data?, about subject: String) throws -> [String: Any] {
        let started = Clock.monotonicSeconds()
        let deadline = started + policy.totalTimeout
        var delay = policy.firstBackoff
        var lastFailure = ""
        var attempt = 0
        while true {
            attempt += 1
            let timeout = max(0.1, min(policy.requestTimeout, deadline - Clock.monotonicSeconds()))
            // `path` is already percent-encoded: appendingPathComponent would encode it again
            // (a subject "a b" would arrive as "a%20b").
            let baseText = base.absoluteString.hasSuffix("/") ? String(base.absoluteString.dropLast()) : base.absoluteString
            guard let url = URL(string: baseText + "/" + path) else { throw RegistryClientError(.refused, "cannot form a schema registry URL for \(subject)") }
            var request = URLRequest(url: url)
            request.httpMethod = method
            request.httpBody = body
            request.timeoutInterval = timeout
            request.setValue("application/vnd.schemaregistry.v1+json", forHTTPHeaderField: "Content-Type")
            request.setValue("application/vnd.schemaregistry.v1+json, application/json", forHTTPHeaderField: "Accept")
            if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
            switch perform(request, timeout: timeout) {
            case .success(let (status, data)) where (200..<300).contains(status):
                guard let answer = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
                    throw RegistryClientError(.refused, "schema registry \(displayURL) answered \(subject) with something that is not JSON",
                                              reason: "HTTP \(status) with a body that is not JSON", status: status)
                }
                return answer
            case .success(let (status, data)) where (400..<500).contains(status):
                throw refusal(status: status, data: data, about: subject)
            case .success(let (status, data)):
                lastFailure = Self.answerText(status: status, data: data).text
            case .failure(let failure):
                lastFailure = failure.text
            }
            let now = Clock.monotonicSeconds()
            if attempt >= policy.attempts || now + delay >= deadline { break }
            Clock.sleep(delay)
            delay *= 2
        }
        let elapsed = Clock.monotonicSeconds() - started
        let tries = attempt == 1 ? "1 attempt" : "\(attempt) attempts"
        let reason = "\(lastFailure) (\(tries) in \(String(format: "%.1f", elapsed)) s)"
        throw RegistryClientError(.unavailable, "schema registry \(displayURL) unavailable for \(subject): \(reason)", reason: reason)
    }

    /// "HTTP 500 50001: message", with Confluent's error code and message when the body has them.
    private static func answerText(status: Int, data: Data) -> (text: String, code: Int?) {
        let answer = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        let code = (answer?["error_code"] as? NSNumber)?.intValue
        let message = (answer?["message"] as? String ?? String(decoding: data.prefix(200), as: UTF8.self))
            .split(whereSeparator: \.isNewline).joined(separator: " ")
        return ("HTTP \(status)\(code.map { " \($0)" } ?? "")\(message.isEmpty ? "" : ": " + message)", code)
    }

    /// A 4xx answer as an error carrying the registry's code and message.
    private func refusal(status: Int, data: Data, about subject: String) -> RegistryClientError {
        let (reason, code) = Self.answerText(status: status, data: data)
        let notFound = status == 404 && code.map { (40401...40403).contains($0) } == true
        return RegistryClientError(notFound ? .notFound : .refused, "schema registry \(displayURL) refused \(subject): \(reason)",
                                   reason: reason, status: status, errorCode: code)
    }

    /// One blocking round trip of at most `timeout` seconds; the registry is called off the hot
    /// path, so blocking is fine.
    private func perform(_ request: URLRequest, timeout: Double) -> Result<(Int, Data), TransportFailure> {
        let outcome = RoundTripOutcome<TransportFailure>()
        let requestTimeout = policy.requestTimeout
        let task = session.dataTask(with: request) { data, response, error in
            if let error {
                outcome.finish(.failure(TransportFailure(error, timeout: requestTimeout)))
            } else {
                outcome.finish(.success(((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data())))
            }
        }
        task.resume()
        // URLSession's own timeout should fire first; this bound holds even if it does not.
        if outcome.done.wait(timeout: .now() + timeout + 0.5) == .timedOut {
            task.cancel()
            return .failure(TransportFailure(text: "no answer within \(Self.seconds(policy.requestTimeout)) s"))
        }
        return outcome.result ?? .failure(TransportFailure(text: "no answer"))
    }

    /// `3` or `1.5`, for messages.
    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

}

/// Why a round trip got no HTTP answer, in words (URLSession's texts on Linux are error numbers).
struct TransportFailure: Error, Sendable {
    let text: String

    init(text: String) { self.text = text }

    init(_ error: any Error, timeout: Double) {
        guard let error = error as? URLError else {
            text = error.localizedDescription
            return
        }
        switch error.code {
        case .cannotConnectToHost: text = "connection refused"
        case .timedOut: text = "no answer within \(SchemaRegistryClient.seconds(timeout)) s"
        case .cannotFindHost, .dnsLookupFailed: text = "host not found"
        case .networkConnectionLost: text = "connection closed before an answer"
        case .notConnectedToInternet: text = "network unreachable"
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
             .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            text = "TLS handshake failed"
        case .badServerResponse: text = "an answer that is not HTTP"
        case .cancelled: text = "cancelled"
        default: text = "URL error \(error.code.rawValue)"
        }
    }
}
