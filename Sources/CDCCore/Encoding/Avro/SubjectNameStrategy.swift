/// How schemas are named in the registry (Confluent's `key/value.subject.name.strategy`).
public enum SubjectNameStrategy: String, CaseIterable, Sendable {
    /// `<topic>-key`, `<topic>-value` (Confluent's default, TopicNameStrategy).
    case topic
    /// The record's full name, e.g. `cdcctl.public.orders.Envelope` (RecordNameStrategy).
    case record
    /// `<topic>-<record full name>` (TopicRecordNameStrategy).
    case topicRecord = "topic-record"

    /// The subject of the key or value schema `schema` of records on `topic`.
    public func subject(topic: String, isKey: Bool, schema: OrderedJSON) -> String {
        switch self {
        case .topic: return topic + (isKey ? "-key" : "-value")
        case .record: return Self.fullName(schema)
        case .topicRecord: return topic + "-" + Self.fullName(schema)
        }
    }

    /// `namespace.name` of a record schema; the type of a primitive one (`string`), as
    /// Confluent's strategies name an unnamed schema.
    static func fullName(_ schema: OrderedJSON) -> String {
        if case .string(let primitive) = schema { return primitive }
        guard case .object(let members) = schema else { return "" }
        var name = "", namespace = "", type = ""
        for (key, value) in members {
            if case .string(let text) = value {
                if key == "name" { name = text }
                if key == "namespace" { namespace = text }
                if key == "type" { type = text }
            }
        }
        if name.isEmpty { return type }
        if name.contains(".") || namespace.isEmpty { return name }
        return namespace + "." + name
    }
}
