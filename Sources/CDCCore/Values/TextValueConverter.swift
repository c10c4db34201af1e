/// Converts PostgreSQL's text form of a column value into Debezium's representation (its
/// default handling modes), as events on a `ValueSink`. Shared by snapshot and streaming.
///
/// Keeps its scratch buffers between calls, so converting a row allocates nothing in the
/// steady state.
struct TextValueConverter {
    private var scratch = ByteWriter(capacity: 64)
    var elementScratch = ByteWriter(capacity: 64)
    /// The unescaped pairs of an hstore, while `scratch` receives its JSON.
    private var pairScratch = ByteWriter(capacity: 0)

    /// Sentinels for ±infinity dates and timestamps, which have no epoch value: the extremes of
    /// the target integer type (int32 days, int64 ms/µs), so they sort around every real value.
    static let positiveInfinity = Int64.max, negativeInfinity = Int64.min

    mutating func convert<S: ValueSink>(_ text: UnsafeRawBufferPointer, as type: ColumnType, into sink: inout S) throws {
        switch type {
        case .boolean:
            guard text.count == 1, text[0] == UInt8(ascii: "t") || text[0] == UInt8(ascii: "f") else { throw ConversionError("boolean", text) }
            sink.bool(text[0] == UInt8(ascii: "t"))
        case .int16, .int32, .int64:
            sink.int(try Self.integer(text))
        case .float32, .float64:
            sink.float(text: text)
        case .numeric:
            sink.decimal(text: text)
        case .money:
            try convertMoney(text, into: &sink)
        case .text, .uuid, .json, .xml, .enumeration, .ltree, .tsvector, .otherText:
            sink.string(text)
        case .bytea:
            try convertBytea(text, into: &sink)
        case .date:
            if let days = TemporalText.epochDays(text) {
                sink.int(days)
            } else {
                sink.int(try Self.infinity(text, "date") == Self.positiveInfinity ? Int64(Int32.max) : Int64(Int32.min))
            }
        case .time(let precision):
            var c = TextCursor(text)
            guard let micros = TemporalText.timeOfDay(&c), c.atEnd else { throw ConversionError("time", text) }
            sink.int(precision <= 3 ? micros / 1000 : micros)
        case .timetz:
            guard let micros = TemporalText.utcTimeOfDay(text) else { throw ConversionError("time with time zone", text) }
            scratch.reset()
            TemporalText.writeTimeOfDay(micros: micros, into: &scratch)
            scratch.write(UInt8(ascii: "Z"))
            scratch.bytes.withUnsafeBytes { sink.string($0) }
        case .timestamp(let precision):
            if let instant = TemporalText.epochInstant(text, zoned: false) {
                sink.int(precision <= 3 ? instant.totalMillis : instant.totalMicros)
            } else {
                sink.int(try Self.infinity(text, "timestamp"))
            }
        case .timestamptz(let precision):
            if let instant = TemporalText.epochInstant(text, zoned: true) {
                scratch.reset()
                TemporalText.writeISOTimestamp(instant, fractionDigits: precision, into: &scratch)
                scratch.bytes.withUnsafeBytes { sink.string($0) }
            } else {
                _ = try Self.infinity(text, "timestamp with time zone")
                sink.string(text) // Debezium passes "infinity" / "-infinity" through as text
            }
        case .interval:
            guard let micros = TemporalText.intervalMicros(text) else { throw ConversionError("interval", text) }
            sink.int(micros)
        case .bit(let length) where length == 1:
            guard text.count == 1, text[0] == UInt8(ascii: "0") || text[0] == UInt8(ascii: "1") else { throw ConversionError("bit(1)", text) }
            sink.bool(text[0] == UInt8(ascii: "1"))
        case .bit, .varbit:
            try convertBits(text, into: &sink)
        case .point:
            try convertPoint(text, into: &sink)
        case .array(let element):
            try convertArray(text, element: element, into: &sink)
        case .decimal(let mode, let base):
            try convertDecimal(text, mode: mode, base: base, into: &sink)
        case .intervalString:
            scratch.reset()
            guard IntervalText.writeDebeziumString(text, into: &scratch) else { throw ConversionError("interval", text) }
            scratch.bytes.withUnsafeBytes { sink.string($0) }
        case .hstoreJSON:
            try convertHstoreJSON(text, into: &sink)
        case .hstoreMap:
            try convertHstoreMap(text, into: &sink)
        case .geometry, .geography:
            try convertGeometry(text, into: &sink)
        }
    }

