/// cdcctl's column type mapping, one row per PostgreSQL type, as `docs/types.md` publishes it.
/// A test renders each example through the real converter and checks the document against it.
public enum TypeMapping {
    /// One documented mapping.
    public struct Row: Sendable {
        /// The PostgreSQL type as users write it.
        public let postgres: String
        /// The type the converter follows.
        public let type: ColumnType
        /// A value in PostgreSQL's text output form.
        public let example: String
        /// The Avro / Kafka Connect type (Debezium defaults).
        public let connect: String
        /// The semantic name (Avro `connect.name`), or "–".
        public let semantic: String
    }

    /// Every documented mapping, in document order.
    public static let rows: [Row] = [
        Row(postgres: "boolean", type: .boolean, example: "t", connect: "boolean", semantic: "–"),
        Row(postgres: "smallint", type: .int16, example: "-32768", connect: "int (int16)", semantic: "–"),
        Row(postgres: "integer", type: .int32, example: "2147483647", connect: "int", semantic: "–"),
        Row(postgres: "bigint, oid", type: .int64, example: "-9223372036854775808", connect: "long", semantic: "–"),
        Row(postgres: "real", type: .float32, example: "NaN", connect: "float", semantic: "–"),
        Row(postgres: "double precision", type: .float64, example: "1.5e-07", connect: "double", semantic: "–"),
        Row(postgres: "numeric(p,s)", type: .numeric(precision: 10, scale: 2), example: "-12.50", connect: "bytes (decimal p,s)", semantic: "org.apache.kafka.connect.data.Decimal"),
        Row(postgres: "numeric", type: .numeric(precision: nil, scale: nil), example: "0.00000000000000000001", connect: "record {scale, value}", semantic: "io.debezium.data.VariableScaleDecimal"),
        Row(postgres: "money", type: .money, example: "1234.56", connect: "bytes (decimal, scale 2)", semantic: "org.apache.kafka.connect.data.Decimal"),
        Row(postgres: "text, varchar, char, name, citext", type: .text, example: "say \"hi\" é", connect: "string", semantic: "–"),
        Row(postgres: "bytea", type: .bytea, example: "\\x00ff10", connect: "bytes", semantic: "–"),
        Row(postgres: "date", type: .date, example: "2026-11-24", connect: "int (days)", semantic: "io.debezium.time.Date"),
        Row(postgres: "date ±infinity", type: .date, example: "infinity", connect: "int (days)", semantic: "io.debezium.time.Date"),
        Row(postgres: "time(0–3)", type: .time(precision: 3), example: "10:15:30.123", connect: "int (ms)", semantic: "io.debezium.time.Time"),
        Row(postgres: "time, time(4–6)", type: .time(precision: 6), example: "10:15:30.123456", connect: "long (µs)", semantic: "io.debezium.time.MicroTime"),
        Row(postgres: "timetz", type: .timetz, example: "10:15:30+02", connect: "string", semantic: "io.debezium.time.ZonedTime"),
        Row(postgres: "timestamp(0–3)", type: .timestamp(precision: 3), example: "2026-11-24 10:15:30.123", connect: "long (ms)", semantic: "io.debezium.time.Timestamp"),
        Row(postgres: "timestamp, timestamp(4–6)", type: .timestamp(precision: 6), example: "1969-12-31 23:59:59.5", connect: "long (µs)", semantic: "io.debezium.time.MicroTimestamp"),
        Row(postgres: "timestamp ±infinity", type: .timestamp(precision: 6), example: "-infinity", connect: "long", semantic: "io.debezium.time.MicroTimestamp"),
        Row(postgres: "timestamptz, timestamptz(6)", type: .timestamptz(precision: 6), example: "2026-11-24 10:15:30.5+00", connect: "string", semantic: "io.debezium.time.ZonedTimestamp"),
        Row(postgres: "timestamptz(3)", type: .timestamptz(precision: 3), example: "2026-11-24 10:15:30.5+00", connect: "string", semantic: "io.debezium.time.ZonedTimestamp"),
        Row(postgres: "timestamptz BC", type: .timestamptz(precision: 6), example: "0044-03-15 10:00:00+00 BC", connect: "string", semantic: "io.debezium.time.ZonedTimestamp"),
        Row(postgres: "interval", type: .interval, example: "P1Y2M3DT4H5M6.5S", connect: "long (µs, month = 30.4375 days)", semantic: "io.debezium.time.MicroDuration"),
        Row(postgres: "uuid", type: .uuid, example: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", connect: "string", semantic: "io.debezium.data.Uuid"),
        Row(postgres: "json, jsonb", type: .json, example: "{\"a\": [1, 2]}", connect: "string", semantic: "io.debezium.data.Json"),
        Row(postgres: "xml", type: .xml, example: "<a>1</a>", connect: "string", semantic: "io.debezium.data.Xml"),
        Row(postgres: "enum", type: .enumeration(labels: ["sad", "happy"]), example: "happy", connect: "string", semantic: "io.debezium.data.Enum"),
        Row(postgres: "bit(1)", type: .bit(length: 1), example: "1", connect: "boolean", semantic: "–"),
        Row(postgres: "bit(n), varbit", type: .varbit, example: "10110", connect: "bytes", semantic: "io.debezium.data.Bits"),
        Row(postgres: "point", type: .point, example: "(1.5,-2)", connect: "record {x, y, wkb, srid}", semantic: "io.debezium.data.geometry.Point"),
        Row(postgres: "ltree", type: .ltree, example: "a.b.c", connect: "string", semantic: "io.debezium.data.Ltree"),
        Row(postgres: "tsvector", type: .tsvector, example: "'a' 'b'", connect: "string", semantic: "io.debezium.data.Tsvector"),
        Row(postgres: "hstore", type: .otherText(name: "hstore"), example: "\"a\"=>\"1\", \"b\"=>NULL", connect: "string", semantic: "–"),
        Row(postgres: "geometry (PostGIS)", type: .geometry, example: "0101000020E6100000000000000000F03F0000000000000040",
            connect: "record {wkb, srid}", semantic: "io.debezium.data.geometry.Geometry"),
        Row(postgres: "geography (PostGIS)", type: .geography, example: "0101000020E6100000000000000000F03F0000000000000040",
            connect: "record {wkb, srid}", semantic: "io.debezium.data.geometry.Geography"),
        Row(postgres: "inet, cidr, macaddr, ranges, other types", type: .otherText(name: "inet"), example: "10.0.0.1/8", connect: "string", semantic: "–"),
        Row(postgres: "arrays (any dimension)", type: .array(element: .int32), example: "{{1,NULL},{3,4}}", connect: "array (optional elements)", semantic: "–"),
    ]

    /// One documented type mode: the representation a flag selects for a type.
    public struct ModeRow: Sendable {
        /// The flag as users write it, e.g. `--decimal precise`.
        public let flag: String
        /// The modes the flag sets.
        public let modes: TypeModes
        /// The PostgreSQL type as users write it.
        public let postgres: String
        /// The type as the catalog describes it (before the modes).
        public let base: ColumnType
        /// A value in PostgreSQL's text output form.
        public let example: String
        /// The Avro / Kafka Connect type.
        public let connect: String
        /// The semantic name (Avro `connect.name`), or "–".
        public let semantic: String

        /// The type the converter follows under the flag.
        public var type: ColumnType { base.applying(modes) }
    }

    /// Every documented mode, in document order (`docs/types.md`, "Type modes").
    public static let modeRows: [ModeRow] = [
        ModeRow(flag: "--decimal precise", modes: TypeModes(decimal: .precise), postgres: "numeric(p,s)", base: .numeric(precision: 10, scale: 2),
                example: "-12.50", connect: "bytes (decimal p,s)", semantic: "org.apache.kafka.connect.data.Decimal"),
        ModeRow(flag: "--decimal precise", modes: TypeModes(decimal: .precise), postgres: "numeric", base: .numeric(precision: nil, scale: nil),
                example: "0.00000000000000000001", connect: "record {scale, value}", semantic: "io.debezium.data.VariableScaleDecimal"),
        ModeRow(flag: "--decimal precise", modes: TypeModes(decimal: .precise), postgres: "money", base: .money,
                example: "1234.56", connect: "bytes (decimal, scale 2)", semantic: "org.apache.kafka.connect.data.Decimal"),
        ModeRow(flag: "--decimal string", modes: TypeModes(decimal: .string), postgres: "numeric, money", base: .numeric(precision: 10, scale: 2),
                example: "-12.50", connect: "string", semantic: "–"),
        ModeRow(flag: "--decimal double", modes: TypeModes(decimal: .double), postgres: "numeric, money", base: .numeric(precision: 10, scale: 2),
                example: "-12.50", connect: "double", semantic: "–"),
        ModeRow(flag: "--decimal double", modes: TypeModes(decimal: .double), postgres: "numeric NaN", base: .numeric(precision: nil, scale: nil),
                example: "NaN", connect: "double", semantic: "–"),
        ModeRow(flag: "--interval string", modes: TypeModes(interval: .string), postgres: "interval", base: .interval,
                example: "P1Y2M3DT4H5M6.5S", connect: "string", semantic: "io.debezium.time.Interval"),
        ModeRow(flag: "--interval string", modes: TypeModes(interval: .string), postgres: "interval", base: .interval,
                example: "P-1DT-0.25S", connect: "string", semantic: "io.debezium.time.Interval"),
        ModeRow(flag: "--hstore json", modes: TypeModes(hstore: .json), postgres: "hstore", base: .otherText(name: "hstore"),
                example: "\"a\"=>\"1\", \"b\"=>NULL", connect: "string", semantic: "io.debezium.data.Json"),
        ModeRow(flag: "--hstore map", modes: TypeModes(hstore: .map), postgres: "hstore", base: .otherText(name: "hstore"),
                example: "\"a\"=>\"1\", \"b\"=>NULL", connect: "map (string → optional string)", semantic: "–"),
    ]
}
