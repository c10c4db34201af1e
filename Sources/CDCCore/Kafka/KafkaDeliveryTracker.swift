import CRdKafka

/// Counts the delivery reports of the messages produced with it: how many were delivered, how
/// many failed, and the first failure. Each produced message carries a retained reference as its
/// per-message opaque; librdkafka's `dr_msg_cb` (served by `poll`/`flush` on the producing
/// thread) records the outcome and releases it.
public final class KafkaDeliveryTracker {
    /// Messages handed to librdkafka.
    public private(set) var produced = 0
    /// Messages the broker acknowledged.
    public private(set) var delivered = 0
    /// Messages that failed for good (after librdkafka's retries).
    public private(set) var failed = 0
    /// The first failure, naming the topic and partition.
    public private(set) var firstError: KafkaError?
    /// The topic of the first failed message.
    public private(set) var firstFailedTopic: String?

    /// Creates an empty tracker.
    public init() {}

    /// Messages whose report has not arrived yet.
    public var pending: Int { produced - delivered - failed }

    /// A message was handed to librdkafka.
    func recordProduced() { produced += 1 }

    /// The broker acknowledged a message.
    func recordDelivered() { delivered += 1 }

    /// A message failed for good: `error` says why, `topic` names its topic (the first is kept).
    func recordFailed(_ error: KafkaError, topic: @autoclosure () -> String?) {
        failed += 1
        if firstError == nil {
            firstError = error
            firstFailedTopic = topic()
        }
    }

    /// Records librdkafka's delivery report of one message.
    func recordReport(_ message: rd_kafka_message_t) {
        if message.err == RD_KAFKA_RESP_ERR_NO_ERROR {
            recordDelivered()
            return
        }
        recordFailed(KafkaError(KafkaError.describe(message.err), code: message.err.rawValue),
                     topic: message.rkt.flatMap { rd_kafka_topic_name($0) }.map { String(cString: $0) })
    }
}

/// librdkafka's per-message delivery report callback (`dr_msg_cb`).
func rdKafkaDeliveryReport(_ rk: OpaquePointer?, _ message: UnsafePointer<rd_kafka_message_t>?,
                           _ opaque: UnsafeMutableRawPointer?) {
    guard let message, let token = message.pointee._private else { return }
    let tracker = Unmanaged<KafkaDeliveryTracker>.fromOpaque(token).takeRetainedValue()
    tracker.recordReport(message.pointee)
}
