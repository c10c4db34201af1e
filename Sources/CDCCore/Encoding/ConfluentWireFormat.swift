/// Confluent's framing of a schema-registry-encoded Kafka key or value: magic byte 0, the
/// schema id as a 4-byte big-endian integer, then the Avro binary body.
///
/// The only place that writes or reads the framing: every encoder frames through `write` and
/// every decoder unframes through `parse`.
public enum ConfluentWireFormat {
    /// The magic byte that starts every framed message.
    public static let magic: UInt8 = 0
    /// The length of the header (magic byte and schema id) before the body.
    public static let headerLength = 5

    /// Writes the framed message, the header for `schemaID` and then `body`, into `out`.
    public static func write(schemaID: Int32, body: [UInt8], into out: inout ByteWriter) {
        writeHeader(schemaID: schemaID, into: &out)
        out.write(body)
    }

    /// The framed message: the header for `schemaID`, then `body`.
    public static func frame(schemaID: Int32, body: [UInt8]) -> [UInt8] {
        var out = ByteWriter(capacity: headerLength + body.count)
        write(schemaID: schemaID, body: body, into: &out)
        return out.bytes
    }

    /// Whether `bytes` start like a framed message (long enough, magic byte first). Binary data
    /// may look framed by chance; only `parse` and a registry lookup tell for sure.
    public static func looksFramed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= headerLength && bytes[0] == magic
    }

    /// Splits a framed message into its schema id and body.
    public static func parse(_ bytes: [UInt8]) throws -> (schemaID: Int32, body: ArraySlice<UInt8>) {
        guard bytes.count >= headerLength else {
            throw WireFormatError("message of \(bytes.count) bytes is shorter than the \(headerLength)-byte Confluent header")
        }
        guard bytes[0] == magic else { throw WireFormatError("message starts with byte \(bytes[0]), not the Confluent magic byte 0") }
        let id = UInt32(bytes[1]) << 24 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 8 | UInt32(bytes[4])
        return (Int32(bitPattern: id), bytes[headerLength...])
    }

    private static func writeHeader(schemaID: Int32, into out: inout ByteWriter) {
        out.write(magic)
        let id = UInt32(bitPattern: schemaID)
        out.write(UInt8(id >> 24))
        out.write(UInt8(id >> 16 & 0xFF))
        out.write(UInt8(id >> 8 & 0xFF))
        out.write(UInt8(id & 0xFF))
    }
}

/// A message that is not in Confluent's wire format.
public struct WireFormatError: Error, CustomStringConvertible, Sendable {
    /// What is wrong with it.
    public let description: String
    init(_ description: String) { self.description = description }
}
