import CRdKafka

/// A failure talking to Kafka, worded for the person running cdcctl: what was being done, on
/// which topic or broker, and librdkafka's own message, on one line. Never carries a password.
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    /// librdkafka's error code (`rd_kafka_resp_err_t`), when the failure came with one.
    public let code: Int32?
    /// The one-line description.
    public let message: String
    /// librdkafka says the same call may succeed if tried again (e.g. a commit that timed out).
    public var isRetriable = false
    /// librdkafka says the current transaction must be aborted.
    public var requiresAbort = false

    /// Creates an error from a context ("cannot fetch metadata for topic t") and a detail.
    public init(_ context: String, detail: String? = nil, code: Int32? = nil) {
        self.code = code
        message = ErrorMessage.joining(context, detail: detail, oneLine: KafkaError.oneLine)
    }

    /// Creates an error from a context and a librdkafka error code, described by `rd_kafka_err2str`.
    init(_ context: String, code: rd_kafka_resp_err_t) {
        self.init(context, detail: KafkaError.describe(code), code: code.rawValue)
    }

    public var description: String { message }

    /// librdkafka's text for an error code, e.g. "Broker: Unknown topic or partition".
    static func describe(_ code: rd_kafka_resp_err_t) -> String {
        String(cString: rd_kafka_err2str(code))
    }

    /// Turns an `rd_kafka_error_t` into a `KafkaError` and destroys it (the caller owned it).
    static func consuming(_ error: OpaquePointer, context: String) -> KafkaError {
        defer { rd_kafka_error_destroy(error) }
        let detail = rd_kafka_error_string(error).map { String(cString: $0) }
        var result = KafkaError(context, detail: detail, code: rd_kafka_error_code(error).rawValue)
        result.isRetriable = rd_kafka_error_is_retriable(error) != 0
        result.requiresAbort = rd_kafka_error_txn_requires_abort(error) != 0
        return result
    }

    /// librdkafka's messages may span lines; scripts want one.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\t" })
            .map { String($0) }
            .joined(separator: " ")
    }
}
