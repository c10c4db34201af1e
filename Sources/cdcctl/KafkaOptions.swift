import ArgumentParser
import CDCCore

/// The Kafka connection flags shared by `consume`, `produce` and `topics` (kcat's -b, -X, -m).
struct KafkaOptions: ParsableArguments {
    @Option(name: [.customShort("b", allowingJoined: true), .customLong("brokers")],
            help: ArgumentHelp("Bootstrap brokers, host:port[,host:port...] (default: $CDCCTL_KAFKA_BROKERS).", valueName: "brokers"))
    var brokers: String?

    @Option(name: [.customShort("X", allowingJoined: true), .customLong("property")],
            help: ArgumentHelp("Set a librdkafka property, e.g. -X session.timeout.ms=6000 (repeatable).", valueName: "prop=val"))
    var properties: [String] = []

    @Option(name: [.customShort("m", allowingJoined: true), .customLong("metadata-timeout")],
            help: ArgumentHelp("How long to wait for metadata and offset lookups (default 5), and for transaction calls when producing (default 60), in seconds.", valueName: "seconds"))
    var metadataTimeout: Double?

    @Flag(name: [.customShort("v"), .customLong("verbose")], help: "Show librdkafka's own log lines on stderr.")
    var verbose = false

    func validate() throws {
        for property in properties where KafkaOptions.split(property) == nil {
            throw ValidationError("invalid -X '\(property)': expected property=value")
        }
        if let metadataTimeout, !(metadataTimeout > 0) { throw ValidationError("-m must be a positive number of seconds") }
    }

    /// The -m timeout in milliseconds, or `defaultSeconds` when -m is not given.
    func timeoutMs(default defaultSeconds: Double = 5) -> Int32 {
        Int32(min((metadataTimeout ?? defaultSeconds) * 1000, Double(Int32.max)))
    }

    /// The connection these flags describe: -b (or $CDCCTL_KAFKA_BROKERS), every -X in order, -v.
    func settings() throws -> KafkaConnectionSettings {
        guard let brokers = brokers ?? Environment.value("CDCCTL_KAFKA_BROKERS") else {
            throw ValidationError("no Kafka brokers given: pass -b host:port or set CDCCTL_KAFKA_BROKERS")
        }
        return KafkaConnectionSettings(brokers: brokers, properties: properties.compactMap(KafkaOptions.split), verbose: verbose)
    }

    /// A configuration: the brokers, quiet logs (unless -v), `defaults`, then every -X in order
    /// (so -X overrides what the command chose).
    func makeConfig(defaults: [(String, String)] = []) throws -> RDKafkaConfig {
        try settings().makeConfig(defaults: defaults)
    }

    /// A -X `property=value` as its two parts; nil without a `=` or with an empty name.
    static func split(_ property: String) -> (String, String)? {
        guard let eq = property.firstIndex(of: "="), eq != property.startIndex else { return nil }
        return (String(property[..<eq]), String(property[property.index(after: eq)...]))
    }
}
