/// How a client reaches a Kafka cluster: the bootstrap brokers, librdkafka properties set by
/// the user, and whether librdkafka's own log lines are wanted.
public struct KafkaConnectionSettings: Sendable {
    /// Bootstrap brokers, `host:port[,…]`.
    public var brokers: String
    /// librdkafka properties, applied in order after a client's defaults (so they override them).
    public var properties: [(String, String)]
    /// Whether librdkafka logs (level 6) instead of staying quiet.
    public var verbose: Bool

    /// Creates the settings.
    public init(brokers: String, properties: [(String, String)] = [], verbose: Bool = false) {
        self.brokers = brokers
        self.properties = properties
        self.verbose = verbose
    }

    /// A configuration: the brokers, quiet logs (unless verbose), `defaults`, then every
    /// property in order (so the user's properties override what the client chose).
    public func makeConfig(defaults: [(String, String)] = []) throws -> RDKafkaConfig {
        let config = RDKafkaConfig()
        try config.set("bootstrap.servers", brokers)
        try config.set("client.id", "cdcctl")
        // Errors reach the user as one line; librdkafka's logs only when verbose (or with a
        // `debug` property, which raises the level by itself).
        try config.set("log_level", verbose ? "6" : "0")
        for (key, value) in defaults { try config.set(key, value) }
        for (key, value) in properties { try config.set(key, value) }
        return config
    }
}
