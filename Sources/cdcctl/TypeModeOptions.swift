import ArgumentParser
import CDCCore

extension TypeModes.Decimal: ExpressibleByArgument {}
extension TypeModes.Interval: ExpressibleByArgument {}
extension TypeModes.Hstore: ExpressibleByArgument {}

/// `--decimal`, `--interval`, `--hstore` of `snapshot` and `stream`: Debezium's
/// `decimal.handling.mode`, `interval.handling.mode` and `hstore.handling.mode`.
struct TypeModeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("numeric and money: precise (unscaled bytes; base64 in JSON, Avro decimal), string (exact text) or double (default: string in JSON, precise in Avro).", valueName: "mode"))
    var decimal: TypeModes.Decimal?

    @Option(help: ArgumentHelp("interval: numeric (microseconds, MicroDuration) or string (ISO 8601, io.debezium.time.Interval).", valueName: "mode"))
    var interval: TypeModes.Interval = .numeric

    @Option(help: ArgumentHelp("hstore: json (a JSON object in a string, Debezium's default), map, or text (PostgreSQL's form).", valueName: "mode"))
    var hstore: TypeModes.Hstore = .text

    /// The modes as the library takes them.
    var modes: TypeModes { TypeModes(decimal: decimal, interval: interval, hstore: hstore) }
}
