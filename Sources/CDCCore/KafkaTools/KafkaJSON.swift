/// JSON output in kcat's exact bytes (kcat uses yajl): strings escape `"` `\` and the control
/// characters (`\b \f \n \r \t`, others as `\u00XX` with upper-case hex); every other byte,
/// including invalid UTF-8 and DEL, is written as it is.
enum KafkaJSON {
    /// Appends `raw` as a quoted JSON string.
    static func writeString(_ raw: UnsafeRawBufferPointer, into out: inout ByteWriter) {
        JSONText.writeString(raw, into: &out, hex: JSONText.upperHex)
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
