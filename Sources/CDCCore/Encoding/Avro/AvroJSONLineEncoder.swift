import AvroCodec

/// `produce --avro-schema`: each input record is a JSON value of the schema, encoded as Avro in
/// Confluent's wire format with the id the registry gives the schema under `subject`.
///
/// The JSON is read in one `AvroJSONForm` (`--json-form`), the inverse of what
/// `consume --json-form` prints; see `AvroJSONReader` for both forms. A value that does not fit
/// is an error naming the record number, the field path and the expected type.
public struct AvroJSONLineEncoder {
    /// The registry subject the schema was registered under.
    public let subject: String
    /// The schema id every record is framed with.
    public let schemaID: Int32
    /// The JSON form records are read in.
    public let form: AvroJSONForm
    private let compiled: AvroCompiledSchema
    private var out = ByteWriter(capacity: 256)

    /// Parses `schemaJSON` (`source` names it in errors) and registers it under `subject`.
    public init(schemaJSON: String, source: String, subject: String, form: AvroJSONForm = .natural,
                registry: SchemaRegistryClient) throws {
        do {
            compiled = try AvroCompiledSchema(AvroSchemaParser.parse(schemaJSON))
        } catch {
            throw AvroLineError("invalid Avro schema in \(source): \(error)")
        }
        self.subject = subject
        self.form = form
        schemaID = try registry.register(subject: subject, schema: schemaJSON)
    }

    /// The framed Avro record for one JSON text; `number` (1-based) names the record in errors.
    public mutating func encode(_ record: UnsafeRawBufferPointer, number: Int) throws -> [UInt8] {
        let text = String(decoding: record, as: UTF8.self)
        let json: AvroJSONValue
        do {
            json = try AvroJSONValue(parsing: text)
        } catch {
            throw AvroLineError("record \(number) is not JSON (\(form.rawValue) form for subject \(subject)): \(error)")
        }
        let value: AvroValue
        do {
            value = try AvroJSONReader.value(from: json, as: compiled, style: form.style)
        } catch {
            throw AvroLineError("record \(number) does not fit the schema of subject \(subject) (\(form.rawValue) form): \(error)")
        }
        out.reset()
        ConfluentWireFormat.write(schemaID: schemaID, body: try AvroBinaryWriter.encode(value, as: compiled), into: &out)
        return out.bytes
    }
}

/// Input that cannot be encoded as Avro.
public struct AvroLineError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
