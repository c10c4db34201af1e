import ArgumentParser
import CDCCore

/// `cdcctl check`: a preflight of the database, the broker and the registry.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check that PostgreSQL, Kafka and the registry are ready for cdcctl stream.",
        discussion: """
            Checks wal_level, the connecting role's REPLICATION privilege, free replication slots \
            and walsenders, the publication and the tables given (do they exist, are they \
            published, can their UPDATE/DELETE be replicated: a primary key or replica identity), \
            whether the broker answers a metadata request and the registry GET /subjects within \
            -m seconds. Prints one line per check (ok, problem with its fix, or skip) and exits 1 \
            when any problem was found, naming them all.
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: [.customShort("b", allowingJoined: true), .customLong("brokers")],
            help: ArgumentHelp("Bootstrap brokers, host:port[,host:port...] (default: $CDCCTL_KAFKA_BROKERS; none: not checked).", valueName: "brokers"))
    var brokers: String?

    @Option(name: [.customShort("X", allowingJoined: true), .customLong("property")],
            help: ArgumentHelp("A librdkafka property for the broker check, e.g. -X security.protocol=ssl (repeatable).", valueName: "prop=val"))
    var properties: [String] = []

    @Option(help: ArgumentHelp("Schema registry URL (default: $CDCCTL_REGISTRY_URL; none: not checked).", valueName: "url"))
    var registry: String?

    @Option(name: [.short, .long], help: ArgumentHelp("A table the stream would capture, as schema.table, or a pattern (a regular expression on schema.table, as stream's -t) (repeatable).", valueName: "table"))
    var table: [String] = []

    @Option(help: ArgumentHelp("A table or pattern taken out of those -t selects, as stream's --exclude-table (repeatable).", valueName: "table"))
    var excludeTable: [String] = []

    @Option(help: ArgumentHelp("The publication the stream would use (default with -t: cdcctl).", valueName: "name"))
    var publication: String?

    @Option(name: [.customShort("m", allowingJoined: true), .customLong("timeout")],
            help: ArgumentHelp("How long the broker and the registry may take to answer (default 5), in seconds.", valueName: "seconds"))
    var timeout: Double = 5

    @Flag(name: [.customShort("J"), .customLong("json")], help: "One JSON object per check, one per line.")
    var json = false

    func validate() throws {
        _ = try patterns(table, flag: "-t")
        _ = try patterns(excludeTable, flag: "--exclude-table")
        if !excludeTable.isEmpty && table.isEmpty { throw ValidationError("--exclude-table takes tables out of those -t selects: give -t") }
        for property in properties where KafkaOptions.split(property) == nil {
            throw ValidationError("invalid -X '\(property)': expected property=value")
        }
        if !(timeout > 0) { throw ValidationError("-m must be a positive number of seconds") }
    }

    private func patterns(_ texts: [String], flag: String) throws -> [TablePattern] {
        try texts.map { text in
            switch TablePattern.parse(text) {
            case .success(let pattern): return pattern
            case .failure(let problem): throw ValidationError("invalid \(flag) '\(text)': \(problem)")
            }
        }
    }

    func run() throws {
        let options = Preflight.Options(
            conninfo: database.db ?? Environment.postgresURL, tables: try patterns(table, flag: "-t"),
            excludeTables: try patterns(excludeTable, flag: "--exclude-table"), publication: publication,
            brokers: brokers ?? Environment.value("CDCCTL_KAFKA_BROKERS"),
            kafkaProperties: properties.compactMap(KafkaOptions.split).map { Preflight.KafkaProperty(key: $0.0, value: $0.1) },
            registryURL: registry ?? Environment.registryURL, timeout: timeout)
        let preflight = Preflight.run(options)
        var out = ByteWriter(capacity: 4096)
        if json { out.write(preflight.jsonLines()) } else { out.write(string: preflight.text()) }
        var output = FileDescriptorOutput()
        try output.write(lines: out)
        try output.flush()
        let problems = preflight.problems
        if !problems.isEmpty { throw OperationsError.checksFailed(problems: problems.map(\.name)) }
    }
}
