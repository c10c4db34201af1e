import ArgumentParser
import CDCCore
import Glibc

/// `consume --isolation`.
enum KafkaIsolation: String, ExpressibleByArgument, CaseIterable {
    case readCommitted = "read_committed"
    case readUncommitted = "read_uncommitted"
}

extension DecodeFailurePolicy: ExpressibleByArgument {}

extension AvroJSONForm: ExpressibleByArgument {}

/// `cdcctl consume`: read topics like `kcat -C` (or `kcat -G` with -G).
struct ConsumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume",
        abstract: "Read Kafka topics to stdout, like kcat -C (or -G).",
        discussion: """
            Without -f or -J each message is written as its value and the -D delimiter, with the \
            key and the -K delimiter first when -K is given. -f tokens: %t topic, %p partition, \
            %o offset, %k key, %K key length, %s value, %S value length, %R value length as 4 \
            big-endian bytes, %T timestamp (ms), %h headers (n=v,n2=v2), %% percent; escapes \\n \
            \\r \\t \\xNN \\\\. -J writes kcat's JSON envelope per message. Informational lines \
            ("% Reached end of topic ...") go to stderr unless -q. Without -G reading starts at -o \
            (default: beginning). With -G it starts at the group's committed offsets, as kcat's \
            does; a partition without one starts where -o beginning or -o end says, and by default \
            (librdkafka's auto.offset.reset) at the end, so a new group reads only new messages.
            """
    )

    @OptionGroup var kafka: KafkaOptions

    @Option(name: [.customShort("t", allowingJoined: true), .customLong("topic")],
            help: ArgumentHelp("A topic to read (repeatable).", valueName: "topic"))
    var topic: [String] = []

    @Argument(help: ArgumentHelp("More topics (kcat -G takes them this way).", valueName: "topic"))
    var moreTopics: [String] = []

    @Option(name: [.customShort("p", allowingJoined: true), .customLong("partition")], parsing: .unconditional,
            help: "Read only this partition.")
    var partition: Int32?

    @Option(name: [.customShort("o", allowingJoined: true), .customLong("offset")], parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Where to start: beginning (default without -G), end, stored, N, -N (N before the end), s@TS (first message at or after TS ms); e@TS stops before TS.", valueName: "offset"))
    var offset: [String] = []

    @Flag(name: [.customShort("e"), .customLong("exit")], help: "Exit (status 0) once every partition reached its end.")
    var exitAtEnd = false

    @Option(name: [.customShort("c", allowingJoined: true), .customLong("count")], parsing: .unconditional,
            help: "Exit after this many messages.")
    var count: Int?

    @Option(name: [.customShort("G", allowingJoined: true), .customLong("group")],
            help: ArgumentHelp("Join this consumer group and subscribe (offsets are committed); start at its committed offsets, a new group at the end unless -o beginning.", valueName: "group"))
    var group: String?

    @Option(name: [.customShort("f", allowingJoined: true), .customLong("format")], parsing: .unconditional,
            help: ArgumentHelp("Output format string (tokens above).", valueName: "format"))
    var format: String?

    @Flag(name: [.customShort("J"), .customLong("json")], help: "Write each message as a JSON envelope, like kcat -J.")
    var json = false

    @Option(name: [.customShort("K", allowingJoined: true), .customLong("key-delimiter")], parsing: .unconditional,
            help: ArgumentHelp("Write the key first, then this delimiter (\\n \\t \\r \\xNN escapes).", valueName: "delim"))
    var keyDelimiter: String?

    @Option(name: [.customShort("D", allowingJoined: true), .customLong("delimiter")], parsing: .unconditional,
            help: ArgumentHelp("Delimiter after each message.", valueName: "delim"))
    var delimiter: String = "\\n"

    @Flag(name: [.customShort("Z"), .customLong("null")], help: "Write empty and NULL keys and values as NULL.")
    var nullText = false

    @Option(help: ArgumentHelp("Whether to see messages of open and aborted transactions (default: read_committed).", valueName: "level"))
    var isolation: KafkaIsolation?

    @Flag(help: "Write keys and values exactly as stored (no schema-registry decoding).")
    var raw = false

    @Option(help: ArgumentHelp("Schema registry for keys and values in Confluent's wire format, printed as JSON (default: $CDCCTL_REGISTRY_URL).", valueName: "url"))
    var registry: String?

    @Option(help: ArgumentHelp("How registry-decoded Avro prints: natural (unions unwrapped, bytes as base64, decimals and times as strings) or avro (the Avro specification's JSON encoding); produce --json-form reads either back.", valueName: "natural|avro"))
    var jsonForm: AvroJSONForm?

    @Option(help: ArgumentHelp("When a message's schema cannot be fetched from the registry: fail (an error, exit 1) or pass (write its bytes undecoded, with one notice per schema id).", valueName: "fail|pass"))
    var onDecodeError: DecodeFailurePolicy = .fail

    @Flag(name: [.customShort("q"), .customLong("quiet")], help: "No informational lines on stderr.")
    var quiet = false

    /// The topics of -t and the arguments, each once, in order.
    var topics: [String] {
        var seen = Set<String>()
        return (topic + moreTopics).filter { seen.insert($0).inserted }
    }

    func validate() throws {
        guard !topics.isEmpty else { throw ValidationError("no topic given: pass -t TOPIC") }
        if json && format != nil { throw ValidationError("-J and -f exclude each other") }
        if let count, count <= 0 { throw ValidationError("-c must be a positive number of messages") }
        if let partition, partition < 0 { throw ValidationError("-p must be a partition number (0 or more)") }
        if raw && jsonForm != nil { throw ValidationError("--json-form applies to values decoded through the registry; --raw prints bytes as stored") }
        do {
            _ = try consumeOptions().configuration()
            if let format { _ = try KafkaOutputFormat.parse(format) }
            _ = try KafkaEscapes.delimiter(delimiter)
            if let keyDelimiter { _ = try KafkaEscapes.delimiter(keyDelimiter) }
        } catch let error as KafkaUsageError {
            throw ValidationError(error.description)
        }
    }

    func consumeOptions() throws -> KafkaConsumeOptions {
        var options = KafkaConsumeOptions(topics: topics)
        options.partition = partition
        options.offsets = try KafkaOffsetSpec.parse(offset)
        options.exitAtEnd = exitAtEnd
        options.limit = count
        options.group = group
        options.metadataTimeout = kafka.timeoutMs()
        return options
    }

    func renderer() throws -> KafkaMessageRenderer {
        let delimiterBytes = try KafkaEscapes.delimiter(delimiter)
        let style: KafkaMessageRenderer.Style
        if json {
            style = .json(delimiter: delimiterBytes)
        } else if let format {
            style = .format(try KafkaOutputFormat.parse(format))
        } else {
            style = .format(.delimited(keyDelimiter: try keyDelimiter.map(KafkaEscapes.delimiter), delimiter: delimiterBytes))
        }
        let decoder: any PayloadDecoder = raw ? PassthroughPayloadDecoder()
            : try PayloadDecoders.standard(registry: registry, onFailure: onDecodeError, form: jsonForm ?? .natural)
        return KafkaMessageRenderer(style: style, nullString: nullText ? Array("NULL".utf8) : nil, decoder: decoder)
    }

    func run() throws {
        let options = try consumeOptions()
        var defaults = try options.configuration()
        if let isolation { defaults.append(("isolation.level", isolation.rawValue)) }
        let consumer = try RDKafkaConsumer(config: try kafka.makeConfig(defaults: defaults))
        let quiet = quiet
        let session = KafkaConsumeSession(consumer: consumer, options: options, renderer: try renderer()) { line in
            if !quiet { StandardError.write(line + "\n") }
        }
        let stop = SignalTrap.stopToken()
        var output = FileDescriptorOutput()
        _ = try session.run(into: &output, shouldStop: { stop.isRaised })
    }
}

/// The decoders `consume` uses when --raw is not given.
enum PayloadDecoders {
    /// Through the schema registry when one is named (flag or environment), else passthrough.
    /// Notices about schemas passed through undecoded go to stderr even under -q: they say
    /// that stdout holds bytes, not JSON.
    static func standard(registry: String?, onFailure: DecodeFailurePolicy, form: AvroJSONForm) throws -> any PayloadDecoder {
        guard let url = registry ?? Environment.registryURL else { return PassthroughPayloadDecoder() }
        return RegistryPayloadDecoder(client: try SchemaRegistryClient(url: url), onFailure: onFailure, form: form) { line in
            StandardError.write(line + "\n")
        }
    }
}
