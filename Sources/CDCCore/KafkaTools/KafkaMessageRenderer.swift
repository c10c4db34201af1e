/// Writes consumed messages the way kcat does: through a `-f` format (or kcat's default
/// value-and-delimiter format), or as `-J` JSON envelopes followed by the delimiter.
public struct KafkaMessageRenderer {
    /// How messages are written.
    public enum Style {
        /// Through a format.
        case format(KafkaOutputFormat)
        /// One JSON object per message, then `delimiter`.
        case json(delimiter: [UInt8])
    }

    private let style: Style
    private let nullString: [UInt8]?
    private let decoder: any PayloadDecoder
    /// Whether the output shows the key / the value (and so decodes it).
    private let showsKey: Bool
    private let showsValue: Bool

    /// Creates a renderer. `nullString` (kcat's `-Z`: "NULL") replaces empty and NULL keys and
    /// values in formatted output; JSON always writes null.
    public init(style: Style, nullString: [UInt8]? = nil, decoder: any PayloadDecoder = PassthroughPayloadDecoder()) {
        self.style = style
        self.nullString = nullString
        self.decoder = decoder
        switch style {
        case .format(let format):
            showsKey = format.tokens.contains(.key)
            showsValue = format.tokens.contains(.payload)
        case .json:
            (showsKey, showsValue) = (true, true)
        }
    }

    /// Appends `message` to `out`. Keys and values are decoded before anything is written, so
    /// a decoder's error (rethrown) leaves `out` as it was: never a partial line.
    public func render(_ message: KafkaMessage, into out: inout ByteWriter) throws {
        let key = showsKey ? try decoded(message.key, .key, message.topic) : nil
        let value = showsValue ? try decoded(message.value, .value, message.topic) : nil
        switch style {
        case .format(let format): renderFormat(format, message, key: key, value: value, into: &out)
        case .json(let delimiter): renderJSON(message, key: key, value: value, delimiter: delimiter, into: &out)
        }
    }

    /// The decoded key or value; nil for NULL, and for empty bytes (which kcat prints as nothing).
    private func decoded(_ bytes: [UInt8]?, _ field: KafkaMessageField, _ topic: String) throws -> DecodedPayload? {
        guard let bytes else { return nil }
        guard !bytes.isEmpty else { return .bytes(bytes) }
        return try decoder.decode(bytes, field: field, topic: topic)
    }

    private func renderFormat(_ format: KafkaOutputFormat, _ m: KafkaMessage, key: DecodedPayload?, value: DecodedPayload?,
                              into out: inout ByteWriter) {
        for token in format.tokens {
            switch token {
            case .literal(let bytes): out.write(bytes)
            case .key: writeField(key, into: &out)
            case .keyLength: out.write(decimal: Int64(m.key?.count ?? -1))
            case .payload: writeField(value, into: &out)
            case .payloadLength: out.write(decimal: Int64(m.value?.count ?? -1))
            case .payloadLengthBinary:
                let length = UInt32(bitPattern: Int32(truncatingIfNeeded: m.value?.count ?? -1))
                out.write(UInt8(length >> 24)); out.write(UInt8(length >> 16 & 0xFF))
                out.write(UInt8(length >> 8 & 0xFF)); out.write(UInt8(length & 0xFF))
            case .topic: out.write(string: m.topic)
            case .partition: out.write(decimal: Int64(m.partition))
            case .offset: out.write(decimal: m.offset)
            case .timestamp: out.write(decimal: m.timestamp ?? -1)
            case .headers:
                for (i, header) in m.headers.enumerated() {
                    if i > 0 { out.write(UInt8(ascii: ",")) }
                    out.write(string: header.name)
                    out.write(UInt8(ascii: "="))
                    if let value = header.value { out.write(value) } else { out.write("NULL") }
                }
            }
        }
    }

    /// kcat writes the bytes when there are any, else its NULL string under `-Z`.
    private func writeField(_ payload: DecodedPayload?, into out: inout ByteWriter) {
        switch payload {
        case .bytes(let b)? where !b.isEmpty: out.write(b)
        case .json(let b)?: out.write(b)
        default: if let nullString { out.write(nullString) }
        }
    }

    private func renderJSON(_ m: KafkaMessage, key: DecodedPayload?, value: DecodedPayload?, delimiter: [UInt8], into out: inout ByteWriter) {
        out.write("{")
        KafkaJSON.writeKey("topic", into: &out); KafkaJSON.writeString(m.topic, into: &out)
        out.write(","); KafkaJSON.writeKey("partition", into: &out); out.write(decimal: Int64(m.partition))
        out.write(","); KafkaJSON.writeKey("offset", into: &out); out.write(decimal: m.offset)
        if let type = m.timestampType.kcatName, let ts = m.timestamp {
            out.write(","); KafkaJSON.writeKey("tstype", into: &out); KafkaJSON.writeString(type, into: &out)
            out.write(","); KafkaJSON.writeKey("ts", into: &out); out.write(decimal: ts)
        }
        out.write(","); KafkaJSON.writeKey("broker", into: &out); out.write(decimal: Int64(m.brokerID))
        if !m.headers.isEmpty {
            out.write(","); KafkaJSON.writeKey("headers", into: &out); out.write("[")
            for (i, header) in m.headers.enumerated() {
                if i > 0 { out.write(",") }
                KafkaJSON.writeString(header.name, into: &out)
                out.write(",")
                if let value = header.value { KafkaJSON.writeString(value, into: &out) } else { out.write("null") }
            }
            out.write("]")
        }
        out.write(","); KafkaJSON.writeKey("key", into: &out); writeJSON(key, into: &out)
        out.write(","); KafkaJSON.writeKey("payload", into: &out); writeJSON(value, into: &out)
        out.write("}")
        out.write(delimiter)
    }

    private func writeJSON(_ payload: DecodedPayload?, into out: inout ByteWriter) {
        switch payload {
        case nil: out.write("null")
        case .bytes(let b)?: KafkaJSON.writeString(b, into: &out)
        case .json(let b)?: out.write(b)
        }
    }
}
