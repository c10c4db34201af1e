import AvroCodec

/// Encodes one converted column value as Avro binary for the schema `AvroColumnType` gives its
/// column type; the same converter that feeds the JSON writer feeds this one.
struct AvroValueSink: ValueSink {
    var writer = AvroBinaryWriter(capacity: 1024)
    /// The column type being written (decides float vs double and the decimal scale).
    var type: ColumnType = .text
    /// Open arrays: their items are buffered because Avro writes a block's count first. Only
    /// the outermost array of a column opens a block: the schema has one dimension, so the
    /// elements of a multi-dimensional array are written flattened, in row-major order.
    private var arrays: [(items: AvroBinaryWriter, count: Int)] = []
    /// How deep the converter is in arrays (nested ones included).
    private var arrayDepth = 0
    /// The open containers, innermost last: what a value inside them is preceded by.
    private var containers: [Container] = []
    /// Inside a record, the next field is a `["null", T]` union.
    private var nextIsOptionalField = false
    private var failure: Error?

    /// A container the converter opened.
    private enum Container {
        /// An array block: each element is a `["null", T]` union, counted.
        case array
        /// A record whose fields are optional as `RecordKind` says.
        case record(RecordKind)
        /// A map (counted before its entries): each value is a `["null", string]` union.
        case map
    }

    /// The records the converter emits, by which of their fields are `["null", T]` unions.
    private enum RecordKind {
        /// Point {x, y, wkb?, srid?}.
        case point
        /// Geometry / Geography {wkb, srid?}.
        case geometry
        /// Every field required (VariableScaleDecimal {scale, value}).
        case plain
    }

    /// The first value that could not be encoded, if any (sink methods cannot throw).
    mutating func takeFailure() -> Error? {
        defer { failure = nil }
        return failure
    }

    /// Elements of arrays and values of maps are `["null", T]` unions; so are the optional
    /// fields of records.
    private mutating func prefix(null: Bool) {
        switch containers.last {
        case nil:
            return
        case .record?:
            guard nextIsOptionalField else { return }
            nextIsOptionalField = false
            current.writeUnionBranch(null ? 0 : 1)
        case .map?:
            current.writeUnionBranch(null ? 0 : 1)
        case .array?:
            arrays[arrays.count - 1].count += 1
            current.writeUnionBranch(null ? 0 : 1)
        }
    }

    private var current: AvroBinaryWriter {
        get { arrays.isEmpty ? writer : arrays[arrays.count - 1].items }
        _modify {
            if arrays.isEmpty { yield &writer } else { yield &arrays[arrays.count - 1].items }
        }
    }

    private var elementType: ColumnType {
        if case .array(let element) = type { return element }
        return type
    }

    mutating func null() { prefix(null: true) }
    mutating func bool(_ value: Bool) { prefix(null: false); current.writeBoolean(value) }
    mutating func int(_ value: Int64) { prefix(null: false); current.writeLong(value) }

    mutating func float(text: UnsafeRawBufferPointer) {
        prefix(null: false)
        let value = Self.parseDouble(text)
        if elementType == .float32 { current.writeFloat(Float(value)) } else { current.writeDouble(value) }
    }

    mutating func decimal(text: UnsafeRawBufferPointer) {
        prefix(null: false)
        let string = String(decoding: text, as: UTF8.self)
        guard let first = string.first, first.isNumber || first == "-" || first == "." else {
            if failure == nil { failure = ConversionError("a finite decimal (Avro decimals have no NaN or infinity)", text) }
            return
        }
        do {
            switch elementType {
            case .numeric(_, let scale?): current.writeBytes(try AvroDecimal.unscaledBytes(string, scale: max(scale, 0)))
            case .money: current.writeBytes(try AvroDecimal.unscaledBytes(string, scale: 2))
            default: // VariableScaleDecimal {scale, value}
                let scale = string.split(separator: ".", maxSplits: 1).dropFirst().first?.count ?? 0
                current.writeInt(Int32(scale))
                current.writeBytes(try AvroDecimal.unscaledBytes(string, scale: scale))
            }
        } catch {
            if failure == nil { failure = error }
        }
    }

    mutating func string(_ utf8: UnsafeRawBufferPointer) { prefix(null: false); current.writeBytes(utf8) }
    mutating func bytes(_ raw: UnsafeRawBufferPointer) { prefix(null: false); current.writeBytes(raw) }

    mutating func beginArray() {
        arrayDepth += 1
        guard arrayDepth == 1 else { return } // a nested dimension: its elements join the outer block
        prefix(null: false)
        arrays.append((AvroBinaryWriter(capacity: 64), 0))
        containers.append(.array)
    }

    mutating func endArray() {
        arrayDepth -= 1
        guard arrayDepth == 0 else { return }
        containers.removeLast()
        let (items, count) = arrays.removeLast()
        if count > 0 {
            current.writeBlockCount(count)
            current.bytes.append(contentsOf: items.bytes)
        }
        current.writeBlockEnd()
    }

    mutating func beginRecord() {
        prefix(null: false)
        switch elementType {
        case .point: containers.append(.record(.point))
        case .geometry, .geography: containers.append(.record(.geometry))
        default: containers.append(.record(.plain))
        }
    }

    mutating func field(_ name: StaticString) {
        guard case .record(let kind)? = containers.last else { return }
        let first = name.utf8Start.pointee
        switch kind {
        case .point: nextIsOptionalField = first == UInt8(ascii: "w") || first == UInt8(ascii: "s") // x, y plain
        case .geometry: nextIsOptionalField = first == UInt8(ascii: "s") // wkb plain
        case .plain: nextIsOptionalField = false
        }
    }

    mutating func endRecord() { containers.removeLast() }

    /// A map: its count first (one block), then each key and `["null", string]` value, then 0.
    mutating func beginMap(count: Int) {
        prefix(null: false)
        if count > 0 { current.writeBlockCount(count) }
        containers.append(.map)
    }

    mutating func mapKey(_ utf8: UnsafeRawBufferPointer) { current.writeBytes(utf8) }

    mutating func endMap() {
        containers.removeLast()
        current.writeBlockEnd()
    }

    static func parseDouble(_ text: UnsafeRawBufferPointer) -> Double {
        Double(String(decoding: text, as: UTF8.self)) ?? .nan
    }
}