    static func integer(_ text: UnsafeRawBufferPointer) throws -> Int64 {
        var i = 0
        let negative = text.first == UInt8(ascii: "-")
        if negative { i = 1 }
        guard i < text.count else { throw ConversionError("integer", text) }
        var value: Int64 = 0
        while i < text.count {
            let d = text[i] &- 0x30
            guard d < 10 else { throw ConversionError("integer", text) }
            // Accumulate negatively so Int64.min parses without overflow.
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.subtractingReportingOverflow(Int64(d))
            guard !o1, !o2 else { throw ConversionError("integer", text) }
            value = s
            i += 1
        }
        if negative { return value }
        guard value != .min else { throw ConversionError("integer", text) }
        return -value
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func infinity(_ text: UnsafeRawBufferPointer, _ typeName: String) throws -> Int64 {
        var c = TextCursor(text)
        if c.rest(is: "infinity") { return positiveInfinity }
        if c.rest(is: "-infinity") { return negativeInfinity }
        c.index = 0
        throw ConversionError(typeName, text)
    }

    /// money as the server prints it with `lc_monetary = 'C'` (which `PGConnection` pins):
    /// `-$1,234.56`. The snapshot casts to numeric instead, which passes through unchanged.
    private mutating func convertMoney<S: ValueSink>(_ text: UnsafeRawBufferPointer, into sink: inout S) throws {
        scratch.reset()
        for c in text {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."): scratch.write(c)
            case UInt8(ascii: "$"), UInt8(ascii: ","), UInt8(ascii: " "): continue
            default: throw ConversionError("money", text)
            }
        }
        guard scratch.count > 0 else { throw ConversionError("money", text) }
        scratch.bytes.withUnsafeBytes { sink.decimal(text: $0) }
    }

    /// bytea's hex output `\x0a1b…` → raw bytes.
    private mutating func convertBytea<S: ValueSink>(_ text: UnsafeRawBufferPointer, into sink: inout S) throws {
        guard text.count >= 2, text[0] == UInt8(ascii: "\\"), text[1] == UInt8(ascii: "x"), text.count % 2 == 0 else {
            throw ConversionError("bytea (hex)", text)
        }
        scratch.reset()
        var i = 2
        while i < text.count {
            guard let hi = Self.hexValue(text[i]), let lo = Self.hexValue(text[i + 1]) else { throw ConversionError("bytea (hex)", text) }
            scratch.write(hi << 4 | lo)
            i += 2
        }
        scratch.bytes.withUnsafeBytes { sink.bytes($0) }
    }

