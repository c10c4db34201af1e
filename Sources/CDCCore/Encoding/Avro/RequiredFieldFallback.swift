/// What a NOT NULL column carries in Avro when the change has no value for it: the columns a
/// delete's old tuple omits under REPLICA IDENTITY DEFAULT (only the key is sent) that have no
/// constant default (those carry the default), or an unchanged TOASTed value of a type with no
/// placeholder spelling and no complete old row. The Avro field is required, so, as Debezium's
/// converters do with their fallback values, it gets the type's zero.
extension ColumnType {
    /// PostgreSQL text whose conversion is the type's zero value.
    var fallbackText: String {
        switch self {
        case .boolean: return "f"
        case .int16, .int32, .int64, .float32, .float64, .numeric, .money: return "0"
        case .bytea: return "\\x"
        case .date: return "1970-01-01"
        case .time: return "00:00:00"
        case .timetz: return "00:00:00+00"
        case .timestamp: return "1970-01-01 00:00:00"
        case .timestamptz: return "1970-01-01 00:00:00+00"
        case .interval: return "PT0S"
        case .uuid: return "00000000-0000-0000-0000-000000000000"
        case .bit(let length): return String(repeating: "0", count: max(length, 1))
        case .point: return "(0,0)"
        case .array: return "{}"
        case .text, .json, .xml, .enumeration, .varbit, .ltree, .tsvector, .otherText, .hstoreJSON, .hstoreMap: return ""
        case .decimal(_, let base): return base.fallbackText
        case .intervalString: return "PT0S"
        // Debezium's fallback: GEOMETRYCOLLECTION EMPTY.
        case .geometry, .geography: return "010700000000000000"
        }
    }
}
