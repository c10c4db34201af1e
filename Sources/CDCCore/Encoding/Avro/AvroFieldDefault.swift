import AvroCodec

/// The Avro `default` of a NOT NULL column's field, from the column's constant default, as
/// Debezium writes it into its schemas. Without it, `ALTER TABLE … ADD COLUMN c int NOT NULL
/// DEFAULT 0` gives a new schema version with a required field and no default, which a registry
/// under its default BACKWARD rule refuses (409), stopping the stream.
enum AvroFieldDefault {
    /// The default for `column`'s field, or nil when it has none that Avro can carry (no
    /// constant default, a float, an array or a record type).
    static func json(for column: Column) -> OrderedJSON? {
        guard let text = column.defaultText,
              let value = try? TypedValue.convert(text: text, as: column.type) else { return nil }
        switch (column.type, value) {
        case (.bit(let length), .bool(let bit)) where length == 1: return .bool(bit)
        case (_, .bool(let bool)): return .bool(bool)
        case (_, .int(let int)): return .int(int)
        case (_, .string(let string)): return .string(string)
        case (.numeric(_, let scale?), .decimal(let decimal)):
            // Avro's JSON form of bytes: one code point per byte.
            guard let bytes = try? AvroDecimal.unscaledBytes(decimal, scale: max(scale, 0)) else { return nil }
            return .string(String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) })))
        case (.money, .decimal(let decimal)):
            guard let bytes = try? AvroDecimal.unscaledBytes(decimal, scale: 2) else { return nil }
            return .string(String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) })))
        case (_, .bytes(let bytes)):
            return .string(String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) })))
        default:
            return nil
        }
    }

    /// The value of a column default as `pg_get_expr` prints it, when it is a constant
    /// (`0`, `'x'::text`, `true`, `'-1.5'::numeric`); nil for anything computed (`now()`,
    /// `nextval(…)`) or NULL.
    static func constantText(_ expression: String) -> String? {
        var text = Substring(expression)
        while text.hasPrefix("(") && text.hasSuffix(")") { text = text.dropFirst().dropLast() }
        if text == "true" { return "t" }
        if text == "false" { return "f" }
        if let first = text.first, first == "-" || first.isNumber,
           text.dropFirst().allSatisfy({ $0.isNumber || $0 == "." }), text.contains(where: \.isNumber) {
            return String(text)
        }
        guard text.hasPrefix("'") else { return nil }
        // '<literal>'::<type>, with quotes doubled inside the literal.
        var literal = ""
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            let character = text[index]
            index = text.index(after: index)
            if character == "'" {
                if index < text.endIndex && text[index] == "'" {
                    literal.append("'")
                    index = text.index(after: index)
                    continue
                }
                return text[index...].hasPrefix("::") ? literal : nil
            }
            literal.append(character)
        }
        return nil
    }
}
