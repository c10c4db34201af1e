import ArgumentParser
import CDCCore
import Foundation

/// `cdcctl produce`: one message per input line, like `kcat -P`.
struct ProduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce",
        abstract: "Write input lines as Kafka messages, like kcat -P.",
        discussion: """
            Reads stdin, or the file given with -l; -D sets what separates messages (default: a \
            newline). Input streams through: memory does not grow with it. A broker must answer \
            within -m seconds (default 5) before any input is read. Empty lines are skipped. The \
            producer is idempotent (-X enable.idempotence=false turns that off). With \
            -X transactional.id=ID the whole input is one transaction, committed at the end of the \
            input and aborted on any failure or on SIGINT/SIGTERM. Exits non-zero unless every \
            message was delivered. With --avro-schema each value is one JSON text in the \
            --json-form (natural: what consume prints; avro: the Avro specification's JSON \
            encoding); a decimal is a string in both natural ("-0.01") and avro (its bytes) form, \
            never a JSON number. A value that does not fit the schema stops produce with one error \
            line naming the record number, the field path and the expected type: the records \
            before it were already produced, unless -X transactional.id=ID makes it all or nothing.
            """
    )

    @OptionGroup var kafka: KafkaOptions

    @Option(name: [.customShort("t", allowingJoined: true), .customLong("topic")], help: "The topic to write to.")
    var topic: String

    @Option(name: [.customShort("p", allowingJoined: true), .customLong("partition")], parsing: .unconditional,
            help: "The partition; -1 lets the key's hash choose.")
    var partition: Int32 = -1

    @Option(name: [.customShort("K", allowingJoined: true), .customLong("key-delimiter")], parsing: .unconditional,
            help: ArgumentHelp("Split each line at the first delimiter: key before, value after.", valueName: "delim"))
    var keyDelimiter: String?

    @Option(name: [.customShort("k", allowingJoined: true), .customLong("key")],
            help: ArgumentHelp("The key of lines without a key of their own.", valueName: "key"))
    var key: String?

    @Option(name: [.customShort("H", allowingJoined: true), .customLong("header")],
            help: ArgumentHelp("A header for every message, name=value or name for a NULL value (repeatable).", valueName: "name=value"))
    var header: [String] = []

    @Flag(name: [.customShort("Z"), .customLong("null")], help: "With -K: send an empty value as NULL (a tombstone), an empty key as NULL.")
    var emptyAsNull = false

    @Option(name: [.customShort("l"), .customLong("file")], help: ArgumentHelp("Read lines from this file instead of stdin.", valueName: "file"))
    var file: String?

    @Option(name: [.customShort("D", allowingJoined: true), .customLong("delimiter")], parsing: .unconditional,
            help: ArgumentHelp("What separates messages in the input (\\n \\t \\r \\xNN escapes).", valueName: "delim"))
    var delimiter: String = "\\n"

    @Option(name: [.customShort("c", allowingJoined: true), .customLong("count")], parsing: .unconditional,
            help: "Stop after this many messages.")
    var count: Int?

    @Option(help: ArgumentHelp("Encode each value (a JSON text) as Avro with this schema, in Confluent's wire format through the registry.", valueName: "file"))
    var avroSchema: String?

    @Option(help: ArgumentHelp("The JSON --avro-schema reads: natural (what consume prints: unions unwrapped, bytes and fixed as base64, decimals as strings, dates and times as ISO strings or numbers) or avro (the Avro specification's JSON encoding: unions wrapped, bytes as code points U+0000-U+00FF).", valueName: "natural|avro"))
    var jsonForm: AvroJSONForm?

    @Option(help: ArgumentHelp("The registry subject of --avro-schema (default: <topic>-value).", valueName: "subject"))
    var valueSubject: String?

    @Option(help: ArgumentHelp("Schema registry for --avro-schema (default: $CDCCTL_REGISTRY_URL).", valueName: "url"))
    var registry: String?

    func validate() throws {
        if topic.isEmpty { throw ValidationError("the topic name must not be empty") }
        for h in header where KafkaHeader(argument: h) == nil {
            throw ValidationError("invalid -H '\(h)': expected name=value or name")
        }
        if let count, count <= 0 { throw ValidationError("-c must be a positive number of messages") }
        if partition < -1 { throw ValidationError("-p must be a partition number (0 or more, or -1 to let the key's hash choose)") }
        if avroSchema == nil && (valueSubject != nil || registry != nil || jsonForm != nil) {
            throw ValidationError("--value-subject, --registry and --json-form only apply with --avro-schema FILE")
        }
        do {
            if try KafkaEscapes.delimiter(delimiter).isEmpty { throw ValidationError("the -D delimiter must not be empty when producing") }
            if let keyDelimiter, try KafkaEscapes.delimiter(keyDelimiter).isEmpty { throw ValidationError("the -K delimiter must not be empty") }
        } catch let error as KafkaUsageError {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        var options = KafkaProduceOptions(topic: topic)
        options.partition = partition
        options.keyDelimiter = try keyDelimiter.map(KafkaEscapes.delimiter)
        options.fixedKey = key.map { Array($0.utf8) }
        options.headers = header.compactMap(KafkaHeader.init(argument:))
        options.emptyAsNull = emptyAsNull
        options.limit = count
        options.transactionTimeout = kafka.timeoutMs(default: 60)
        options.connectTimeout = kafka.timeoutMs()
        var avroValues: AvroJSONLineEncoder?
        if let avroSchema {
            guard let url = registry ?? Environment.registryURL else {
                throw ValidationError("--avro-schema needs a schema registry: pass --registry URL or set CDCCTL_REGISTRY_URL")
            }
            let text: String
            do { text = try String(contentsOfFile: avroSchema, encoding: .utf8) } catch {
                throw ValidationError("cannot read --avro-schema \(avroSchema): \(error.localizedDescription)")
            }
            avroValues = try AvroJSONLineEncoder(schemaJSON: text, source: avroSchema, subject: valueSubject ?? "\(topic)-value",
                                                 form: jsonForm ?? .natural, registry: try SchemaRegistryClient(url: url))
        }
        let producer = try RDKafkaProducer(config: try kafka.makeConfig(defaults: [("enable.idempotence", "true")]))
        let separator = try KafkaEscapes.delimiter(delimiter)
        let input = try file.map { try DelimitedInputReader(path: $0, delimiter: separator) }
            ?? DelimitedInputReader(fd: 0, delimiter: separator)
        let stop = SignalTrap.stopToken()
        _ = try KafkaProduceSession(producer: producer, options: options, avroValues: avroValues).run(input: input, shouldStop: { stop.isRaised })
    }
}
