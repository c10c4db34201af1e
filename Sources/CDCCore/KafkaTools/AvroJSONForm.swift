import AvroCodec

/// `--json-form`: which JSON `consume` prints for Avro values and `produce --avro-schema` reads.
public enum AvroJSONForm: String, Sendable, CaseIterable {
    /// What `consume` prints by default: unions unwrapped, bytes and fixed as base64, decimals
    /// as strings, dates, times and timestamps as ISO 8601 strings (numbers also read), uuid
    /// on fixed as 8-4-4-4-12 hex.
    case natural
    /// The Avro specification's JSON encoding: non-null union values wrapped as
    /// `{"type name": value}`, bytes and fixed as strings of code points U+0000–U+00FF,
    /// logical types as their underlying value.
    case avro

    /// The `AvroJSON` rendering style of this form.
    public var style: AvroJSON.Style {
        switch self {
        case .natural: return .plain
        case .avro: return .avro
        }
    }
}
