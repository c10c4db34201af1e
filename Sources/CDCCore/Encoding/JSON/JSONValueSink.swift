/// Renders converted values as JSON into a `ByteWriter`, following cdcctl's JSON defaults:
/// numerics as exact decimal strings, bytes as base64, NaN and infinities as strings.
struct JSONValueSink: ValueSink {
    var out: ByteWriter
    /// One flag per open array/record: whether the next item needs a comma before it.
    private var needsComma: [Bool] = []

    init(capacity: Int = 1024) {
        out = ByteWriter(capacity: capacity)
        needsComma.reserveCapacity(8)
    }

    mutating func reset() {
        out.reset()
        needsComma.removeAll(keepingCapacity: true)
    }

    /// Writes the comma between array items; record fields get theirs from `field`.
    @inline(__always) private mutating func separate() {
        guard let last = needsComma.last else { return }
        if last, !inRecord { out.write(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    private var records: [Bool] = []
    private var inRecord: Bool { records.last ?? false }

    mutating func null() { separate(); out.write("null") }
    mutating func bool(_ value: Bool) { separate(); out.write(value ? "true" : "false") }
    mutating func int(_ value: Int64) { separate(); out.write(decimal: value) }

    mutating func float(text: UnsafeRawBufferPointer) {
        separate()
        // JSON has no NaN or infinities; Kafka's JsonConverter (Jackson) writes them as strings.
        if let first = text.first, first == UInt8(ascii: "N") || first == UInt8(ascii: "I") || (first == UInt8(ascii: "-") && text.count > 1 && text[1] == UInt8(ascii: "I")) {
            JSONText.writeString(text, into: &out)
        } else {
            out.write(text)
        }
    }

    mutating func decimal(text: UnsafeRawBufferPointer) { separate(); JSONText.writeString(text, into: &out) }
    mutating func string(_ utf8: UnsafeRawBufferPointer) { separate(); JSONText.writeString(utf8, into: &out) }

    mutating func bytes(_ raw: UnsafeRawBufferPointer) {
        separate()
        out.write(UInt8(ascii: "\""))
        Base64.encode(raw, into: &out)
        out.write(UInt8(ascii: "\""))
    }

    mutating func beginArray() { separate(); out.write(UInt8(ascii: "[")); needsComma.append(false); records.append(false) }
    mutating func endArray() { out.write(UInt8(ascii: "]")); needsComma.removeLast(); records.removeLast() }
    mutating func beginRecord() { separate(); out.write(UInt8(ascii: "{")); needsComma.append(false); records.append(true) }

    mutating func field(_ name: StaticString) {
        if needsComma[needsComma.count - 1] { out.write(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
        out.write(UInt8(ascii: "\""))
        out.write(name)
        out.write("\":")
    }

    mutating func endRecord() { out.write(UInt8(ascii: "}")); needsComma.removeLast(); records.removeLast() }

    mutating func beginMap(count: Int) { beginRecord() }

    mutating func mapKey(_ utf8: UnsafeRawBufferPointer) {
        if needsComma[needsComma.count - 1] { out.write(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
        JSONText.writeString(utf8, into: &out)
        out.write(UInt8(ascii: ":"))
    }

    mutating func endMap() { endRecord() }

    /// Writes a pre-rendered `"name":` key of a row object, with its comma.
    mutating func key(_ quotedNameColon: [UInt8], first: Bool) {
        if !first { out.write(UInt8(ascii: ",")) }
        out.write(quotedNameColon)
    }
}
