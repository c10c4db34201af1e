import AvroCodec

/// How the registry tells schemas apart and how it prints them.
///
/// - Identity: two schemas are one (one id, one version) when their Avro meaning is the same:
///   Parsing Canonical Form (so `"string"` and `{"type":"string"}`, a redundant `namespace`, key
///   order and whitespace don't matter) plus what Kafka Connect reads from a schema and Avro uses
///   when resolving: docs, aliases, field and enum defaults, field order, logical types with
///   their precision and scale, and the `connect.*` properties (`connect.name`,
///   `connect.version`, `connect.parameters`, `connect.default`, `connect.doc`, `connect.type`).
///   Other extra properties (and `name` on a primitive, which Avro ignores) don't count: the
///   first spelling registered is the one served. Confluent's registry compares Avro Java's
///   printed form, which also ignores spelling; this is what lets Confluent's AvroConverter,
///   which looks a schema up in that printed form, find the schema cdcctl registered.
/// - Text: schemas are served compact (whitespace outside strings removed), members in the order
///   they were registered, as Confluent serves them without whitespace.
enum RegistrySchemaText {
    /// What the identity keeps beyond Parsing Canonical Form.
    static let identityExtras = AvroCanonicalForm.Extras(
        docs: true, aliases: true, defaults: true, order: true, logicalTypes: true,
        // An invalid logicalType (and its precision/scale) stays a property; Connect still reads it.
        properties: { $0.hasPrefix("connect.") || $0 == "logicalType" || $0 == "precision" || $0 == "scale" })

    /// The identity key of a parsed schema.
    static func identity(of schema: AvroSchema) -> String {
        schema.canonicalForm(keeping: identityExtras)
    }

    /// The identity key of a stored schema that no longer parses (written by an older cdcctl):
    /// its own text, marked so that no parsable schema's key can equal it.
    static func identity(ofUnparsable text: String) -> String {
        "unparsable:" + text
    }

    /// `json` (valid JSON text) without whitespace outside strings; everything else as it is.
    static func compact(_ json: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(json.utf8.count)
        var inString = false
        var escaped = false
        for byte in json.utf8 {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                out.append(byte)
            } else {
                switch byte {
                case 0x20, 0x09, 0x0A, 0x0D: continue
                case UInt8(ascii: "\""): inString = true
                default: break
                }
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
