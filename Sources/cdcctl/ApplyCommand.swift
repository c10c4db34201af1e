import ArgumentParser
import CDCCore

extension ApplyEnvelope: ExpressibleByArgument {}
extension ApplyInsertMode: ExpressibleByArgument {}
extension ApplyErrorPolicy: ExpressibleByArgument {}

/// `cdcctl apply`: change events (stdin NDJSON, or Kafka topics) into PostgreSQL tables, exactly once.
struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply change events to PostgreSQL tables, exactly once (Debezium's JDBC sink).",
        discussion: """
            Reads NDJSON records from stdin, or with -t Kafka topics (JSON, or Avro with --registry), \
            and applies them to the target database --db in batches. c/r/u events upsert the row of \
            `after`, d deletes by key, t truncates. Each batch is one target transaction that also \
            records the input position in the table cdcctl_apply_offsets; a run resumes from there, \
            so nothing is applied twice and nothing is lost.
            """
    )

    @Option(help: ArgumentHelp("Target PostgreSQL URL or key=value string.", valueName: "url"))
    var db: String

    @Option(name: [.customShort("t", allowingJoined: true), .customLong("topic")],
            help: ArgumentHelp("Read this Kafka topic (repeatable; ^regex for a pattern) instead of stdin.", valueName: "topic"))
    var topic: [String] = []

    @Option(name: [.customShort("b", allowingJoined: true), .customLong("brokers")],
            help: ArgumentHelp("Bootstrap brokers (default: $CDCCTL_KAFKA_BROKERS).", valueName: "brokers"))
    var brokers: String?

    @Option(name: [.customShort("X", allowingJoined: true), .customLong("property")],
            help: ArgumentHelp("A librdkafka consumer property (repeatable).", valueName: "prop=val"))
    var properties: [String] = []

    @Option(name: [.customShort("G", allowingJoined: true), .customLong("group")],
            help: ArgumentHelp("Share the partitions with the other apply processes of this consumer group (without it, this process reads every partition).", valueName: "group"))
    var group: String?

    @Option(help: ArgumentHelp("Schema registry for Avro keys and values (default: $CDCCTL_REGISTRY_URL).", valueName: "url"))
    var registry: String?

    @Flag(name: [.customShort("e"), .customLong("exit")], help: "With -t: exit once every assigned partition is read to its end and applied.")
    var exitAtEnd = false

    @Option(help: ArgumentHelp("Record shape: debezium (change event envelopes), flat (rows with __deleted), plain (documents).", valueName: "debezium|flat|plain"))
    var envelope: ApplyEnvelope = .debezium

    @Option(help: ArgumentHelp("Target table: {schema} and {table} from the event's source, {topic} (dots become _); default {schema}.{table}, else {topic}.", valueName: "template"))
    var tableTemplate: String?

    @Option(help: ArgumentHelp("insert, upsert (INSERT … ON CONFLICT DO UPDATE) or update.", valueName: "mode"))
    var insertMode: ApplyInsertMode = .upsert

    @Option(help: ArgumentHelp("Key columns (comma-separated) instead of the target table's primary key.", valueName: "cols"))
    var primaryKey: String?

    @Option(help: ArgumentHelp("The key fields of plain documents (comma-separated); the same as --primary-key.", valueName: "fields"))
    var keyFields: String?

    @Flag(inversion: .prefixedNo, help: "Apply deletes and tombstones.")
    var delete = true

    @Flag(inversion: .prefixedNo, help: "Apply truncates.")
    var truncate = true

    @Flag(help: "Create missing tables from the records' fields.")
    var createTables = false

    @Flag(help: "Add columns for fields a table does not have (never drops or narrows).")
    var evolve = false

    @Option(help: ArgumentHelp("Records per batch (one target transaction).", valueName: "n"))
    var batchSize = 10_000

    @Option(help: ArgumentHelp("How long the first record of a batch waits for more, in ms.", valueName: "ms"))
    var lingerMs = 200

    @Option(help: ArgumentHelp("A record that can never apply: stop (default), or skip it.", valueName: "stop|skip"))
    var errors: ApplyErrorPolicy = .stop

    @Option(help: ArgumentHelp("With --errors skip and -t: produce skipped records to this topic, with headers naming the error.", valueName: "topic"))
    var deadLetterTopic: String?

    @Option(help: ArgumentHelp("The input's name in cdcctl_apply_offsets (default: the group, cdcctl-apply with -t and no group, stdin).", valueName: "name"))
    var offsetsName: String?

    @Flag(help: "Stdin is the same input as before (a file): skip the lines a previous run applied (records without a source position).")
    var replay = false

    @Flag(name: [.customShort("q"), .customLong("quiet")], help: "No progress line.")
    var quiet = false

    func validate() throws {
        if batchSize <= 0 { throw ValidationError("--batch-size must be positive") }
        if lingerMs < 0 { throw ValidationError("--linger-ms must be 0 or more") }
        if primaryKey != nil && keyFields != nil { throw ValidationError("--primary-key and --key-fields name the same thing: give one") }
        if deadLetterTopic != nil && errors != .skip { throw ValidationError("--dead-letter-topic needs --errors skip") }
        if deadLetterTopic != nil && topic.isEmpty { throw ValidationError("--dead-letter-topic needs Kafka input (-t)") }
        if topic.isEmpty && (group != nil || exitAtEnd) { throw ValidationError("-G and -e apply to Kafka input: give -t TOPIC") }
        for property in properties where KafkaOptions.split(property) == nil {
            throw ValidationError("invalid -X '\(property)': expected property=value")
        }
    }

    private var keyColumns: [String]? {
        (primaryKey ?? keyFields).map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: " ") } }
    }

    func run() throws {
        var options = ApplyOptions()
        options.tableTemplate = tableTemplate
        options.insertMode = insertMode
        options.deletes = delete
        options.truncates = truncate
        options.primaryKey = keyColumns
        options.createTables = createTables
        options.evolve = evolve
        options.errors = errors
        options.replayLines = replay
        options.offsetsName = offsetsName ?? (topic.isEmpty ? "stdin" : group ?? "cdcctl-apply")
        var batching = ApplyBatching()
        batching.size = batchSize
        batching.lingerSeconds = Double(lingerMs) / 1000

        let stop = SignalTrap.stopToken()
        let notice: (String) -> Void = { StandardError.write($0 + "\n") }
        let applier = try PostgresApplier(conninfo: db, options: options, stop: stop, notice: notice)
        let progress = !quiet && StandardError.isTerminal ? ApplyProgress(write: { StandardError.write($0) }) : nil
        defer { progress?.finish() }
        let decoder = ApplyRecordDecoder(envelope: envelope)
        do {
            if topic.isEmpty {
                try StdinApplySession(applier: applier, decoder: decoder, batching: batching, stop: stop, progress: progress).run()
                return
            }
            guard let brokers = brokers ?? Environment.value("CDCCTL_KAFKA_BROKERS") else {
                throw ValidationError("no Kafka brokers given: pass -b host:port or set CDCCTL_KAFKA_BROKERS")
            }
            let connection = KafkaConnectionSettings(brokers: brokers, properties: properties.compactMap(KafkaOptions.split))
            let payloads: any PayloadDecoder = try PayloadDecoders.standard(registry: registry, onFailure: .fail, form: .natural)
            let registryClient = try (registry ?? Environment.registryURL).map { try SchemaRegistryClient(url: $0) }
            let session = try KafkaApplySession(connection: connection, topics: topic, deadLetterTopic: deadLetterTopic, applier: applier,
                                                decoder: decoder, payloads: payloads, batching: batching, exitAtEnd: exitAtEnd, group: group,
                                                stop: stop, notice: notice, progress: progress, registry: registryClient)
            try session.run()
        } catch is ApplyStopped {
            return
        }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
