/// The Avro type of one column, following `docs/types.md` (Debezium defaults, Confluent's
/// AvroConverter for the `connect.*` properties).
enum AvroColumnType {
    /// Confluent's AvroConverter precision when Connect gives none (money has only a scale).
    static let defaultDecimalPrecision: Int64 = 64

    /// The schema of `type`; named records already in `names` are referenced by full name.
    static func schema(for type: ColumnType, names: inout Set<String>) -> OrderedJSON {
        switch type {
        case .boolean: return .string("boolean")
        case .int16: return .object([("type", .string("int")), ("connect.type", .string("int16"))])
        case .int32: return .string("int")
        case .int64: return .string("long")
        case .float32: return .string("float")
        case .float64: return .string("double")
        case let .numeric(precision?, scale?) where scale < 0:
            // Avro requires 0 <= scale; numeric(p,-s) holds integers of up to p+s digits.
            return decimal(precision: Int64(precision - scale), scale: 0, declaredPrecision: true)
        case let .numeric(precision?, scale?): return decimal(precision: Int64(precision), scale: Int64(scale), declaredPrecision: true)
        case .numeric: return namedOnce("io.debezium.data.VariableScaleDecimal", names: &names) {
            .object([
                ("type", .string("record")), ("name", .string("VariableScaleDecimal")), ("namespace", .string("io.debezium.data")),
                ("fields", .array([DebeziumAvroSchema.field("scale", .string("int")), DebeziumAvroSchema.field("value", .string("bytes"))])),
                ("connect.doc", .string("Variable scaled decimal")), ("connect.version", .int(1)),
                ("connect.name", .string("io.debezium.data.VariableScaleDecimal")),
            ])
        }
        case .money: return decimal(precision: defaultDecimalPrecision, scale: 2, declaredPrecision: false)
        case .text, .otherText: return .string("string")
        case .bytea: return .string("bytes")
        case .date: return semantic("int", "io.debezium.time.Date")
        case .time(let p): return p <= 3 ? semantic("int", "io.debezium.time.Time") : semantic("long", "io.debezium.time.MicroTime")
        case .timetz: return semantic("string", "io.debezium.time.ZonedTime")
        case .timestamp(let p): return p <= 3 ? semantic("long", "io.debezium.time.Timestamp") : semantic("long", "io.debezium.time.MicroTimestamp")
        case .timestamptz: return semantic("string", "io.debezium.time.ZonedTimestamp")
        case .interval: return semantic("long", "io.debezium.time.MicroDuration")
        case .uuid: return semantic("string", "io.debezium.data.Uuid")
        case .json: return semantic("string", "io.debezium.data.Json")
        case .xml: return semantic("string", "io.debezium.data.Xml")
        case .ltree: return semantic("string", "io.debezium.data.Ltree")
        case .tsvector: return semantic("string", "io.debezium.data.Tsvector")
        case .enumeration(let labels): return semantic("string", "io.debezium.data.Enum", parameters: [("allowed", labels.joined(separator: ","))])
        case .bit(let length) where length == 1: return .string("boolean")
        case .bit(let length): return semantic("bytes", "io.debezium.data.Bits", parameters: [("length", String(length))])
        case .varbit: return semantic("bytes", "io.debezium.data.Bits", parameters: [("length", String(Int32.max))])
        case .point: return namedOnce("io.debezium.data.geometry.Point", names: &names) {
            .object([
                ("type", .string("record")), ("name", .string("Point")), ("namespace", .string("io.debezium.data.geometry")),
                ("fields", .array([
                    DebeziumAvroSchema.field("x", .string("double")), DebeziumAvroSchema.field("y", .string("double")),
                    DebeziumAvroSchema.field("wkb", .array([.string("null"), .string("bytes")]), default: .null),
                    DebeziumAvroSchema.field("srid", .array([.string("null"), .string("int")]), default: .null),
                ])),
                ("connect.doc", .string("Geometry (POINT)")), ("connect.version", .int(1)),
                ("connect.name", .string("io.debezium.data.geometry.Point")),
            ])
        }
        case .array(let element):
            return .object([("type", .string("array")), ("items", .array([.string("null"), schema(for: element, names: &names)]))])
        case .decimal(.precise, let base): return schema(for: base, names: &names)
        case .decimal(.string, _): return .string("string")
        case .decimal(.double, _): return .string("double")
        case .intervalString: return semantic("string", "io.debezium.time.Interval")
        case .hstoreJSON: return semantic("string", "io.debezium.data.Json")
        case .hstoreMap: return .object([("type", .string("map")), ("values", .array([.string("null"), .string("string")]))])
        case .geometry: return geometryRecord("Geometry", names: &names)
        case .geography: return geometryRecord("Geography", names: &names)
        }
    }

    /// Debezium's Geometry and Geography: `{wkb bytes, srid optional int}`.
    private static func geometryRecord(_ name: String, names: inout Set<String>) -> OrderedJSON {
        namedOnce("io.debezium.data.geometry.\(name)", names: &names) {
            .object([
                ("type", .string("record")), ("name", .string(name)), ("namespace", .string("io.debezium.data.geometry")),
                ("fields", .array([
                    DebeziumAvroSchema.field("wkb", .string("bytes")),
                    DebeziumAvroSchema.field("srid", .array([.string("null"), .string("int")]), default: .null),
                ])),
                ("connect.doc", .string(name)), ("connect.version", .int(1)),
                ("connect.name", .string("io.debezium.data.geometry.\(name)")),
            ])
        }
    }

    private static func semantic(_ base: String, _ name: String, parameters: [(String, String)] = []) -> OrderedJSON {
        var members: [(String, OrderedJSON)] = [("type", .string(base)), ("connect.version", .int(1))]
        if !parameters.isEmpty { members.append(("connect.parameters", .object(parameters.map { ($0, .string($1)) }))) }
        members.append(("connect.name", .string(name)))
        return .object(members)
    }

    private static func decimal(precision: Int64, scale: Int64, declaredPrecision: Bool) -> OrderedJSON {
        var parameters: [(String, OrderedJSON)] = [("scale", .string(String(scale)))]
        if declaredPrecision { parameters.append(("connect.decimal.precision", .string(String(precision)))) }
        return .object([
            ("type", .string("bytes")), ("scale", .int(scale)), ("precision", .int(precision)),
            ("connect.version", .int(1)), ("connect.parameters", .object(parameters)),
            ("connect.name", .string("org.apache.kafka.connect.data.Decimal")), ("logicalType", .string("decimal")),
        ])
    }

    /// A named record is defined at its first use and referenced by full name afterwards.
    private static func namedOnce(_ fullName: String, names: inout Set<String>, _ definition: () -> OrderedJSON) -> OrderedJSON {
        if names.contains(fullName) { return .string(fullName) }
        names.insert(fullName)
        return definition()
    }
}
