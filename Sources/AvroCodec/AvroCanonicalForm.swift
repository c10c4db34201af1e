extension AvroSchema {
    /// The spec's Parsing Canonical Form: full names, only the attributes that affect parsing, fixed key order, no whitespace.
    public func parsingCanonicalForm() -> String {
        var out = ""
        var defined: Set<String> = []
        AvroCanonicalForm.write(self, defined: &defined, to: &out)
        return out
    }

    /// CRC-64-AVRO (the spec's 64-bit Rabin fingerprint) of the Parsing Canonical Form.
    public func fingerprint() -> UInt64 {
        AvroCanonicalForm.rabin64(Array(parsingCanonicalForm().utf8))
    }
}

/// Parsing Canonical Form and its Rabin fingerprint, per the "Schema Fingerprints" section of the spec.
public enum AvroCanonicalForm {
    /// The spec's EMPTY constant, which seeds the fingerprint and defines the polynomial.
    static let empty: UInt64 = 0xC15D_213A_A4D7_A795

    /// Byte-at-a-time lookup table derived from `empty` as the spec's reference code does.
    static let table: [UInt64] = (0..<256).map { i in
        var fp = UInt64(i)
        for _ in 0..<8 { fp = (fp >> 1) ^ (empty & (0 &- (fp & 1))) }
        return fp
    }

    /// The 64-bit Rabin fingerprint (CRC-64-AVRO) of arbitrary bytes.
    public static func rabin64(_ bytes: [UInt8]) -> UInt64 {
        var fp = empty
        for b in bytes { fp = (fp >> 8) ^ table[Int((fp ^ UInt64(b)) & 0xFF)] }
        return fp
    }

    /// The fingerprint as the 8 little-endian bytes of Avro's single-object encoding header.
    public static func littleEndianBytes(_ fingerprint: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: fingerprint >> (8 * $0)) }
    }

    /// [PRIMITIVES] [FULLNAMES] [STRIP] [ORDER]: named types are written in full once, then by full name.
    static func write(_ schema: AvroSchema, defined: inout Set<String>, to out: inout String) {
        if let p = AvroSchemaWriter.primitiveName(schema) {
            AvroJSONValue.writeString(p, to: &out)
            return
        }
        switch schema {
        case .annotated(let inner, _): write(inner, defined: &defined, to: &out)
        case .reference(let name): AvroJSONValue.writeString(name, to: &out)
        case .union(let branches):
            out += "["
            for (i, b) in branches.enumerated() {
                if i > 0 { out += "," }
                write(b, defined: &defined, to: &out)
            }
            out += "]"
        case .array(let items):
            out += "{\"type\":\"array\",\"items\":"
            write(items, defined: &defined, to: &out)
            out += "}"
        case .map(let values):
            out += "{\"type\":\"map\",\"values\":"
            write(values, defined: &defined, to: &out)
            out += "}"
        case .record(let r):
            guard defined.insert(r.fullName).inserted else { AvroJSONValue.writeString(r.fullName, to: &out); return }
            out += "{\"name\":"
            AvroJSONValue.writeString(r.fullName, to: &out)
            out += ",\"type\":\"record\",\"fields\":["
            for (i, field) in r.fields.enumerated() {
                if i > 0 { out += "," }
                out += "{\"name\":"
                AvroJSONValue.writeString(field.name, to: &out)
                out += ",\"type\":"
                write(field.type, defined: &defined, to: &out)
                out += "}"
            }
            out += "]}"
        case .enum(let e):
            guard defined.insert(e.fullName).inserted else { AvroJSONValue.writeString(e.fullName, to: &out); return }
            out += "{\"name\":"
            AvroJSONValue.writeString(e.fullName, to: &out)
            out += ",\"type\":\"enum\",\"symbols\":"
            AvroJSONValue.array(e.symbols.map { .string($0) }).write(to: &out)
            out += "}"
        case .fixed(let f):
            guard defined.insert(f.fullName).inserted else { AvroJSONValue.writeString(f.fullName, to: &out); return }
            out += "{\"name\":"
            AvroJSONValue.writeString(f.fullName, to: &out)
            out += ",\"type\":\"fixed\",\"size\":\(f.size)}"
        default: break
        }
    }
}
