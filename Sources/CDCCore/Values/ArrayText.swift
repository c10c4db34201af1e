/// PostgreSQL's array literal output (`{1,2,NULL}`, `{{"a b",c},{d,e}}`, `[0:1]={…}`) walked
/// into nested arrays whose elements go through the element type's converter.
extension TextValueConverter {
    mutating func convertArray<S: ValueSink>(_ text: UnsafeRawBufferPointer, element: ColumnType, into sink: inout S) throws {
        var c = TextCursor(text)
        if c.peek == UInt8(ascii: "[") { // explicit bounds: skip "[l:u]...="
            while let b = c.peek, b != UInt8(ascii: "=") { c.index += 1 }
            guard c.skip(UInt8(ascii: "=")) else { throw ConversionError("array", text) }
        }
        // Each type's pg_type.typdelim: box's is `;`, PostGIS's geometry and geography's `:`.
        let delimiter: UInt8
        switch element {
        case .otherText(name: "box"): delimiter = UInt8(ascii: ";")
        case .geometry, .geography: delimiter = UInt8(ascii: ":")
        default: delimiter = UInt8(ascii: ",")
        }
        // Detached so element conversions (which may use the other scratch) can run while it is held.
        var item = ByteWriter(capacity: 0)
        swap(&item, &elementScratch)
        defer { swap(&item, &elementScratch) }
        try parseLevel(&c, element: element, delimiter: delimiter, item: &item, into: &sink)
        guard c.atEnd else { throw ConversionError("array", text) }
    }

    private mutating func parseLevel<S: ValueSink>(_ c: inout TextCursor, element: ColumnType, delimiter: UInt8, item: inout ByteWriter, into sink: inout S) throws {
        guard c.skip(UInt8(ascii: "{")) else { throw ConversionError("array", c.text) }
        sink.beginArray()
        if c.skip(UInt8(ascii: "}")) { sink.endArray(); return }
        while true {
            switch c.peek {
            case UInt8(ascii: "{"):
                try parseLevel(&c, element: element, delimiter: delimiter, item: &item, into: &sink)
            case UInt8(ascii: "\""):
                c.index += 1
                item.reset()
                while true {
                    guard let b = c.peek else { throw ConversionError("array", c.text) }
                    c.index += 1
                    if b == UInt8(ascii: "\"") { break }
                    if b == UInt8(ascii: "\\") {
                        guard let escaped = c.peek else { throw ConversionError("array", c.text) }
                        c.index += 1
                        item.write(escaped)
                    } else {
                        item.write(b)
                    }
                }
                try item.bytes.withUnsafeBytes { try convert($0, as: element, into: &sink) }
            default:
                let start = c.index
                while let b = c.peek, b != delimiter, b != UInt8(ascii: "}") { c.index += 1 }
                let raw = UnsafeRawBufferPointer(rebasing: c.text[start..<c.index])
                if raw.count == 4, raw.elementsEqual("NULL".utf8) {
                    sink.null()
                } else {
                    try convert(raw, as: element, into: &sink)
                }
            }
            if c.skip(delimiter) { continue }
            guard c.skip(UInt8(ascii: "}")) else { throw ConversionError("array", c.text) }
            sink.endArray()
            return
        }
    }
}
