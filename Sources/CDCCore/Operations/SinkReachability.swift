/// Whether the broker, and for the Avro format the schema registry, that a Kafka sink will use
/// answer: checked by `snapshot` and `stream` before they read or create anything, so an
/// unreachable broker fails the run at once instead of after a slot exists (or never, while
/// the events wait in the producer's queue).
public enum SinkReachability {
    /// Throws `PreflightProblem` (the broker or registry check of `cdcctl check`) when the broker
    /// does not answer a metadata request, or the registry `GET /subjects`, within `timeout` seconds.
    public static func check(_ settings: KafkaSinkSettings, timeout: Double) throws {
        let broker = BrokerProbe.check(brokers: settings.connection.brokers, properties: settings.connection.properties, timeout: timeout)
        if broker.status == .problem { throw PreflightProblem(check: broker) }
        if settings.options.format == .avro, let url = settings.registryURL {
            let registry = RegistryProbe.check(url: url, timeout: timeout)
            if registry.status == .problem { throw PreflightProblem(check: registry) }
        }
    }
}
