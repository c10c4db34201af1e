/// The PostgreSQL column types of a Debezium Avro envelope's row record, for `--create-tables`
/// and `--evolve`: the Connect semantic names (`connect.name`) and logical types cdcctl and
/// Debezium write (docs/types.md) map back to the types they came from, so a table created
/// from Avro events holds the values as the source did.
enum AvroColumnTypes {
    /// Column name → SQL type, from the row record of an envelope schema (`before`/`after`), or
    /// from the top-level record of a flat or plain schema.
    static func of(schemaText: String) -> [String: String] { describe(schemaText: schemaText).types }

    /// The column types, and the row fields whose Avro name differs from the column's
    /// (`Col_u0020_u00fc` → `Col ü`, from the property `cdcctl.column.name`).
    static func describe(schemaText: String) -> (types: [String: String], renames: [String: String]) {
        guard let schema = try? ApplyJSON.parse(schemaText), case .array(let fields)? = schema["fields"] else { return ([:], [:]) }
        var row = fields
        // The row record is defined inline in the first of before/after; the other names it.
        for part in fields where part["name"]?.string == "before" || part["name"]?.string == "after" {
            if let record = nonNull(part["type"]), case .array(let inner)? = record["fields"] {
                row = inner
                break
            }
        }
        var types: [String: String] = [:]
        var renames: [String: String] = [:]
        for field in row {
            guard let name = field["name"]?.string else { continue }
            // A name Avro could not spell travels in cdcctl.column.name.
            let column = field["cdcctl.column.name"]?.string ?? name
            if column != name { renames[name] = column }
            if let type = field["type"], let sql = sqlType(type) { types[column] = sql }
        }
        return (types, renames)
    }

    /// The branch of `["null", T]` that is not null (or the type itself).
    static func nonNull(_ type: ApplyJSON?) -> ApplyJSON? {
        guard let type else { return nil }
        if case .array(let branches) = type { return branches.first { $0 != .string("null") } }
        return type
    }

    static func sqlType(_ raw: ApplyJSON) -> String? {
        guard let type = nonNull(raw) else { return nil }
        if case .string(let primitive) = type { return primitiveType(primitive, connectType: nil) }
        let connectName = type["connect.name"]?.string
        switch connectName {
        case "io.debezium.time.Date": return "date"
        case "io.debezium.time.Time": return "time(3)"
        case "io.debezium.time.MicroTime": return "time"
        case "io.debezium.time.NanoTime": return "time"
        case "io.debezium.time.Timestamp": return "timestamp(3)"
        case "io.debezium.time.MicroTimestamp", "io.debezium.time.NanoTimestamp": return "timestamp"
        case "io.debezium.time.ZonedTimestamp": return "timestamptz"
        case "io.debezium.time.ZonedTime": return "timetz"
        case "io.debezium.time.MicroDuration": return "interval"
        case "io.debezium.data.Uuid": return "uuid"
        case "io.debezium.data.Json": return "jsonb"
        case "io.debezium.data.Xml": return "xml"
        case "io.debezium.data.Bits":
            if let length = type["connect.parameters"]?["length"]?.int64, length > 0, length <= 83_886_080 { return "bit(\(length))" }
            return "varbit"
        case "io.debezium.data.VariableScaleDecimal": return "numeric"
        case "io.debezium.data.geometry.Point": return "point"
        default: break
        }
        if type["logicalType"]?.string == "decimal" {
            let scale = type["scale"]?.int64 ?? 0
            if let precision = type["precision"]?.int64 { return "numeric(\(precision),\(scale))" }
            return "numeric"
        }
        switch type["type"] {
        case .string("array")?:
            return sqlType(type["items"] ?? .string("string")).map { $0 + "[]" }
        case .string(let primitive)?:
            return primitiveType(primitive, connectType: type["connect.type"]?.string)
        default:
            return nil
        }
    }

    static func primitiveType(_ name: String, connectType: String?) -> String? {
        switch name {
        case "boolean": return "boolean"
        case "int": return connectType == "int16" ? "smallint" : "integer"
        case "long": return "bigint"
        case "float": return "real"
        case "double": return "double precision"
        case "string", "enum": return "text"
        case "bytes", "fixed": return "bytea"
        default: return nil
        }
    }
}
