/// One decoded pgoutput logical replication message.
public enum PgOutputMessage: Hashable, Sendable {
    /// Start of a transaction ('B').
    case begin(BeginMessage)
    /// End of a transaction ('C').
    case commit(CommitMessage)
    /// Replication origin of the current transaction ('O').
    case origin(OriginMessage)
    /// Table schema, sent before the first change to a table and after each schema change ('R').
    case relation(RelationMessage)
    /// A non-built-in data type used by a following relation ('Y').
    case type(TypeMessage)
    /// A row insert ('I').
    case insert(InsertMessage)
    /// A row update ('U').
    case update(UpdateMessage)
    /// A row delete ('D').
    case delete(DeleteMessage)
    /// One TRUNCATE of one or more tables ('T').
    case truncate(TruncateMessage)
    /// A `pg_logical_emit_message` payload ('M').
    case logicalMessage(LogicalDecodingMessage)
    /// Start of a block of a streamed in-progress transaction ('S', protocol 2+).
    case streamStart(StreamStartMessage)
    /// End of a streamed block ('E', protocol 2+).
    case streamStop
    /// Commit of a streamed transaction ('c', protocol 2+).
    case streamCommit(StreamCommitMessage)
    /// Abort of a streamed transaction or subtransaction ('A', protocol 2+).
    case streamAbort(StreamAbortMessage)
    /// Start of a prepared transaction ('b', protocol 3+).
    case beginPrepare(BeginPrepareMessage)
    /// PREPARE TRANSACTION ('P', protocol 3+).
    case prepare(PrepareMessage)
    /// COMMIT PREPARED ('K', protocol 3+).
    case commitPrepared(CommitPreparedMessage)
    /// ROLLBACK PREPARED ('r', protocol 3+).
    case rollbackPrepared(RollbackPreparedMessage)
    /// PREPARE of a streamed transaction ('p', protocol 3+); same layout as Prepare.
    case streamPrepare(PrepareMessage)

    /// The ASCII tag byte that starts each message.
    public enum ID: UInt8, Hashable, Sendable {
        case begin = 0x42 // B
        case commit = 0x43 // C
        case origin = 0x4F // O
        case relation = 0x52 // R
        case type = 0x59 // Y
        case insert = 0x49 // I
        case update = 0x55 // U
        case delete = 0x44 // D
        case truncate = 0x54 // T
        case logicalMessage = 0x4D // M
        case streamStart = 0x53 // S
        case streamStop = 0x45 // E
        case streamCommit = 0x63 // c
        case streamAbort = 0x41 // A
        case beginPrepare = 0x62 // b
        case prepare = 0x50 // P
        case commitPrepared = 0x4B // K
        case rollbackPrepared = 0x72 // r
        case streamPrepare = 0x70 // p
    }

    /// The tag this message is sent with.
    public var id: ID {
        switch self {
        case .begin: .begin
        case .commit: .commit
        case .origin: .origin
        case .relation: .relation
        case .type: .type
        case .insert: .insert
        case .update: .update
        case .delete: .delete
        case .truncate: .truncate
        case .logicalMessage: .logicalMessage
        case .streamStart: .streamStart
        case .streamStop: .streamStop
        case .streamCommit: .streamCommit
        case .streamAbort: .streamAbort
        case .beginPrepare: .beginPrepare
        case .prepare: .prepare
        case .commitPrepared: .commitPrepared
        case .rollbackPrepared: .rollbackPrepared
        case .streamPrepare: .streamPrepare
        }
    }
}
