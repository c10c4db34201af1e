/// One column of a row image.
///
/// Values stay as the server's bytes; turning them into typed values needs the relation's type
/// OIDs and is another module's job.
public enum TupleColumn: Hashable, Sendable {
    /// SQL NULL ('n').
    case null
    /// A TOASTed value the update did not change, so the server did not send it ('u').
    case unchangedToast
    /// The value in text output format ('t').
    case text([UInt8])
    /// The value in binary send format ('b'), only with the `binary` option.
    case binary([UInt8])
}

/// A row image ('TupleData'): one entry per relation column, in relation order.
public struct TupleData: Hashable, Sendable {
    /// The columns in relation order.
    public let columns: [TupleColumn]

    /// Wraps decoded columns.
    public init(columns: [TupleColumn]) { self.columns = columns }

    static func decode(from reader: inout ByteReader) throws -> Self {
        // Every column takes at least its kind byte.
        let count = try reader.count16("tuple column count", minimumElementSize: 1)
        var columns: [TupleColumn] = []
        columns.reserveCapacity(count)
        for _ in 0..<count {
            let kind = try reader.uint8("tuple column kind")
            switch kind {
            case 0x6E: columns.append(.null) // n
            case 0x75: columns.append(.unchangedToast) // u
            case 0x74: columns.append(.text(try reader.lengthPrefixedBytes("text column value"))) // t
            case 0x62: columns.append(.binary(try reader.lengthPrefixedBytes("binary column value"))) // b
            default: throw reader.unexpected(kind, "tuple column kind")
            }
        }
        return Self(columns: columns)
    }
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
}
