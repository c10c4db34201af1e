/// Splits one row of `COPY … TO STDOUT` text format into its fields and undoes COPY's
/// backslash escapes. A field that needs no unescaping is handed out in place.
enum CopyTextRow {
    /// Calls `field(index, bytes)` for each column, with nil bytes for `\N` (NULL); escaped
    /// fields are unescaped into `unescaped`, which the caller keeps to reuse its storage.
    static func forEachField(in line: UnsafeRawBufferPointer, unescaped: inout ByteWriter, _ field: (Int, UnsafeRawBufferPointer?) throws -> Void) throws {
        var end = line.count
        if end > 0, line[end - 1] == 0x0A { end -= 1 }
        var start = 0
        var index = 0
        var i = 0
        var sawBackslash = false
        while true {
            if i == end || line[i] == 0x09 {
                let raw = UnsafeRawBufferPointer(rebasing: line[start..<i])
                if !sawBackslash {
                    try field(index, raw)
                } else if raw.count == 2, raw[1] == UInt8(ascii: "N") {
                    try field(index, nil)
                } else {
                    Self.unescape(raw, into: &unescaped)
                    try unescaped.bytes.withUnsafeBytes { try field(index, $0) }
                }
                index += 1
                if i == end { return }
                start = i + 1
                sawBackslash = false
            } else if line[i] == 0x5C {
                sawBackslash = true
                if i + 1 < end { i += 1 } // the escaped byte is never a delimiter
            }
            i += 1
        }
    }

    /// COPY's escapes: \b \f \n \r \t \v, \\, octal \NNN and hex \xHH.
    static func unescape(_ raw: UnsafeRawBufferPointer, into out: inout ByteWriter) {
        out.reset()
        var i = 0
        while i < raw.count {
            let c = raw[i]
            i += 1
            guard c == 0x5C, i < raw.count else { out.write(c); continue }
            let e = raw[i]
            i += 1
            switch e {
            case UInt8(ascii: "b"): out.write(0x08)
            case UInt8(ascii: "f"): out.write(0x0C)
            case UInt8(ascii: "n"): out.write(0x0A)
            case UInt8(ascii: "r"): out.write(0x0D)
            case UInt8(ascii: "t"): out.write(0x09)
            case UInt8(ascii: "v"): out.write(0x0B)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = Int(e - 0x30)
                var n = 1
                while n < 3, i < raw.count, raw[i] >= 0x30, raw[i] <= 0x37 { value = value * 8 + Int(raw[i] - 0x30); i += 1; n += 1 }
                out.write(UInt8(truncatingIfNeeded: value))
            case UInt8(ascii: "x"):
                var value: UInt8 = 0
                var n = 0
                while n < 2, i < raw.count, let h = TextValueConverter.hexValue(raw[i]) { value = value << 4 | h; i += 1; n += 1 }
                if n == 0 { out.write(e) } else { out.write(value) }
            default: out.write(e)
            }
        }
    }
}
