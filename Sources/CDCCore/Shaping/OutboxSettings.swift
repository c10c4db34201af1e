/// `--outbox`: Debezium's outbox event router (`io.debezium.transforms.outbox.EventRouter`) with
/// its defaults. Each row inserted into the outbox table (or read by a snapshot) becomes one
/// record: topic `outbox.event.<aggregatetype>`, key the `aggregateid`, value the `payload` as it
/// is, headers `id` and `type`. Updates of the outbox table are ignored with a warning, deletes
/// silently (Debezium's `table.op.invalid.behavior=warn`; the usual pattern deletes each row right
/// after inserting it).
public struct OutboxSettings: Sendable {
    /// The roles of the outbox table's columns; each is read from the column of the same name
    /// unless `columns` says otherwise (Debezium's `table.field.event.*` and `route.by.field`).
    public enum Field: String, CaseIterable, Sendable {
        /// The event's unique id: header `id` (`table.field.event.id`).
        case id
        /// What the default topic is named after (`route.by.field`).
        case aggregatetype
        /// The record's key (`table.field.event.key`).
        case aggregateid
        /// The event type: header `type` (`table.fields.additional.placement=type:header:type`).
        case type
        /// The record's value (`table.field.event.payload`).
        case payload

        /// What the field is for, in messages.
        public var use: String {
            switch self {
            case .id: return "the event id, header id"
            case .aggregatetype: return "the aggregate type the topic is named after"
            case .aggregateid: return "the aggregate id, the records' key"
            case .type: return "the event type, header type"
            case .payload: return "the payload, the records' value"
            }
        }
    }

    /// One header of every record: the value of `source` (a field name or a column name) as
    /// header `name`.
    public struct Header: Equatable, Sendable {
        /// A field name (`id`, `type`, …; through `columns`) or a column of the outbox table.
        public var source: String
        /// The header's name.
        public var name: String

        /// Creates a header.
        public init(source: String, name: String) {
            self.source = source
            self.name = name
        }
    }

    /// Debezium's `route.topic.replacement` default, `outbox.event.${routedByValue}`.
    public static let defaultTopicTemplate = "outbox.event.{aggregatetype}"
    /// Debezium's header `id` and cdcctl's header `type`.
    public static let defaultHeaders = [Header(source: "id", name: "id"), Header(source: "type", name: "type")]

    /// The outbox table.
    public var table: TableName
    /// The column of each field whose column is not named as the field.
    public var columns: [Field: String] = [:]
    /// The records' topic: `{name}` is replaced by the value of a field (through `columns`) or
    /// of any column of the outbox table.
    public var topicTemplate = OutboxSettings.defaultTopicTemplate
    /// The records' headers, in order. A header of a source that a default header also reads
    /// replaces that default (`withHeader`).
    public var headers = OutboxSettings.defaultHeaders
    /// Whether the outbox table produces only its routed records, not also its ordinary change
    /// events (`--outbox-only`).
    public var only = false

    /// Settings with Debezium's defaults for `table`.
    public init(table: TableName) {
        self.table = table
    }

    /// The column a field name or column name of a template placeholder or header refers to.
    public func column(for source: String) -> String {
        Field(rawValue: source).map { column(of: $0) } ?? source
    }

    /// The column holding `field`.
    public func column(of field: Field) -> String { columns[field] ?? field.rawValue }

    /// Adds header `header`, replacing a header that reads the same column.
    public mutating func withHeader(_ header: Header) {
        let column = column(for: header.source)
        let settings = self
        headers.removeAll { settings.column(for: $0.source) == column }
        headers.append(header)
    }
}

/// A change of the outbox table that cannot be routed, or an outbox table unfit for routing.
public enum OutboxError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The outbox table has no column `column`, which `use` needs (`field`: the field it holds, if one).
    case missingColumn(table: TableName, column: String, use: String, field: OutboxSettings.Field?)
    /// An event's `column` is NULL, but the topic template needs it.
    case nullTopicValue(table: TableName, column: String, eventID: String)
    /// An event routes to a name Kafka does not accept.
    case invalidTopic(table: TableName, topic: String, eventID: String)

    public var description: String {
        switch self {
        case let .missingColumn(table, column, use, _):
            return "outbox table \(table) has no column \(column) (\(use))"
        case let .nullTopicValue(table, column, eventID):
            return "outbox event \(eventID) of \(table) has a NULL \(column), which its topic name needs"
        case let .invalidTopic(table, topic, eventID):
            return "outbox event \(eventID) of \(table) routes to \"\(topic)\", which is not a Kafka topic name (1 to 249 letters, digits, '.', '_', '-')"
        }
    }
}

extension OutboxSettings {
    /// Checks, before anything is read or created, that the outbox table exists and has every
    /// column these settings read: throws `OutboxError.missingColumn` naming the first missing
    /// one (or the error of a table that does not exist).
    public func check(connection: PGConnection) throws {
        let schema = try TableSchema.load(table, connection: connection, types: TypeResolver(connection: connection))
        try OutboxRouter.check(self, columns: schema.columns)
    }
}
