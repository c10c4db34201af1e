import CRdKafka

/// Facts about the librdkafka cdcctl loaded.
public enum KafkaLibrary {
    /// librdkafka's version as loaded at run time (not the headers it was built against).
    public static var version: String { String(cString: rd_kafka_version_str()) }
}
