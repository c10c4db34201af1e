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
