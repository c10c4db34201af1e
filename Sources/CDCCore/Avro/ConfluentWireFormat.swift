/// Confluent's framing of a schema-registry-encoded Kafka key or value: magic byte 0, the
/// schema id as a 4-byte big-endian integer, then the Avro binary body.
public enum ConfluentWireFormat {
    /// The magic byte that starts every framed message.
    public static let magic: UInt8 = 0

    /// Writes the 5-byte header for `schemaID` into `out`; the body follows.
    public static func writeHeader(schemaID: Int32, into out: inout ByteWriter) {
        out.write(magic)
        let id = UInt32(bitPattern: schemaID)
        out.write(UInt8(id >> 24))
        out.write(UInt8(id >> 16 & 0xFF))
        out.write(UInt8(id >> 8 & 0xFF))
        out.write(UInt8(id & 0xFF))
    }

    /// Splits a framed message into its schema id and body.
    public static func parse(_ bytes: [UInt8]) throws -> (schemaID: Int32, body: ArraySlice<UInt8>) {
        guard bytes.count >= 5 else { throw WireFormatError("message of \(bytes.count) bytes is shorter than the 5-byte Confluent header") }
        guard bytes[0] == magic else { throw WireFormatError("message starts with byte \(bytes[0]), not the Confluent magic byte 0") }
        let id = UInt32(bytes[1]) << 24 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 8 | UInt32(bytes[4])
        return (Int32(bitPattern: id), bytes[5...])
    }
}

/// A message that is not in Confluent's wire format.
public struct WireFormatError: Error, CustomStringConvertible, Sendable {
    /// What is wrong with it.
    public let description: String
    init(_ description: String) { self.description = description }
}
