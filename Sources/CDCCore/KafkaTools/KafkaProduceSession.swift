/// What `produce` does with each input record.
public struct KafkaProduceOptions: Sendable {
    /// The topic written to.
    public var topic: String
    /// The partition (-1: librdkafka's partitioner, by key hash).
    public var partition: Int32 = -1
    /// kcat's `-K`: the part of a record before the first occurrence is the key.
    public var keyDelimiter: [UInt8]?
    /// kcat's `-k`: the key of records that have none of their own.
    public var fixedKey: [UInt8]?
    /// Headers added to every message.
    public var headers: [KafkaHeader] = []
    /// kcat's `-Z`: with `-K`, an empty key or value is sent as NULL (an empty value: a tombstone).
    public var emptyAsNull = false
    /// Stop after this many messages.
    public var limit: Int?
    /// How long (ms) transaction calls may wait for the cluster.
    public var transactionTimeout: Int32 = 60_000
    /// kcat's `-m`: how long (ms) to wait for a broker to answer before reading any input.
    public var connectTimeout: Int32 = 5_000

    /// Options for `topic`, everything else at kcat's defaults.
    public init(topic: String) { self.topic = topic }
}

/// How a produce run ended.
public struct KafkaProduceSummary: Equatable, Sendable {
    /// Messages handed to librdkafka.
    public var produced: Int
    /// Messages the broker acknowledged (for a transaction: committed).
    public var delivered: Int
}

/// Produces one message per input record, like `kcat -P`: empty records are skipped; with a
/// transactional producer the whole input is one transaction, committed at the end of the input
/// and aborted on any failure or stop.
public struct KafkaProduceSession {
    private let producer: RDKafkaProducer
    private let options: KafkaProduceOptions
    private let avro: AvroBox?

    /// The Avro encoder's state, mutated from the non-mutating `run`.
    private final class AvroBox {
        var encoder: AvroJSONLineEncoder
        var records = 0
        init(_ encoder: AvroJSONLineEncoder) { self.encoder = encoder }
    }

    /// Creates a session writing with `producer`; with `avroValues`, each value (a JSON text)
    /// is encoded as Avro in Confluent's wire format (`--avro-schema`).
    public init(producer: RDKafkaProducer, options: KafkaProduceOptions, avroValues: AvroJSONLineEncoder? = nil) {
        self.producer = producer
        self.options = options
        avro = avroValues.map(AvroBox.init)
    }

    /// Waits for a broker (up to `connectTimeout`), reads `input` to its end (or until
    /// `shouldStop`), produces, waits for every delivery report, and throws unless every
    /// message was delivered.
    public func run(input: DelimitedInputReader, shouldStop: () -> Bool) throws -> KafkaProduceSummary {
        let topic = options.topic
        let tracker = producer.deliveries
        // Fail within -m when no broker can be reached, instead of queueing the input for
        // message.timeout.ms; once connected, librdkafka's own retries apply.
        try producer.waitForBroker(timeout: options.connectTimeout)
        if producer.isTransactional {
            try producer.initTransactions(timeout: options.transactionTimeout)
            try producer.beginTransaction()
        }
        do {
            var interrupted = false
            reading: while options.limit.map({ tracker.produced < $0 }) ?? true {
                if shouldStop() { interrupted = true; break }
                switch try input.next({ try produce(record: $0) }) {
                case .record, .interrupted: continue
                case .end: break reading
                }
            }
            if interrupted {
                if producer.isTransactional {
                    throw KafkaError("interrupted before the end of \(input.name): transaction aborted, none of the \(tracker.produced) messages to topic \(topic) were committed")
                }
                drain(shouldStop: { false })
                try checkDeliveries()
                throw KafkaError("interrupted before the end of \(input.name) after \(tracker.produced) messages to topic \(topic) (all delivered)")
            }
            if producer.isTransactional {
                try producer.commitTransaction(timeout: options.transactionTimeout)
            } else {
                drain(shouldStop: shouldStop)
            }
        } catch {
            guard producer.isTransactional else {
                drain(shouldStop: shouldStop)
                throw error
            }
            // Failures before the abort explain it; the abort itself purges what is still queued.
            let (failed, firstError) = (tracker.failed, tracker.firstError)
            try? producer.abortTransaction(timeout: options.transactionTimeout)
            if failed > 0 {
                throw KafkaError("\(failed) of \(tracker.produced) messages were not delivered to topic \(topic) (transaction aborted)",
                                 detail: firstError?.message)
            }
            if let error = error as? KafkaError, error.message.hasPrefix("interrupted") { throw error }
            throw KafkaError("transaction aborted, nothing was committed to topic \(topic)", detail: "\(error)")
        }
        try checkDeliveries()
        return KafkaProduceSummary(produced: tracker.produced, delivered: tracker.delivered)
    }

    /// Waits for every delivery report (each message has one within `message.timeout.ms`).
    private func drain(shouldStop: () -> Bool) {
        while producer.deliveries.pending > 0 && !shouldStop() {
            producer.flush(timeout: 100)
        }
        producer.poll(timeout: 0)
    }

    private func checkDeliveries() throws {
        let tracker = producer.deliveries
        let missing = tracker.produced - tracker.delivered
        guard missing == 0 else {
            throw KafkaError("\(missing) of \(tracker.produced) messages were not delivered to topic \(options.topic)",
                             detail: tracker.firstError?.message ?? "no delivery report arrived")
        }
    }

    /// Splits a record into key and value as kcat does and produces it.
    private func produce(record: UnsafeRawBufferPointer) throws {
        guard !record.isEmpty else { return }
        var key: UnsafeRawBufferPointer? = nil
        var value: UnsafeRawBufferPointer? = record
        if let delimiter = options.keyDelimiter, let at = find(delimiter, in: record) {
            key = UnsafeRawBufferPointer(rebasing: record[..<at])
            value = UnsafeRawBufferPointer(rebasing: record[(at + delimiter.count)...])
            if options.emptyAsNull {
                if value?.isEmpty == true { value = nil }
                if key?.isEmpty == true { key = nil }
            }
        }
        if let avro, let json = value {
            avro.records += 1
            let encoded = try avro.encoder.encode(json, number: avro.records)
            try encoded.withUnsafeBytes { try send(key: key, value: $0) }
            return
        }
        try send(key: key, value: value)
    }

    private func send(key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?) throws {
        if key == nil, let fixed = options.fixedKey {
            try fixed.withUnsafeBytes { fixedKey in
                try producer.produce(topic: options.topic, partition: options.partition, keyBuffer: fixedKey, valueBuffer: value, headers: options.headers)
            }
        } else {
            try producer.produce(topic: options.topic, partition: options.partition, keyBuffer: key, valueBuffer: value, headers: options.headers)
        }
    }

    private func find(_ needle: [UInt8], in haystack: UnsafeRawBufferPointer) -> Int? {
        ByteSearch.firstIndex(of: needle, in: haystack)
    }
}
