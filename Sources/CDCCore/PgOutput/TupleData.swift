/// One column of a row image, as a standalone value.
///
/// Values stay as the server's bytes; turning them into typed values needs the relation's type
/// OIDs and is another module's job. Hot paths should not build these (each text or binary
/// value is its own array); read a `TupleData` through `kind(at:)` and `withValue(at:_:)`.
public enum TupleColumn: Hashable, Sendable {
    /// SQL NULL ('n').
    case null
    /// A TOASTed value the update did not change, so the server did not send it ('u').
    case unchangedToast
    /// The value in text output format ('t').
    case text([UInt8])
    /// The value in binary send format ('b'), only with the `binary` option.
    case binary([UInt8])

    /// What a column holds, without its bytes; the raw values are the wire's kind bytes.
    public enum Kind: UInt8, Hashable, Sendable {
        /// SQL NULL ('n').
        case null = 0x6E
        /// An unchanged TOASTed value that was not sent ('u').
        case unchangedToast = 0x75
        /// A value in text output format ('t').
        case text = 0x74
        /// A value in binary send format ('b').
        case binary = 0x62
    }

    /// This column's kind.
    public var kind: Kind {
        switch self {
        case .null: .null
        case .unchangedToast: .unchangedToast
        case .text: .text
        case .binary: .binary
        }
    }
}

/// A row image ('TupleData'): one entry per relation column, in relation order.
///
/// Stored without a per-column allocation: all values live in one byte array (for a decoded
/// tuple, the message's own bytes, shared rather than copied) and each column is a fixed-size
/// slot holding its kind and byte range. Decoding a tuple therefore allocates only the slot
/// array. A decoded tuple keeps its whole message alive for as long as it lives.
///
/// Equality and hashing are by value: two tuples are equal when their columns are, wherever
/// their bytes are stored.
public struct TupleData: Sendable {
    /// Where one column's value sits in `storage`. `start` is an `Int` rather than an `Int32`
    /// so no input size can overflow it; the slot is 16 bytes either way once `count` is 32-bit.
    @usableFromInline
    struct Slot: Hashable, Sendable {
        /// Offset of the value's first byte in `storage`; 0 for null and unchanged columns.
        @usableFromInline let start: Int
        /// Length of the value; at most `Int32.max`, the wire's length field; 0 for null and unchanged.
        @usableFromInline let count: Int32
        @usableFromInline let kind: TupleColumn.Kind

        @inlinable
        init(kind: TupleColumn.Kind, start: Int, count: Int32) {
            self.kind = kind
            self.start = start
            self.count = count
        }

        /// The value's byte range in `storage`.
        @inlinable
        var range: Range<Int> { start..<start + Int(count) }
    }

    /// The bytes every value slot points into; invariant: every slot's range lies inside it.
    @usableFromInline let storage: [UInt8]
    /// One slot per column, in relation order.
    @usableFromInline let slots: [Slot]

    /// Number of columns.
    @inlinable
    public var count: Int { slots.count }

    /// The kind of column `index`; `index` must be in `0..<count`, as with an array subscript.
    @inlinable
    public func kind(at index: Int) -> TupleColumn.Kind { slots[index].kind }

