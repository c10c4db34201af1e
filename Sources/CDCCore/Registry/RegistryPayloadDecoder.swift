import AvroCodec
import Foundation
import Synchronization

/// What `consume` does with a message in Confluent's wire format whose schema it cannot get
/// (`--on-decode-error`).
public enum DecodeFailurePolicy: String, Sendable, CaseIterable {
    /// Stop with an error naming the registry, the schema id and the topic (the default).
    case fail
    /// Write such messages' bytes untouched, with one notice per schema id on stderr.
    case pass
}

/// Decodes keys and values in Confluent's wire format (magic 0, schema id, Avro body) through
/// the schema registry and renders them as JSON (natural or the Avro spec's, `AvroJSONForm`), for any Avro schema. Bytes that only look
/// framed (an id the registry definitely does not know, a body that is not Avro of that
/// schema) pass through untouched: that is data. A registry that is down, erroring or silent is
/// a failure: an error, or with `.pass` a notice and the bytes untouched. Schemas are fetched
/// once per id and compiled once.
public final class RegistryPayloadDecoder: PayloadDecoder, Sendable {
    private enum Entry {
        case schema(AvroCompiledSchema)
        /// The registry does not know the id: such bytes are not ours.
        case unknown
        /// It could not be fetched, and `.pass` was chosen.
        case undecodable
    }

    private let client: SchemaRegistryClient
    private let policy: DecodeFailurePolicy
    private let form: AvroJSONForm
    private let notice: @Sendable (String) -> Void
    private let entries = Mutex<[Int32: Entry]>([:])

    /// Creates a decoder that looks schemas up through `client` and prints values in `form`;
    /// with `.pass`, `notice` gets one line per schema id that could not be fetched.
    public init(client: SchemaRegistryClient, onFailure policy: DecodeFailurePolicy = .fail, form: AvroJSONForm = .natural,
                notice: @escaping @Sendable (String) -> Void = { _ in }) {
        self.client = client
        self.policy = policy
        self.form = form
        self.notice = notice
    }

    public func decode(_ bytes: [UInt8], field: KafkaMessageField, topic: String) throws -> DecodedPayload {
        guard ConfluentWireFormat.looksFramed(bytes) else { return .bytes(bytes) }
        let (id, body) = try ConfluentWireFormat.parse(bytes)
        // Binary data may start with a zero byte by chance: an id the registry does not know,
        // or a body that is not Avro of that schema, means "not ours" and passes through.
        guard case .schema(let schema) = try entry(id, field: field, topic: topic),
              let value = try? AvroBinaryReader.decode(Array(body), as: schema),
              let json = try? AvroJSON.render(value, as: schema, style: form.style) else { return .bytes(bytes) }
        return .json(Array(json.utf8))
    }

    private func entry(_ id: Int32, field: KafkaMessageField, topic: String) throws -> Entry {
        if let known = entries.withLock({ $0[id] }) { return known }
        let entry: Entry
        do {
            entry = .schema(try AvroCompiledSchema(json: try client.schema(id: id)))
        } catch let error as RegistryClientError where error.isUnknownSchemaID {
            entry = .unknown
        } catch {
            let reason = (error as? RegistryClientError)?.reason ?? "not an Avro schema cdcctl can read: \(error)"
            guard policy == .pass else {
                let part = field == .key ? "key" : "value"
                throw RegistryDecodeError("""
                    schema \(id) (\(part) of a message in topic \(topic)) could not be fetched from \(client.displayURL): \
                    \(reason); --on-decode-error pass writes such messages undecoded
                    """)
            }
            entry = .undecodable
            notice("cdcctl: schema \(id) could not be fetched from \(client.displayURL): \(reason); passing its messages through undecoded")
        }
        entries.withLock { $0[id] = entry }
        return entry
    }
}

/// A message `consume` cannot decode because its schema could not be fetched.
public struct RegistryDecodeError: Error, CustomStringConvertible, Sendable {
    /// The one-line description.
    public let description: String
    init(_ description: String) { self.description = description }
}
