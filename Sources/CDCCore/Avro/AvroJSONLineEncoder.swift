import AvroCodec

/// `produce --avro-schema`: each input record is a JSON value of the schema, encoded as Avro in
/// Confluent's wire format with the id the registry gives the schema under `subject`.
///
/// JSON follows the conventions of Avro default values: a union value is written as the plain
/// value (the first branch it fits is taken), enums as their symbol, bytes and fixed as strings
/// of code points U+0000–U+00FF, records as objects (missing fields take their defaults).
public struct AvroJSONLineEncoder {
    /// The registry subject the schema was registered under.
    public let subject: String
    /// The schema id every record is framed with.
    public let schemaID: Int32
    private let schema: AvroSchema
    private let compiled: AvroCompiledSchema
    private var out = ByteWriter(capacity: 256)

    /// Parses `schemaJSON` (`source` names it in errors) and registers it under `subject`.
    public init(schemaJSON: String, source: String, subject: String, registry: SchemaRegistryClient) throws {
        do {
            schema = try AvroSchemaParser.parse(schemaJSON)
            compiled = try AvroCompiledSchema(schema)
        } catch {
            throw AvroLineError("invalid Avro schema in \(source): \(error)")
        }
        self.subject = subject
        schemaID = try registry.register(subject: subject, schema: schemaJSON)
    }

    /// The framed Avro record for one JSON text; `number` (1-based) names the record in errors.
    public mutating func encode(_ record: UnsafeRawBufferPointer, number: Int) throws -> [UInt8] {
        let text = String(decoding: record, as: UTF8.self)
        let value: AvroValue
        do {
            value = try AvroDefaultValue.value(from: try AvroJSONValue(parsing: text), as: schema)
        } catch {
            throw AvroLineError("record \(number) does not fit the schema of subject \(subject): \(error)")
        }
        out.reset()
        ConfluentWireFormat.writeHeader(schemaID: schemaID, into: &out)
        out.write(try AvroBinaryWriter.encode(value, as: compiled))
        return out.bytes
    }
}

/// Input that cannot be encoded as Avro.
public struct AvroLineError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
