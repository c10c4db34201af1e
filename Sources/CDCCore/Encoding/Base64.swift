/// Standard base64 (RFC 4648, padded), written straight into a `ByteWriter`.
enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Appends the base64 form of `input`.
    static func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteWriter) {
        var i = 0
        let n = input.count
        while i + 3 <= n {
            let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
            out.write(alphabet[Int(v >> 18)])
            out.write(alphabet[Int(v >> 12 & 63)])
            out.write(alphabet[Int(v >> 6 & 63)])
            out.write(alphabet[Int(v & 63)])
            i += 3
        }
        let rest = n - i
        if rest == 1 {
            let v = UInt32(input[i]) << 16
            out.write(alphabet[Int(v >> 18)])
            out.write(alphabet[Int(v >> 12 & 63)])
            out.write(UInt8(ascii: "="))
            out.write(UInt8(ascii: "="))
        } else if rest == 2 {
            let v = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
            out.write(alphabet[Int(v >> 18)])
            out.write(alphabet[Int(v >> 12 & 63)])
            out.write(alphabet[Int(v >> 6 & 63)])
            out.write(UInt8(ascii: "="))
        }
    }
}

/// Base64 (standard alphabet, padding optional) to bytes.
enum Base64Decoding {
    static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3 / 4)
        var acc: UInt32 = 0
        var bits = 0
        var padding = false
        for c in text.utf8 {
            let v: UInt32
            switch c {
            case 0x41...0x5A: v = UInt32(c - 0x41)
            case 0x61...0x7A: v = UInt32(c - 0x61 + 26)
            case 0x30...0x39: v = UInt32(c - 0x30 + 52)
            case 0x2B, 0x2D: v = 62
            case 0x2F, 0x5F: v = 63
            case 0x3D: padding = true; continue
            default: return nil
            }
            if padding { return nil }
            acc = (acc << 6) | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((acc >> UInt32(bits)) & 0xFF))
            }
        }
        return out
    }
}
