/// How values of the types for which Debezium has handling modes are represented: numeric and
/// money (`decimal.handling.mode`), interval (`interval.handling.mode`) and hstore
/// (`hstore.handling.mode`). `--decimal`, `--interval` and `--hstore` of `snapshot` and `stream`.
///
/// Applied once per table, when its columns are described (`TypeResolver`): a mode turns a
/// column's `ColumnType` into the representation it selects (`ColumnType.applying`), which the
/// converter and the Avro schema then follow, so no event pays for the choice.
public struct TypeModes: Equatable, Sendable {
    /// Debezium's `decimal.handling.mode`.
    public enum Decimal: String, CaseIterable, Sendable {
        /// The unscaled value as two's-complement big-endian bytes (base64 in JSON, Avro's
        /// decimal logical type); numeric without a scale is `{scale, value}`.
        case precise
        /// The exact decimal text.
        case string
        /// A double (may lose digits).
        case double
    }

    /// Debezium's `interval.handling.mode`.
    public enum Interval: String, CaseIterable, Sendable {
        /// Microseconds, a month counting 30.4375 days (`io.debezium.time.MicroDuration`).
        case numeric
        /// ISO 8601 `P<y>Y<m>M<d>DT<h>H<m>M<s>S` (`io.debezium.time.Interval`).
        case string
    }

    /// Debezium's `hstore.handling.mode`, plus `text` (PostgreSQL's own form, cdcctl's default).
    public enum Hstore: String, CaseIterable, Sendable {
        /// A JSON object in a string (`io.debezium.data.Json`): Debezium's default.
        case json
        /// A map of string to optional string.
        case map
        /// PostgreSQL's text form (`"a"=>"1", "b"=>NULL`).
        case text
    }

    /// The decimal mode, or nil for each format's own: the exact string in JSON, `precise` in Avro.
    public var decimal: Decimal?
    /// The interval mode.
    public var interval: Interval
    /// The hstore mode.
    public var hstore: Hstore

    /// cdcctl's defaults: decimals as each format writes them, intervals in microseconds, hstore as text.
    public init(decimal: Decimal? = nil, interval: Interval = .numeric, hstore: Hstore = .text) {
        self.decimal = decimal
        self.interval = interval
        self.hstore = hstore
    }
}

extension ColumnType {
    /// The representation `modes` select for this type (itself when no mode concerns it).
    public func applying(_ modes: TypeModes) -> ColumnType {
        switch self {
        case .numeric, .money:
            return modes.decimal.map { .decimal($0, base: self) } ?? self
        case .interval:
            return modes.interval == .string ? .intervalString : self
        case .otherText(let name) where name == "hstore":
            switch modes.hstore {
            case .json: return .hstoreJSON
            case .map: return .hstoreMap
            case .text: return self
            }
        case .array(let element):
            return .array(element: element.applying(modes))
        default:
            return self
        }
    }
}