    /// Calls `body` with the bytes of column `index`'s text or binary value, without copying
    /// them; returns nil, without calling `body`, for a null or unchanged TOAST column.
    ///
    /// The buffer is only valid inside `body` and must not escape it. An empty value may have a
    /// nil `baseAddress`. `index` must be in `0..<count`, as with an array subscript.
    @inlinable
    public func withValue<R>(at index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R? {
        let slot = slots[index]
        switch slot.kind {
        case .null, .unchangedToast:
            return nil
        case .text, .binary:
            return try storage.withUnsafeBytes { all in
                // The range was checked against `storage` when the slot was made (see the invariant).
                try body(UnsafeRawBufferPointer(rebasing: all[slot.range]))
            }
        }
    }

    /// Column `index` as a standalone value; allocates for text and binary values.
    public func column(at index: Int) -> TupleColumn {
        let slot = slots[index]
        switch slot.kind {
        case .null: return .null
        case .unchangedToast: return .unchangedToast
        case .text: return .text(Array(storage[slot.range]))
        case .binary: return .binary(Array(storage[slot.range]))
        }
    }

    /// The columns in relation order, as standalone values; allocates one array per text or
    /// binary value, so it is for tests and cold paths.
    public var columns: [TupleColumn] { slots.indices.map(column(at:)) }

    /// Builds a tuple from standalone columns, copying their values into one contiguous array.
    public init(columns: [TupleColumn]) {
        var size = 0
        for column in columns {
            switch column {
            case let .text(value), let .binary(value): size += value.count
            case .null, .unchangedToast: break
            }
        }
        var storage: [UInt8] = []
        storage.reserveCapacity(size)
        var slots: [Slot] = []
        slots.reserveCapacity(columns.count)
        for column in columns {
            switch column {
            case let .text(value), let .binary(value):
                // A value over 2 GiB cannot come from the wire (its length is an Int32).
                precondition(value.count <= Int(Int32.max), "tuple column value larger than Int32.max bytes")
                slots.append(Slot(kind: column.kind, start: storage.count, count: Int32(value.count)))
                storage.append(contentsOf: value)
            case .null, .unchangedToast:
                slots.append(Slot(kind: column.kind, start: 0, count: 0))
            }
        }
        self.init(storage: storage, slots: slots)
    }

    private init(storage: [UInt8], slots: [Slot]) {
        self.storage = storage
        self.slots = slots
    }

    static func decode(from reader: inout ByteReader) throws -> Self {
        // Every column takes at least its kind byte.
        let count = try reader.count16("tuple column count", minimumElementSize: 1)
        var slots: [Slot] = []
        slots.reserveCapacity(count)
        for _ in 0..<count {
            let byte = try reader.uint8("tuple column kind")
            switch TupleColumn.Kind(rawValue: byte) {
            case .null: slots.append(Slot(kind: .null, start: 0, count: 0))
            case .unchangedToast: slots.append(Slot(kind: .unchangedToast, start: 0, count: 0))
            case .text: slots.append(Slot(kind: .text, try reader.lengthPrefixedRange("text column value")))
            case .binary: slots.append(Slot(kind: .binary, try reader.lengthPrefixedRange("binary column value")))
            case nil: throw reader.unexpected(byte, "tuple column kind")
            }
        }
        // Shares the message's bytes: the slots point into the reader's buffer, which the
        // reader has bounds-checked every range against.
        return Self(storage: reader.buffer, slots: slots)
    }
}

private extension TupleData.Slot {
    /// A slot for a range the reader returned; `lengthPrefixedRange` caps its length at `Int32.max`.
    init(kind: TupleColumn.Kind, _ range: Range<Int>) {
        self.init(kind: kind, start: range.lowerBound, count: Int32(range.count))
    }
}

extension TupleData: Hashable {
    public static func == (lhs: Self, rhs: Self) -> Bool {
        guard lhs.slots.count == rhs.slots.count else { return false }
        for index in lhs.slots.indices {
            let left = lhs.slots[index], right = rhs.slots[index]
            guard left.kind == right.kind, left.count == right.count else { return false }
            guard lhs.storage[left.range].elementsEqual(rhs.storage[right.range]) else { return false }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(slots.count)
        for index in slots.indices {
            let slot = slots[index]
            hasher.combine(slot.kind)
            hasher.combine(slot.count)
            _ = withValue(at: index) { hasher.combine(bytes: $0) }
        }
    }
}

extension TupleData: CustomDebugStringConvertible {
    /// Shows the columns rather than the shared message bytes and slot offsets.
    public var debugDescription: String { "TupleData(columns: \(columns))" }
}

/// The old row image carried by an update or delete.
public enum OldTuple: Hashable, Sendable {
    /// 'K': only the replica identity columns are meaningful; the others are null.
    case key(TupleData)
    /// 'O': the whole old row (`REPLICA IDENTITY FULL`).
    case full(TupleData)

    /// The row image, whichever kind it is.
    public var tuple: TupleData {
        switch self {
        case let .key(tuple), let .full(tuple): tuple
        }
    }

    /// Whether every column is meaningful ('O'), not only the key's.
    public var isFull: Bool {
        if case .full = self { return true }
        return false
    }
}
