import AvroCodec

/// A schema registry error in Confluent's shape: an HTTP status, Confluent's `error_code` and a
/// message, answered as `{"error_code": 40401, "message": "Subject 'x' not found."}`.
public struct RegistryError: Error, Equatable, Sendable, CustomStringConvertible {
    public let httpStatus: Int
    public let errorCode: Int
    public let message: String

    public init(httpStatus: Int, errorCode: Int, message: String) {
        self.httpStatus = httpStatus
        self.errorCode = errorCode
        self.message = message
    }

    public var description: String { "\(errorCode): \(message)" }

    /// The JSON body Confluent's clients parse.
    public var json: AvroJSONValue { .object(["error_code": .integer(Int64(errorCode)), "message": .string(message)]) }

    // MARK: 404

    public static func subjectNotFound(_ subject: String) -> RegistryError {
        RegistryError(httpStatus: 404, errorCode: 40401, message: "Subject '\(subject)' not found.")
    }

    public static func versionNotFound(_ version: Int) -> RegistryError {
        RegistryError(httpStatus: 404, errorCode: 40402, message: "Version \(version) not found.")
    }

    public static func schemaNotFound(id: Int? = nil) -> RegistryError {
        RegistryError(httpStatus: 404, errorCode: 40403, message: id.map { "Schema \($0) not found" } ?? "Schema not found")
    }

    public static func subjectSoftDeleted(_ subject: String) -> RegistryError {
        RegistryError(httpStatus: 404, errorCode: 40404,
                      message: "Subject '\(subject)' was soft deleted. Set permanent=true to delete permanently")
    }

    public static func subjectNotSoftDeleted(_ subject: String) -> RegistryError {
        RegistryError(httpStatus: 404, errorCode: 40405,
                      message: "Subject '\(subject)' was not deleted first before being permanently deleted")
    }

    public static func versionSoftDeleted(_ subject: String, _ version: Int) -> RegistryError {
        RegistryError(httpStatus: 404, errorCode: 40406,
                      message: "Subject '\(subject)' Version \(version) was soft deleted. Set permanent=true to delete permanently")
    }

    public static func versionNotSoftDeleted(_ subject: String, _ version: Int) -> RegistryError {
        RegistryError(httpStatus: 404, errorCode: 40407,
                      message: "Subject '\(subject)' Version \(version) was not deleted first before being permanently deleted")
    }

    public static func subjectCompatibilityNotConfigured(_ subject: String) -> RegistryError {
        RegistryError(httpStatus: 404, errorCode: 40408,
                      message: "Subject '\(subject)' does not have subject-level compatibility configured")
    }

    // MARK: 409 / 422

    public static func incompatibleSchema(_ subject: String, details: [String]) -> RegistryError {
        RegistryError(httpStatus: 409, errorCode: 409,
                      message: "Schema being registered is incompatible with an earlier schema for subject \"\(subject)\", details: [\(details.joined(separator: "; "))]")
    }

    public static func invalidSchema(_ detail: String) -> RegistryError {
        RegistryError(httpStatus: 422, errorCode: 42201, message: "Invalid schema: \(detail)")
    }

    public static func invalidVersion(_ version: String) -> RegistryError {
        RegistryError(httpStatus: 422, errorCode: 42202,
                      message: "The specified version '\(version)' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"")
    }

    public static func invalidCompatibilityLevel(_ level: String) -> RegistryError {
        RegistryError(httpStatus: 422, errorCode: 42203,
                      message: "Invalid compatibility level '\(level)'. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive")
    }

    // MARK: HTTP-level and storage

    public static func badRequest(_ detail: String) -> RegistryError {
        RegistryError(httpStatus: 400, errorCode: 400, message: detail)
    }

    public static let endpointNotFound = RegistryError(httpStatus: 404, errorCode: 404, message: "HTTP 404 Not Found")
    public static let methodNotAllowed = RegistryError(httpStatus: 405, errorCode: 405, message: "HTTP 405 Method Not Allowed")
    public static let notAcceptable = RegistryError(httpStatus: 406, errorCode: 406, message: "HTTP 406 Not Acceptable")
    public static let unsupportedMediaType = RegistryError(httpStatus: 415, errorCode: 415, message: "HTTP 415 Unsupported Media Type")

    /// Well-formed JSON of the wrong shape (e.g. an array where an object belongs): Confluent's
    /// REST layer answers 422 with error code 422, keeping 400 for JSON that doesn't parse.
    public static func unprocessableEntity(_ detail: String) -> RegistryError {
        RegistryError(httpStatus: 422, errorCode: 422, message: detail)
    }

    public static func storage(_ detail: String) -> RegistryError {
        RegistryError(httpStatus: 500, errorCode: 50001, message: "Error in the backend data store: \(detail)")
    }
}
