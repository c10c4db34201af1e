/// A failure talking to the schema registry, or its definite answer that something does not exist.
public struct RegistryClientError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure it was.
    public enum Kind: Sendable, Equatable {
        /// The registry answered 404 with one of Confluent's "not found" codes (40401–40403).
        case notFound
        /// The registry answered with another 4xx, or with something that is not a registry answer.
        case refused
        /// No usable answer within the retry bound: connection failures, timeouts, 5xx.
        case unavailable
    }

    /// The kind of failure.
    public let kind: Kind
    /// The one-line description, naming the registry (without credentials) and the subject or id.
    public let description: String
    /// Why, without the registry or the subject ("connection refused (5 attempts in 3.9 s)").
    public let reason: String
    /// The HTTP status of an answer, when there was one.
    public let status: Int?
    /// Confluent's `error_code` of an answer, when it had one (40403: schema not found).
    public let errorCode: Int?

    init(_ kind: Kind, _ description: String, reason: String? = nil, status: Int? = nil, errorCode: Int? = nil) {
        self.kind = kind
        self.description = description
        self.reason = reason ?? description
        self.status = status
        self.errorCode = errorCode
    }

    /// The registry's definite "no schema with this id" (HTTP 404, error 40403).
    public var isUnknownSchemaID: Bool { kind == .notFound && errorCode == 40403 }
}
