/// JSON string escaping (RFC 8259) straight into a `ByteWriter`.
enum JSONText {
    /// Hex digits for `\u00XX` escapes: lower case for events, upper case where kcat's exact
    /// bytes are reproduced.
    static let lowerHex: [UInt8] = Array("0123456789abcdef".utf8)
    static let upperHex: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Appends `raw` (UTF-8) as a quoted JSON string; invalid UTF-8 is passed through unchanged
    /// because PostgreSQL already guarantees valid text in a UTF-8 database.
    static func writeString(_ raw: UnsafeRawBufferPointer, into out: inout ByteWriter, hex: [UInt8] = lowerHex) {
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

    /// Appends a Swift string as a quoted JSON string.
    static func writeString(_ text: String, into out: inout ByteWriter) {
        var copy = text
        copy.withUTF8 { writeString(UnsafeRawBufferPointer($0), into: &out) }
    }

    /// The quoted, escaped form of `text`, for names rendered once and reused per event.
    static func quoted(_ text: String) -> [UInt8] {
        var out = ByteWriter(capacity: text.utf8.count + 2)
        writeString(text, into: &out)
        return out.bytes
    }
}
