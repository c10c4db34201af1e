/// Avro names (records, namespaces' parts, fields) allow only `[A-Za-z_][A-Za-z0-9_]*`, while
/// PostgreSQL allows any character in a quoted identifier. As Debezium's
/// `schema.name.adjustment.mode=avro_unicode` / `field.name.adjustment.mode=avro_unicode` do,
/// every other character becomes `_uXXXX` (its code point in hex), so distinct names stay
/// distinct and a schema the registry would refuse (422) is never written.
enum AvroName {
    /// `name` made a valid Avro name; valid names come back unchanged.
    static func adjusted(_ name: String) -> String {
        if isValid(name) { return name }
        var out = ""
        for (index, scalar) in name.unicodeScalars.enumerated() {
            let allowed = scalar == "_" || (scalar.isASCII && (scalar.properties.isAlphabetic || (index > 0 && ("0"..."9").contains(scalar))))
            if allowed {
                out.unicodeScalars.append(scalar)
            } else {
                let hex = String(scalar.value, radix: 16, uppercase: false)
                out += "_u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            }
        }
        return out.isEmpty ? "_" : out
    }

    /// A dotted namespace with each part adjusted.
    static func adjustedNamespace(_ parts: [String]) -> String {
        parts.map(adjusted).joined(separator: ".")
    }

    /// Whether `name` is already a valid Avro name.
    static func isValid(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || isLetter(first) else { return false }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || isLetter($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
