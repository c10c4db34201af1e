/// JSON output in kcat's exact bytes (kcat uses yajl): strings escape `"` `\` and the control
/// characters (`\b \f \n \r \t`, others as `\u00XX` with upper-case hex); every other byte,
/// including invalid UTF-8 and DEL, is written as it is.
enum KafkaJSON {
    private static let hex: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Appends `raw` as a quoted JSON string.
    static func writeString(_ raw: UnsafeRawBufferPointer, into out: inout ByteWriter) {
        out.write(UInt8(ascii: "\""))
        var runStart = 0
        for i in 0..<raw.count {
            let c = raw[i]
            guard c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") else { continue }
            if runStart < i { out.write(UnsafeRawBufferPointer(rebasing: raw[runStart..<i])) }
            runStart = i + 1
            out.write(UInt8(ascii: "\\"))
            switch c {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.write(c)
            case 0x0A: out.write(UInt8(ascii: "n"))
            case 0x0D: out.write(UInt8(ascii: "r"))
            case 0x09: out.write(UInt8(ascii: "t"))
            case 0x08: out.write(UInt8(ascii: "b"))
            case 0x0C: out.write(UInt8(ascii: "f"))
            default:
                out.write("u00")
                out.write(hex[Int(c >> 4)])
                out.write(hex[Int(c & 15)])
            }
        }
        if runStart < raw.count { out.write(UnsafeRawBufferPointer(rebasing: raw[runStart...])) }
        out.write(UInt8(ascii: "\""))
    }

    /// Appends bytes as a quoted JSON string.
    static func writeString(_ bytes: [UInt8], into out: inout ByteWriter) {
        bytes.withUnsafeBytes { writeString($0, into: &out) }
    }

    /// Appends text as a quoted JSON string.
    static func writeString(_ text: String, into out: inout ByteWriter) {
        var copy = text
        copy.withUTF8 { writeString(UnsafeRawBufferPointer($0), into: &out) }
    }

    /// Appends `"name":`.
    static func writeKey(_ name: StaticString, into out: inout ByteWriter) {
        out.write(UInt8(ascii: "\""))
        out.write(name)
        out.write("\":")
    }
}
