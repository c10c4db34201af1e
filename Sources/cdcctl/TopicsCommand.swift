import ArgumentParser
import CDCCore

/// `cdcctl topics`: the cluster's brokers and topics, like `kcat -L`, with partition offsets.
struct TopicsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "List Kafka brokers, topics and partitions (kcat -L).",
        discussion: """
            Each partition is listed with its leader, replicas and in-sync replicas, as kcat -L \
            does, and with its low and high offsets. Asking about a topic never creates it. Exits \
            non-zero when the topic given with -t does not exist.
            """
    )

    @OptionGroup var kafka: KafkaOptions

    @Option(name: [.customShort("t", allowingJoined: true), .customLong("topic")], help: "Only this topic.")
    var topic: String?

    @Flag(name: [.customShort("J"), .customLong("json")], help: "JSON, like kcat -L -J (one line).")
    var json = false

    func run() throws {
        let consumer = try RDKafkaConsumer(config: try kafka.makeConfig())
        let report = try KafkaTopicsReport.fetch(consumer: consumer, topic: topic, timeout: kafka.timeoutMs())
        if let error = report.queryError { throw error }
        var out = ByteWriter(capacity: 4096)
        if json { out.write(report.json()) } else { out.write(string: report.text()) }
        var output = FileDescriptorOutput()
        try output.write(lines: out)
        try output.flush()
    }
}
