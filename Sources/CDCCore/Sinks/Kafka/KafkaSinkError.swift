/// A Kafka sink that cannot be built as configured. The descriptions name what is missing, not
/// how a particular front end spells it: a command line words these with its own flags.
public enum KafkaSinkError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The Avro format was chosen but no schema registry was given.
    case avroNeedsRegistry
    /// Exactly-once delivery was asked of a producer without `transactional.id`, or without a
    /// configuration for reading the committed position back.
    case exactlyOnceNeedsTransactionalProducer

    public var description: String {
        switch self {
        case .avroNeedsRegistry:
            return "the Avro format needs a schema registry"
        case .exactlyOnceNeedsTransactionalProducer:
            return "exactly-once delivery needs a transactional producer (transactional.id)"
        }
    }
}
