/// Turns decoded pgoutput messages into Debezium change events, rendered into a line buffer
/// that the streamer hands to the output. Holds no transaction in memory: events are rendered
/// as their messages arrive.
struct ChangeEventWriter {
    private var renderer: EventRenderer
    private var relations: RelationCache
    /// Rendered event lines not yet handed to the output.
    var lines = ByteWriter(capacity: 1 << 18)
    private var transaction: BeginMessage?
    private var lastCommitted: LSN?
    private var scratch = ByteWriter(capacity: 256)

    init(renderer: EventRenderer, relations: RelationCache) {
        self.renderer = renderer
        self.relations = relations
    }

    mutating func begin(_ message: BeginMessage) { transaction = message }

    mutating func commit(_ message: CommitMessage) {
        transaction = nil
        lastCommitted = message.commitLSN
    }

    mutating func relation(_ message: RelationMessage) throws { try relations.apply(message) }

    mutating func insert(_ message: InsertMessage, at lsn: LSN) throws {
        var relation = try known(message.relationID)
        let after = try relation.renderer.render(message.newTuple)
        renderer.write(op: .create, before: nil, after: after, table: relation.name, position: position(lsn), into: &lines)
        relations[message.relationID] = relation
    }

    mutating func update(_ message: UpdateMessage, at lsn: LSN) throws {
        var relation = try known(message.relationID)
        defer { relations[message.relationID] = relation }
        guard let old = message.oldTuple?.tuple else {
            let after = try relation.renderer.render(message.newTuple)
            renderer.write(op: .update, before: nil, after: after, table: relation.name, position: position(lsn), into: &lines)
            return
        }
        scratch.reset()
        scratch.write(try relation.renderer.render(old))
        let before = scratch.bytes
        let after = try relation.renderer.render(message.newTuple)
        if !relation.keyIndices.isEmpty, !TupleRenderer.sameKey(old, message.newTuple, keys: relation.keyIndices) {
            // A key change is a delete of the old key and a create of the new one, as Debezium emits it.
            renderer.write(op: .delete, before: before, after: nil, table: relation.name, position: position(lsn), into: &lines)
            renderer.write(op: .create, before: nil, after: after, table: relation.name, position: position(lsn), into: &lines)
        } else {
            renderer.write(op: .update, before: before, after: after, table: relation.name, position: position(lsn), into: &lines)
        }
    }

    mutating func delete(_ message: DeleteMessage, at lsn: LSN) throws {
        var relation = try known(message.relationID)
        let before = try relation.renderer.render(message.oldTuple.tuple)
        renderer.write(op: .delete, before: before, after: nil, table: relation.name, position: position(lsn), into: &lines)
        relations[message.relationID] = relation
    }

    mutating func truncate(_ message: TruncateMessage, at lsn: LSN) throws {
        for id in message.relationIDs {
            let relation = try known(id)
            renderer.write(op: .truncate, before: nil, after: nil, table: relation.name, position: position(lsn), into: &lines)
        }
    }

    mutating func logicalMessage(_ message: LogicalDecodingMessage, at lsn: LSN, serverTime: PostgresTimestamp) {
        var p = position(lsn)
        if transaction == nil { p.commitMicros = serverTime.unixMicroseconds }
        // Messages belong to no table; Debezium reports empty schema and table names.
        renderer.writeMessage(prefix: message.prefix, content: message.content, table: TableName(schema: "", table: ""), position: p, into: &lines)
    }

    private func known(_ id: UInt32) throws -> StreamRelation {
        guard let relation = relations[id] else { throw StreamError("change for relation \(id) arrived before its Relation message") }
        return relation
    }

    private func position(_ lsn: LSN) -> SourcePosition {
        SourcePosition(commitMicros: transaction?.commitTime.unixMicroseconds ?? 0, snapshot: nil,
                       sequence: (lastCommitted, lsn), txId: transaction.map { Int64($0.xid) }, lsn: lsn)
    }
}
