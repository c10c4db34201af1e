/// Turns decoded pgoutput messages into sink calls: rows as borrowed tuples, Debezium's
/// positions, a key change split into delete + create. Holds no transaction in memory.
struct ChangeEventWriter {
    private var relations: RelationCache
    private var transaction: BeginMessage?
    private var lastCommitted: LSN?
    private let prefix: String
    private let database: String

    init(relations: RelationCache, prefix: String, database: String) {
        self.relations = relations
        self.prefix = prefix
        self.database = database
    }

    mutating func begin(_ message: BeginMessage, into sink: inout some ChangeEventSink) throws {
        transaction = message
        try sink.beginTransaction(id: Int64(message.xid), finalLSN: message.finalLSN, commitMicros: message.commitTime.unixMicroseconds)
    }

    mutating func commit(_ message: CommitMessage, into sink: inout some ChangeEventSink) throws {
        transaction = nil
        lastCommitted = message.commitLSN
        try sink.endTransaction(at: message.endLSN)
    }

    mutating func relation(_ message: RelationMessage) throws { try relations.apply(message) }

    func insert(_ message: InsertMessage, at lsn: LSN, into sink: inout some ChangeEventSink) throws {
        try sink.change(.create, table: try known(message.relationID), before: nil, after: .tuple(message.newTuple), position: position(lsn))
    }

    func update(_ message: UpdateMessage, at lsn: LSN, into sink: inout some ChangeEventSink) throws {
        let table = try known(message.relationID)
        guard let old = message.oldTuple?.tuple else {
            try sink.change(.update, table: table, before: nil, after: .tuple(message.newTuple), position: position(lsn))
            return
        }
        if !table.keyIndices.isEmpty, !TupleRenderer.sameKey(old, message.newTuple, keys: table.keyIndices) {
            // A key change is a delete of the old key and a create of the new one, as Debezium emits it.
            try sink.change(.delete, table: table, before: .tuple(old), after: nil, position: position(lsn))
            try sink.change(.create, table: table, before: nil, after: .tuple(message.newTuple), position: position(lsn))
        } else {
            try sink.change(.update, table: table, before: .tuple(old), after: .tuple(message.newTuple), position: position(lsn))
        }
    }

    func delete(_ message: DeleteMessage, at lsn: LSN, into sink: inout some ChangeEventSink) throws {
        try sink.change(.delete, table: try known(message.relationID), before: .tuple(message.oldTuple.tuple), after: nil, position: position(lsn))
    }

    func truncate(_ message: TruncateMessage, at lsn: LSN, into sink: inout some ChangeEventSink) throws {
        for id in message.relationIDs {
            try sink.change(.truncate, table: try known(id), before: nil, after: nil, position: position(lsn))
        }
    }

    func logicalMessage(_ message: LogicalDecodingMessage, at lsn: LSN, serverTime: PostgresTimestamp, into sink: inout some ChangeEventSink) throws {
        var p = position(lsn)
        if transaction == nil { p.commitMicros = serverTime.unixMicroseconds }
        // Messages belong to no table; Debezium reports empty schema and table names.
        let origin = EventTable(prefix: prefix, database: database, name: TableName(schema: "", table: ""), columns: [])
        try sink.message(prefix: message.prefix, content: message.content, origin: origin, position: p)
    }

    private func known(_ id: UInt32) throws -> EventTable {
        guard let relation = relations[id] else { throw StreamError("change for relation \(id) arrived before its Relation message") }
        return relation
    }

    private func position(_ lsn: LSN) -> SourcePosition {
        SourcePosition(commitMicros: transaction?.commitTime.unixMicroseconds ?? 0, snapshot: nil,
                       sequence: (lastCommitted, lsn), txId: transaction.map { Int64($0.xid) }, lsn: lsn)
    }
}
