/// Whether a Kafka cluster answers a metadata request in time: the preflight's broker check.
public enum BrokerProbe {
    /// Asks `brokers` for the cluster's metadata, waiting at most `timeout` seconds; librdkafka
    /// `properties` (`-X`) are applied after cdcctl's defaults. Never throws: a failure is a problem.
    public static func check(brokers: String, properties: [(String, String)], timeout: Double) -> PreflightCheck {
        if ConnectionRefusal.everyAddressRefuses(brokers: brokers, timeout: min(timeout, 2)) {
            return .problem("broker", "Kafka at \(brokers): connection refused (nothing listens there)",
                            fix: "start the broker or pass the right -b host:port")
        }
        do {
            let config = RDKafkaConfig()
            try config.set("bootstrap.servers", brokers)
            try config.set("client.id", "cdcctl-check")
            try config.set("log_level", "0")
            for (key, value) in properties { try config.set(key, value) }
            let consumer = try RDKafkaConsumer(config: config)
            let started = Clock.monotonicSeconds()
            let metadata = try consumer.metadata(topic: nil, timeout: Int32(min(timeout * 1000, Double(Int32.max))))
            let elapsed = Clock.monotonicSeconds() - started
            let brokerCount = metadata.brokers.count
            return .ok("broker", "Kafka at \(brokers) answered a metadata request in \(Int((elapsed * 1000).rounded())) ms: "
                       + "\(brokerCount) broker\(brokerCount == 1 ? "" : "s"), \(metadata.topics.count) topic\(metadata.topics.count == 1 ? "" : "s")")
        } catch {
            return .problem("broker", "Kafka at \(brokers) did not answer a metadata request within \(Self.seconds(timeout)) (\(error))",
                            fix: "start the broker or pass the right -b host:port (its advertised listeners must be reachable from here too)")
        }
    }

    /// `1.25 s`.
    static func seconds(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return fraction == 0 ? "\(hundredths / 100) s" : "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) s"
    }
}
