/// PostgreSQL's hstore text form (`"a"=>"1", "b"=>NULL`: keys and values double-quoted with `\"`
/// and `\\` escaped, NULL bare, pairs separated by `, `) read pair by pair, for Debezium's
/// `hstore.handling.mode` json and map.
enum HstoreText {
    /// Calls `body` with each pair's key and value (nil: NULL), unescaped into `scratch` and
    /// valid during the call; returns the number of pairs. Throws on anything that is not
    /// hstore's output form.
    @discardableResult
    static func forEachPair(_ text: UnsafeRawBufferPointer, scratch: inout ByteWriter,
                            _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer?) throws -> Void) throws -> Int {
        var c = TextCursor(text)
        var pairs = 0
        skipSpaces(&c)
        while !c.atEnd {
            scratch.reset()
            guard try readQuoted(&c, into: &scratch, text) else { throw ConversionError("hstore", text) }
            let keyEnd = scratch.count
            skipSpaces(&c)
            guard c.skip(UInt8(ascii: "=")), c.skip(UInt8(ascii: ">")) else { throw ConversionError("hstore", text) }
            skipSpaces(&c)
            var isNull = false
            if try !readQuoted(&c, into: &scratch, text) {
                // NULL, unquoted (any case, as hstore's input accepts it)
                guard c.text.count - c.index >= 4 else { throw ConversionError("hstore", text) }
                let word = UnsafeRawBufferPointer(rebasing: c.text[c.index..<(c.index + 4)])
                guard word.elementsEqual("NULL".utf8, by: { $0 & 0xDF == $1 }) else { throw ConversionError("hstore", text) }
                c.index += 4
                isNull = true
            }
            try scratch.bytes.withUnsafeBytes { all in
                try body(UnsafeRawBufferPointer(rebasing: all[0..<keyEnd]), isNull ? nil : UnsafeRawBufferPointer(rebasing: all[keyEnd...]))
            }
            pairs += 1
            skipSpaces(&c)
            if c.skip(UInt8(ascii: ",")) {
                skipSpaces(&c)
                guard !c.atEnd else { throw ConversionError("hstore", text) }
            } else {
                guard c.atEnd else { throw ConversionError("hstore", text) }
            }
        }
        return pairs
    }

    /// The number of pairs of `text` (a first pass, for Avro's map block count).
    static func count(_ text: UnsafeRawBufferPointer, scratch: inout ByteWriter) throws -> Int {
        try forEachPair(text, scratch: &scratch) { _, _ in }
    }

    private static func skipSpaces(_ c: inout TextCursor) {
        while let b = c.peek, b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") { c.index += 1 }
    }

    /// A `"…"` token, unescaped into `out`; false (nothing read) when the next byte is no quote.
    private static func readQuoted(_ c: inout TextCursor, into out: inout ByteWriter, _ text: UnsafeRawBufferPointer) throws -> Bool {
        guard c.skip(UInt8(ascii: "\"")) else { return false }
        while true {
            guard let b = c.peek else { throw ConversionError("hstore", text) }
            c.index += 1
            if b == UInt8(ascii: "\"") { return true }
            if b == UInt8(ascii: "\\") {
                guard let escaped = c.peek else { throw ConversionError("hstore", text) }
                c.index += 1
                out.write(escaped)
            } else {
                out.write(b)
            }
        }
    }
}
