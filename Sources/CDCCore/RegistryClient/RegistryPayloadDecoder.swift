import AvroCodec
import Foundation

/// Decodes keys and values in Confluent's wire format (magic 0, schema id, Avro body) through
/// the schema registry and renders them as JSON, for any Avro schema; anything else (including
/// bytes that only look framed) passes through untouched. Schemas are fetched once per id and compiled once.
public final class RegistryPayloadDecoder: PayloadDecoder, @unchecked Sendable {
    private let client: SchemaRegistryClient
    private let lock = NSLock()
    private var compiled: [Int32: AvroCompiledSchema] = [:]

    /// Creates a decoder that looks schemas up through `client`.
    public init(client: SchemaRegistryClient) { self.client = client }

    public func decode(_ bytes: [UInt8], field: KafkaMessageField, topic: String) throws -> DecodedPayload {
        guard bytes.count >= 5, bytes[0] == ConfluentWireFormat.magic else { return .bytes(bytes) }
        let (id, body) = try ConfluentWireFormat.parse(bytes)
        // Binary data may start with a zero byte by chance: an id the registry does not know,
        // or a body that is not Avro of that schema, means "not ours" and passes through.
        let schema: AvroCompiledSchema
        do {
            schema = try self.schema(id)
        } catch let error as RegistryClientError where error.status == 404 {
            return .bytes(bytes)
        }
        guard let value = try? AvroBinaryReader.decode(Array(body), as: schema),
              let json = try? AvroJSON.render(value, as: schema, style: .plain) else { return .bytes(bytes) }
        return .json(Array(json.utf8))
    }

    private func schema(_ id: Int32) throws -> AvroCompiledSchema {
        if let known = lock.withLock({ compiled[id] }) { return known }
        let schema = try AvroCompiledSchema(json: try client.schema(id: id))
        lock.withLock { compiled[id] = schema }
        return schema
    }
}
