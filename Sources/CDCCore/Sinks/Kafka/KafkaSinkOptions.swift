/// How change events become Kafka records.
public struct KafkaSinkOptions: Sendable {
    /// The record encoding.
    public enum Format: String, CaseIterable, Sendable {
        /// Confluent wire format, schemas registered in a schema registry.
        case avro
        /// Debezium JSON (JsonConverter, `schemas.enable=false`), as on stdout.
        case json
    }

    /// The record encoding.
    public var format: Format
    /// The topic of a table's events: `{prefix}`, `{schema}` and `{table}` are replaced.
    public var topicTemplate: String
    /// Send a tombstone (same key, null value) after each delete of a table with a key (the
    /// Debezium envelope; a flat record's deletes follow `FlatRecord.deletes`).
    public var tombstones = true
    /// The record each change becomes (`--envelope`).
    public var envelope = EventEnvelope.debezium
    /// Create missing topics with this many partitions.
    public var partitions: Int32 = 1
    /// … and this replication factor (-1: the broker's default).
    public var replicationFactor: Int32 = 1
    /// Whether to create topics at all (a cluster may forbid or pre-create them).
    public var createTopics = true
    /// The reader pauses while this many messages wait for the broker.
    public var maxQueuedMessages = 50_000
    /// How Avro schemas are named in the registry.
    public var subjectStrategy = SubjectNameStrategy.topic
    /// Where BEGIN/END records of each transaction go (Debezium's transaction metadata, which
    /// also fills the envelope's `transaction` block), or nil for none.
    public var transactionTopic: String?
    /// Exactly-once delivery (a transactional producer), or nil for at-least-once.
    public var exactlyOnce: ExactlyOnce?
    /// A snapshot's rows are committed in Kafka transactions of at most this many messages.
    public var snapshotTransactionSize = 10_000
    /// Whether the sink serves a `snapshot` run, which has no slot: a failure then means the
    /// snapshot must be run again, not that a slot stays behind.
    public var isSnapshot = false
    /// `--outbox`: the outbox table's rows become routed records (`OutboxRecordEncoder`).
    public var outbox: OutboxSettings?

    /// `--exactly-once`: each PostgreSQL transaction is one Kafka transaction that also records
    /// the slot's resume position in `offsetsTopic`; on start, what that topic says is
    /// committed is skipped (after checking that it was recorded on the same cluster).
    public struct ExactlyOnce: Sendable {
        /// The replication slot whose position is recorded (the record's key).
        public var slot: String
        /// The compacted topic holding the positions.
        public var offsetsTopic: String
        /// Ignore the slot's recorded position (skip nothing; the first commit overwrites it),
        /// even one recorded on another cluster.
        public var resetPosition: Bool

        /// Creates the settings.
        public init(slot: String, offsetsTopic: String, resetPosition: Bool = false) {
            self.slot = slot
            self.offsetsTopic = offsetsTopic
            self.resetPosition = resetPosition
        }
    }

    /// Debezium's topic naming.
    public static let defaultTopicTemplate = "{prefix}.{schema}.{table}"

    /// Options for `format` with Debezium's topic names.
    public init(format: Format, topicTemplate: String = KafkaSinkOptions.defaultTopicTemplate) {
        self.format = format
        self.topicTemplate = topicTemplate
    }

    /// The topic of `table`'s events. A character Kafka refuses in a topic name (anything but
    /// ASCII letters, digits, `.`, `_`, `-`: a space, `$`, an accented letter) becomes `_`, as
    /// Debezium's default topic naming replaces it; the registry subject follows the topic.
    public func topic(prefix: String, table: TableName) -> String {
        Self.legalTopic(topicTemplate.replacing("{prefix}", with: prefix)
            .replacing("{schema}", with: table.schema)
            .replacing("{table}", with: table.table))
    }

    /// `name` with every character Kafka refuses in a topic name replaced by `_`.
    static func legalTopic(_ name: String) -> String {
        if OutboxTopicTemplate.isValidTopic(name.utf8) { return name }
        var legal = String.UnicodeScalarView()
        for scalar in name.unicodeScalars {
            let allowed = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "." || scalar == "_" || scalar == "-"
            legal.append(allowed ? scalar : "_")
        }
        return String(legal)
    }

    /// The topic of logical decoding messages, as Debezium names it.
    public func messageTopic(prefix: String) -> String { Self.legalTopic("\(prefix).message") }

    /// What can be wrong with a topic template.
    public enum TopicTemplateProblem: Equatable, Sendable {
        /// It is empty.
        case empty
        /// It has a `{…}` other than `{prefix}`, `{schema}`, `{table}` (or a stray brace).
        case unknownPlaceholder
    }

    /// What is wrong with a topic template, or nil. Without `{table}` every table shares one
    /// topic, which is allowed (a routing choice).
    public static func problem(topicTemplate: String) -> TopicTemplateProblem? {
        if topicTemplate.isEmpty { return .empty }
        let rest = topicTemplate.replacing("{prefix}", with: "").replacing("{schema}", with: "").replacing("{table}", with: "")
        if rest.contains("{") || rest.contains("}") { return .unknownPlaceholder }
        return nil
    }
}
