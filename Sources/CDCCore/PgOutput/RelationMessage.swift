/// Relation ('R'): a table's identity and columns as the publication sends them.
public struct RelationMessage: Hashable, Sendable {
    /// One published column.
    public struct Column: Hashable, Sendable {
        /// Column flags; bit 1 marks a replica identity (key) column.
        public let flags: UInt8
        /// The column name.
        public let name: String
        /// The column's data type OID.
        public let typeOID: UInt32
        /// The type modifier (`atttypmod`), -1 when there is none.
        public let typeModifier: Int32

        /// Whether the column is part of the replica identity, i.e. appears in 'K' old tuples.
        public var isKey: Bool { flags & 1 != 0 }
    }

    /// Transaction id when sent inside a streamed block, otherwise nil.
    public let xid: UInt32?
    /// The table's OID, which later row messages refer to.
    public let relationID: UInt32
    /// The schema name; empty for `pg_catalog`.
    public let namespace: String
    /// The table name.
    public let name: String
    /// `REPLICA IDENTITY` setting, which decides what old-row data updates and deletes carry.
    public let replicaIdentity: ReplicaIdentity
    /// Published columns in attribute order, matching tuple column positions.
    public let columns: [Column]

    static func decode(from reader: inout ByteReader, streamed: Bool) throws -> Self {
        let xid = try reader.streamXid(streamed)
        let relationID = try reader.uint32("relation OID")
        let namespace = try reader.string("namespace")
        let name = try reader.string("relation name")
        let replicaIdentity = ReplicaIdentity(rawValue: try reader.uint8("replica identity"))
        // flags + name terminator + type OID + typmod
        let count = try reader.count16("column count", minimumElementSize: 10)
        var columns: [Column] = []
        columns.reserveCapacity(count)
        for _ in 0..<count {
            columns.append(Column(
                flags: try reader.uint8("column flags"),
                name: try reader.string("column name"),
                typeOID: try reader.uint32("column type OID"),
                typeModifier: try reader.int32("column type modifier")
            ))
        }
        return Self(
            xid: xid, relationID: relationID, namespace: namespace, name: name,
            replicaIdentity: replicaIdentity, columns: columns
        )
    }
}

/// A table's `REPLICA IDENTITY` (`pg_class.relreplident`).
///
/// A raw-value struct rather than an enum so a setting added by a future server decodes instead
/// of failing the whole stream.
public struct ReplicaIdentity: RawRepresentable, Hashable, Sendable {
    /// The byte from the wire.
    public let rawValue: UInt8

    /// Wraps a wire byte.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// 'd': the primary key, if any.
    public static let `default` = ReplicaIdentity(rawValue: 0x64)
    /// 'n': no old-row information.
    public static let nothing = ReplicaIdentity(rawValue: 0x6E)
    /// 'f': the whole old row.
    public static let full = ReplicaIdentity(rawValue: 0x66)
    /// 'i': the columns of a chosen unique index.
    public static let index = ReplicaIdentity(rawValue: 0x69)
}

/// Type ('Y'): names a data type that is not built in, so its OID can be resolved.
public struct TypeMessage: Hashable, Sendable {
    /// Transaction id when sent inside a streamed block, otherwise nil.
    public let xid: UInt32?
    /// The type's OID.
    public let typeOID: UInt32
    /// The schema name; empty for `pg_catalog`.
    public let namespace: String
    /// The type name.
    public let name: String

    static func decode(from reader: inout ByteReader, streamed: Bool) throws -> Self {
        Self(
            xid: try reader.streamXid(streamed),
            typeOID: try reader.uint32("type OID"),
            namespace: try reader.string("type namespace"),
            name: try reader.string("type name")
        )
    }
}
