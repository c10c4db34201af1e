/// Turns a message key or value into what `consume` prints. The hook for values in Confluent's
/// wire format (magic byte, schema id, Avro body), which `RegistryPayloadDecoder` renders as
/// JSON; `consume --raw` always uses `PassthroughPayloadDecoder`.
public protocol PayloadDecoder {
    /// Decodes a non-NULL, non-empty key or value of a message from `topic`. Throwing stops
    /// `consume` with that error: bytes that are not the decoder's to decode are returned as
    /// `.bytes`, never thrown about.
    func decode(_ bytes: [UInt8], field: KafkaMessageField, topic: String) throws -> DecodedPayload
}

/// Which part of a message is being decoded.
public enum KafkaMessageField: Sendable, Equatable {
    /// The key.
    case key
    /// The value (kcat's "payload").
    case value
}

/// A decoded key or value.
public enum DecodedPayload: Sendable, Equatable {
    /// Bytes to print as they are (a JSON string in `-J` output).
    case bytes([UInt8])
    /// A JSON document, embedded as it is in `-J` output and printed as text otherwise.
    case json([UInt8])
}

/// Leaves keys and values as they are: what `--raw` selects, and what `consume` uses when no
/// schema registry is named.
public struct PassthroughPayloadDecoder: PayloadDecoder {
    /// Creates the decoder.
    public init() {}

    public func decode(_ bytes: [UInt8], field: KafkaMessageField, topic: String) throws -> DecodedPayload {
        .bytes(bytes)
    }
}