    /// The value of one ASCII hex digit (either case); nil for anything else.
    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: return nil
        }
    }

    /// bit strings as Debezium's Bits: little-endian bytes where the last character is bit 0,
    /// padded to the declared length (java.util.BitSet.toByteArray plus padding).
    private mutating func convertBits<S: ValueSink>(_ text: UnsafeRawBufferPointer, into sink: inout S) throws {
        scratch.reset()
        let n = text.count
        for _ in 0..<((n + 7) / 8) { scratch.write(UInt8(0)) }
        for i in 0..<n {
            let c = text[n - 1 - i]
            guard c == UInt8(ascii: "0") || c == UInt8(ascii: "1") else { throw ConversionError("bit string", text) }
            if c == UInt8(ascii: "1") { scratch.setBit(i) }
        }
        scratch.bytes.withUnsafeBytes { sink.bytes($0) }
    }

    /// numeric or money in an explicit `--decimal` mode: the exact text (`string`), the nearest
    /// double (`double`), or the unscaled bytes at the column's scale (`precise`; numeric without
    /// a scale is the `{scale, value}` record of VariableScaleDecimal, its scale the digits
    /// PostgreSQL printed). NaN and ±Infinity have no `precise` form.
    private mutating func convertDecimal<S: ValueSink>(_ text: UnsafeRawBufferPointer, mode: TypeModes.Decimal, base: ColumnType, into sink: inout S) throws {
        guard case .money = base else { return try convertDecimal(plain: text, mode: mode, base: base, into: &sink) }
        // money as the stream prints it (`-$1,234.56`); detached, since the conversion uses `scratch`.
        var plain = ByteWriter(capacity: 0)
        swap(&plain, &pairScratch)
        defer { swap(&plain, &pairScratch) }
        plain.reset()
        for c in text {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."): plain.write(c)
            case UInt8(ascii: "$"), UInt8(ascii: ","), UInt8(ascii: " "): continue
            default: throw ConversionError("money", text)
            }
        }
        guard plain.count > 0 else { throw ConversionError("money", text) }
        try plain.bytes.withUnsafeBytes { try convertDecimal(plain: $0, mode: mode, base: base, into: &sink) }
    }

    private mutating func convertDecimal<S: ValueSink>(plain text: UnsafeRawBufferPointer, mode: TypeModes.Decimal, base: ColumnType, into sink: inout S) throws {
        switch mode {
        case .string:
            sink.string(text)
        case .double:
            scratch.reset()
            DecimalText.writeDouble(text, into: &scratch)
            scratch.bytes.withUnsafeBytes { sink.float(text: $0) }
        case .precise:
            guard !DecimalText.isSpecial(text) else { throw ConversionError("a finite decimal (precise decimals have no NaN or infinity)", text) }
            scratch.reset()
            switch base {
            case .numeric(_, let scale?):
                try DecimalText.writeUnscaled(text, scale: max(scale, 0), into: &scratch)
                scratch.bytes.withUnsafeBytes { sink.bytes($0) }
            case .money:
                try DecimalText.writeUnscaled(text, scale: 2, into: &scratch)
                scratch.bytes.withUnsafeBytes { sink.bytes($0) }
            default:
                let scale = DecimalText.fractionDigits(text)
                try DecimalText.writeUnscaled(text, scale: scale, into: &scratch)
                sink.beginRecord()
                sink.field("scale")
                sink.int(Int64(scale))
                sink.field("value")
                scratch.bytes.withUnsafeBytes { sink.bytes($0) }
                sink.endRecord()
            }
        }
    }

    /// hstore → a JSON object in a string (`{"a":"1","b":null}`, keys in PostgreSQL's order).
    private mutating func convertHstoreJSON<S: ValueSink>(_ text: UnsafeRawBufferPointer, into sink: inout S) throws {
        var out = ByteWriter(capacity: 0)
        swap(&out, &scratch)
        defer { swap(&out, &scratch) }
        out.reset()
        out.write(UInt8(ascii: "{"))
        var first = true
        try HstoreText.forEachPair(text, scratch: &pairScratch) { key, value in
            if !first { out.write(UInt8(ascii: ",")) }
            first = false
            JSONText.writeString(key, into: &out)
            out.write(UInt8(ascii: ":"))
            if let value { JSONText.writeString(value, into: &out) } else { out.write("null") }
        }
        out.write(UInt8(ascii: "}"))
        out.bytes.withUnsafeBytes { sink.string($0) }
    }

    /// hstore → a map of string to optional string.
    private mutating func convertHstoreMap<S: ValueSink>(_ text: UnsafeRawBufferPointer, into sink: inout S) throws {
        let count = try HstoreText.count(text, scratch: &pairScratch)
        sink.beginMap(count: count)
        try HstoreText.forEachPair(text, scratch: &pairScratch) { key, value in
            sink.mapKey(key)
            if let value { sink.string(value) } else { sink.null() }
        }
        sink.endMap()
    }

    /// PostGIS geometry or geography, whose text form is hex EWKB → Debezium's Geometry /
    /// Geography record: `wkb` the EWKB bytes as they are, `srid` from the EWKB header (its
    /// SRID flag 0x20000000) or null, as Debezium's PostgisGeometry reads them.
    private mutating func convertGeometry<S: ValueSink>(_ text: UnsafeRawBufferPointer, into sink: inout S) throws {
        guard text.count >= 18, text.count % 2 == 0 else { throw ConversionError("geometry (hex EWKB)", text) }
        scratch.reset()
        var i = 0
        while i < text.count {
            guard let hi = Self.hexValue(text[i]), let lo = Self.hexValue(text[i + 1]) else { throw ConversionError("geometry (hex EWKB)", text) }
            scratch.write(hi << 4 | lo)
            i += 2
        }
        let srid: Int32? = scratch.bytes.withUnsafeBytes { ewkb in
            let littleEndian = ewkb[0] != 0
            func uint32(at offset: Int) -> UInt32 {
                let b = (UInt32(ewkb[offset]), UInt32(ewkb[offset + 1]), UInt32(ewkb[offset + 2]), UInt32(ewkb[offset + 3]))
                return littleEndian ? b.0 | b.1 << 8 | b.2 << 16 | b.3 << 24 : b.0 << 24 | b.1 << 16 | b.2 << 8 | b.3
            }
            return uint32(at: 1) & 0x2000_0000 != 0 ? Int32(bitPattern: uint32(at: 5)) : nil
        }
        sink.beginRecord()
        sink.field("wkb")
        scratch.bytes.withUnsafeBytes { sink.bytes($0) }
        sink.field("srid")
        if let srid { sink.int(Int64(srid)) } else { sink.null() }
        sink.endRecord()
    }

    /// `(x,y)` → Debezium's Point record {x, y, wkb, srid}, with the WKB a little-endian Point.
    private mutating func convertPoint<S: ValueSink>(_ text: UnsafeRawBufferPointer, into sink: inout S) throws {
        guard text.count >= 5, text.first == UInt8(ascii: "("), text.last == UInt8(ascii: ")"),
              let comma = text.firstIndex(of: UInt8(ascii: ",")),
              let x = Double(String(decoding: text[1..<comma], as: UTF8.self)),
              let y = Double(String(decoding: text[(comma + 1)..<(text.count - 1)], as: UTF8.self))
        else { throw ConversionError("point", text) }
        sink.beginRecord()
        sink.field("x")
        sink.float(text: UnsafeRawBufferPointer(rebasing: text[1..<comma]))
        sink.field("y")
        sink.float(text: UnsafeRawBufferPointer(rebasing: text[(comma + 1)..<(text.count - 1)]))
        sink.field("wkb")
        scratch.reset()
        scratch.write(UInt8(1)) // little-endian
        scratch.write([1, 0, 0, 0]) // wkbPoint
        withUnsafeBytes(of: x.bitPattern.littleEndian) { scratch.write($0) }
        withUnsafeBytes(of: y.bitPattern.littleEndian) { scratch.write($0) }
        scratch.bytes.withUnsafeBytes { sink.bytes($0) }
        sink.field("srid")
        sink.null()
        sink.endRecord()
    }
}

