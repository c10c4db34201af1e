import ArgumentParser
import CDCCore

/// `--outbox` and its companions, for `snapshot` and `stream`: Debezium's outbox event router.
struct OutboxOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Route the rows inserted into this outbox table as Debezium's EventRouter does: topic outbox.event.<aggregatetype>, key aggregateid, value payload as it is, headers id and type.", valueName: "schema.table"))
    var outbox: String?

    @Option(help: ArgumentHelp("Read an outbox field (id, aggregatetype, aggregateid, type, payload) from another column (repeatable, or comma-separated).", valueName: "field=column"))
    var outboxField: [String] = []

    @Option(help: ArgumentHelp("Topic of routed records; {name} is the value of a field or of any column (default: \(OutboxSettings.defaultTopicTemplate)).", valueName: "template"))
    var outboxTopic: String?

    @Option(help: ArgumentHelp("Also send a field or column as a header (repeatable); one already sent (id, type) gets the new name.", valueName: "column=name"))
    var outboxHeader: [String] = []

    @Flag(help: "The outbox table produces only its routed records, not also its ordinary change events.")
    var outboxOnly = false

    func validate() throws {
        _ = try settings()
    }

    /// The settings, or nil without --outbox; throws a `ValidationError` naming the bad flag.
    func settings() throws -> OutboxSettings? {
        guard let outbox else {
            if !outboxField.isEmpty || outboxTopic != nil || !outboxHeader.isEmpty || outboxOnly {
                throw ValidationError("--outbox-field, --outbox-topic, --outbox-header and --outbox-only need --outbox schema.table")
            }
            return nil
        }
        guard let table = TableName(parsing: outbox) else { throw ValidationError("invalid --outbox '\(outbox)': expected schema.table") }
        var settings = OutboxSettings(table: table)
        for pair in outboxField.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let fields = OutboxSettings.Field.allCases.map(\.rawValue).joined(separator: ", ")
            guard parts.count == 2, !parts[1].isEmpty, let field = OutboxSettings.Field(rawValue: String(parts[0])) else {
                throw ValidationError("invalid --outbox-field '\(pair)': expected field=column with a field of \(fields)")
            }
            settings.columns[field] = String(parts[1])
        }
        if let outboxTopic {
            do {
                _ = try OutboxTopicTemplate(parsing: outboxTopic)
            } catch {
                throw ValidationError("invalid --outbox-topic '\(outboxTopic)': \(error)")
            }
            settings.topicTemplate = outboxTopic
        }
        for pair in outboxHeader {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("invalid --outbox-header '\(pair)': expected column=name")
            }
            settings.withHeader(OutboxSettings.Header(source: String(parts[0]), name: String(parts[1])))
        }
        settings.only = outboxOnly
        return settings
    }
}

extension OutboxError {
    /// The error worded with the flags that fix it.
    var commandLineWording: String {
        switch self {
        case let .missingColumn(_, _, _, field?):
            return "\(description): name its column with --outbox-field \(field.rawValue)=COLUMN"
        case .missingColumn:
            return "\(description): change --outbox-topic or --outbox-header"
        case .nullTopicValue, .invalidTopic:
            return "\(description): the stream cannot pass it; choose an --outbox-topic that names a valid topic for every event"
        }
    }
}
