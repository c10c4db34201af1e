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

    /// Creates a renderer. `nullString` (kcat's `-Z`: "NULL") replaces empty and NULL keys and
    /// values in formatted output; JSON always writes null.
    public init(style: Style, nullString: [UInt8]? = nil, decoder: any PayloadDecoder = PassthroughPayloadDecoder()) {
        self.style = style
        self.nullString = nullString
        self.decoder = decoder
    }

    /// Appends `message` to `out`.
    public func render(_ message: KafkaMessage, into out: inout ByteWriter) {
        switch style {
        case .format(let format): renderFormat(format, message, into: &out)
        case .json(let delimiter): renderJSON(message, delimiter: delimiter, into: &out)
        }
    }

    private func decoded(_ bytes: [UInt8]?, _ field: KafkaMessageField, _ topic: String) -> (DecodedPayload?, String?) {
        guard let bytes else { return (nil, nil) }
        do {
            return (try decoder.decode(bytes, field: field, topic: topic), nil)
        } catch {
            return (.bytes(bytes), "\(error)")
        }
    }

    private func renderFormat(_ format: KafkaOutputFormat, _ m: KafkaMessage, into out: inout ByteWriter) {
        for token in format.tokens {
            switch token {
            case .literal(let bytes): out.write(bytes)
            case .key: writeField(m.key, .key, m.topic, into: &out)
            case .keyLength: out.write(decimal: Int64(m.key?.count ?? -1))
            case .payload: writeField(m.value, .value, m.topic, into: &out)
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
    private func writeField(_ bytes: [UInt8]?, _ field: KafkaMessageField, _ topic: String, into out: inout ByteWriter) {
        if let bytes, !bytes.isEmpty {
            switch decoded(bytes, field, topic).0 {
            case .bytes(let b)?, .json(let b)?: out.write(b)
            case nil: break
            }
        } else if let nullString {
            out.write(nullString)
        }
    }

    private func renderJSON(_ m: KafkaMessage, delimiter: [UInt8], into out: inout ByteWriter) {
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
        let (key, keyError) = decoded(m.key, .key, m.topic)
        let (value, valueError) = decoded(m.value, .value, m.topic)
        out.write(","); KafkaJSON.writeKey("key", into: &out); writeJSON(key, into: &out)
        out.write(","); KafkaJSON.writeKey("payload", into: &out); writeJSON(value, into: &out)
        if let keyError { out.write(","); KafkaJSON.writeKey("key_error", into: &out); KafkaJSON.writeString(keyError, into: &out) }
        if let valueError { out.write(","); KafkaJSON.writeKey("payload_error", into: &out); KafkaJSON.writeString(valueError, into: &out) }
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
