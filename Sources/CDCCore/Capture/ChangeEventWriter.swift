/// Turns decoded pgoutput messages into sink calls: rows as borrowed tuples, Debezium's
/// positions, a key change split into delete + create, transaction boundaries. Tells the
/// replication state machine what was handed over, and returns what the read loop must do.
/// Holds no transaction in memory.
struct ChangeEventWriter {
    private var relations: RelationCache
    /// Relations whose changes are cdcctl's own bookkeeping (`SnapshotStateTable`, published by
    /// a `FOR ALL TABLES` publication), never handed to the sink.
    private var ignored: Set<UInt32> = []
    private var transaction: BeginMessage?
    private var lastCommitted: LSN?
    /// The current transaction's replication origin (an Origin message after its Begin).
    private var origin: OriginMessage?
    private let prefix: String
    private let database: String
    /// Incremental snapshots: told of every change (to drop stale chunk rows), fed signals and
    /// watermarks. Nil: cdcctl's own messages are still consumed.
    var incremental: IncrementalSnapshot?
    /// Relations of the signal table: their inserts are signals, never events.
    private var signalRelations: Set<UInt32> = []
    /// The operations handed to the sink (`--ops`); the others are skipped.
    private let operations: Set<Operation>

    init(relations: RelationCache, prefix: String, database: String, operations: Set<Operation> = ShapingSettings.allOperations) {
        self.relations = relations
        self.prefix = prefix
        self.database = database
        self.operations = operations
    }

    /// Hands `message`, carried by XLogData starting at `lsn` and sent at `serverTime`, to
    /// `sink`, and records transaction boundaries in `machine`. Returns the machine's actions:
    /// status updates that fell due, or `.stop` (after the end of the stream, or before a
    /// transaction or message past `--endpos`, which is then not handed over).
    mutating func write(_ message: PgOutputMessage, at lsn: LSN, serverTime: PostgresTimestamp,
                        machine: inout ReplicationStateMachine, into sink: inout some ChangeEventSink) throws -> [ReplicationStateMachine.Action] {
        switch message {
        case .begin(let begin):
            guard machine.begin(finalLSN: begin.finalLSN) == .emit else { return [.stop] }
            transaction = begin
            origin = nil
            incremental?.transactionBegins(xid: begin.xid)
            try sink.beginTransaction(id: Int64(begin.xid), finalLSN: begin.finalLSN, commitMicros: begin.commitTime.unixMicroseconds)
        case .commit(let commit):
            transaction = nil
            origin = nil
            // Debezium's lastCommitLsn: where the commit message's XLogData starts, the transaction's end.
            lastCommitted = commit.endLSN
            try sink.endTransaction(at: commit.endLSN)
            // What the sink already reports durable first, so a status sent now includes it.
            let durable = try machine.collectDurable(from: &sink, wait: 0)
            let handedOver = machine.handedOver(transactionEnd: commit.endLSN, now: Clock.monotonicSeconds())
            return durable.isEmpty ? handedOver : durable + handedOver
        case .relation(let relation) where SnapshotStateTable.isStateTable(TableName(schema: relation.namespace, table: relation.name))
            || IncrementalSnapshotStateTable.isStateTable(TableName(schema: relation.namespace, table: relation.name)):
            ignored.insert(relation.relationID)
        case .relation(let relation):
            // A relation published but not selected: its changes are skipped like cdcctl's own.
            if try !relations.apply(relation) { ignored.insert(relation.relationID) } else { ignored.remove(relation.relationID) }
            if incremental?.isSignalTable(TableName(schema: relation.namespace, table: relation.name)) == true {
                signalRelations.insert(relation.relationID)
                ignored.insert(relation.relationID)
            }
        case .insert(let change) where !signalRelations.isEmpty && signalRelations.contains(change.relationID):
            if let table = relations[change.relationID] { incremental?.signalRow(table, change.newTuple) }
        case .insert(let change) where isIgnored(change.relationID):
            break
        case .update(let change) where isIgnored(change.relationID):
            break
        case .delete(let change) where isIgnored(change.relationID):
            break
        case .insert(let insert):
            let table = try known(insert.relationID, holding: insert.newTuple)
            incremental?.changed(table, insert.newTuple)
            guard operations.contains(.create) else { break }
            try sink.change(.create, table: table, before: nil, after: .tuple(insert.newTuple), position: position(lsn))
        case .update(let update):
            try self.update(update, at: lsn, into: &sink)
        case .delete(let delete):
            let table = try delete.oldTuple.isFull ? known(delete.relationID, holding: delete.oldTuple.tuple) : known(delete.relationID)
            incremental?.changed(table, delete.oldTuple.tuple)
            guard operations.contains(.delete) else { break }
            try sink.change(.delete, table: table, before: .oldTuple(delete.oldTuple), after: nil, position: position(lsn))
        case .truncate(let truncate):
            for id in truncate.relationIDs where !isIgnored(id) {
                incremental?.truncated(try known(id))
                guard operations.contains(.truncate) else { continue }
                try sink.change(.truncate, table: try known(id), before: nil, after: nil, position: position(lsn))
            }
        case .logicalMessage(let logical) where IncrementalSnapshot.isControl(prefix: logical.prefix):
            // cdcctl's signals and watermarks are consumed, never handed to the sink. A high
            // watermark hands over its chunk's rows, which end at its position like a
            // standalone message.
            if !logical.isTransactional, machine.beginMessage(at: lsn) != .emit { return [.stop] }
            guard let incremental, try incremental.control(logical, at: lsn, into: &sink) else { break }
            try sink.endTransaction(at: lsn)
            let durable = try machine.collectDurable(from: &sink, wait: 0)
            return durable + machine.handedOver(messageAt: lsn, now: Clock.monotonicSeconds())
        case .logicalMessage(let logical) where logical.isTransactional:
            guard operations.contains(.message) else { break }
            try self.logicalMessage(logical, at: lsn, serverTime: serverTime, into: &sink)
        case .logicalMessage(let logical):
            // Outside any transaction: the message is a boundary of its own.
            guard machine.beginMessage(at: lsn) == .emit else { return [.stop] }
            if operations.contains(.message) { try self.logicalMessage(logical, at: lsn, serverTime: serverTime, into: &sink) }
            try sink.endTransaction(at: lsn)
            // What the sink already reports durable first, so a status sent now includes it.
            let durable = try machine.collectDurable(from: &sink, wait: 0)
            let handedOver = machine.handedOver(messageAt: lsn, now: Clock.monotonicSeconds())
            return durable.isEmpty ? handedOver : durable + handedOver
        case .origin(let message):
            origin = message
        case .type:
            break
        default:
            throw CaptureError.unexpectedMessage(tag: message.id.rawValue)
        }
        return []
    }

    /// Whether changes of relation `id` are cdcctl's bookkeeping (checked only once one was seen).
    private func isIgnored(_ id: UInt32) -> Bool { !ignored.isEmpty && ignored.contains(id) }

    private mutating func update(_ message: UpdateMessage, at lsn: LSN, into sink: inout some ChangeEventSink) throws {
        var table = try known(message.relationID, holding: message.newTuple)
        if let old = message.oldTuple, old.isFull { table = try known(message.relationID, holding: old.tuple) }
        if let old = message.oldTuple { incremental?.changed(table, old.tuple) }
        incremental?.changed(table, message.newTuple, orKeyOf: message.oldTuple?.tuple)
        // Under REPLICA IDENTITY FULL the old row also supplies unchanged TOASTed values.
        let after = RowSource.newTuple(message.newTuple, old: message.oldTuple)
        guard let old = message.oldTuple else {
            if operations.contains(.update) { try sink.change(.update, table: table, before: nil, after: after, position: position(lsn)) }
            return
        }
        // (A key-only old tuple carries only the replica identity: a key column it lacks is not compared.)
        if !table.keyIndices.isEmpty, !TupleData.sameKey(old.tuple, message.newTuple, keys: table.keyTuplePositions, oldIsKeyOnly: !old.isFull) {
            // A key change is a delete of the old key and a create of the new one, as Debezium emits it.
            if operations.contains(.delete) { try sink.change(.delete, table: table, before: .oldTuple(old), after: nil, position: position(lsn)) }
            if operations.contains(.create) { try sink.change(.create, table: table, before: nil, after: after, position: position(lsn)) }
        } else if operations.contains(.update) {
            try sink.change(.update, table: table, before: .oldTuple(old), after: after, position: position(lsn))
        }
    }

    private func logicalMessage(_ message: LogicalDecodingMessage, at lsn: LSN, serverTime: PostgresTimestamp, into sink: inout some ChangeEventSink) throws {
        var p = position(lsn)
        if transaction == nil { p.commitMicros = serverTime.unixMicroseconds }
        // Messages belong to no table; Debezium reports empty schema and table names.
        let origin = EventTable(prefix: prefix, database: database, name: TableName(schema: "", table: ""), columns: [])
        try sink.message(prefix: message.prefix, content: message.content, origin: origin, position: p)
    }

    /// The relation's table, its nullability widened where the complete row `tuple` holds NULL.
    private mutating func known(_ id: UInt32, holding tuple: TupleData) throws -> EventTable {
        guard let relation = relations.table(id, holding: tuple) else { throw CaptureError.relationNotDescribed(relationID: id) }
        return relation
    }

    private func known(_ id: UInt32) throws -> EventTable {
        guard let relation = relations[id] else { throw CaptureError.relationNotDescribed(relationID: id) }
        return relation
    }

    private func position(_ lsn: LSN) -> SourcePosition {
        var p = SourcePosition(commitMicros: transaction?.commitTime.unixMicroseconds ?? 0, snapshot: nil,
                               sequence: (lastCommitted, lsn), txId: transaction.map { Int64($0.xid) }, lsn: lsn)
        p.origin = origin
        return p
    }
}

extension ReplicationStateMachine {
    /// Tells the machine how far `sink` reports delivery durable (serving deliveries for up to
    /// `wait` seconds first); returns the actions that fell due.
    mutating func collectDurable(from sink: inout some ChangeEventSink, wait: Double) throws -> [Action] {
        guard let lsn = try sink.durable(wait: wait) else { return [] }
        return durable(through: lsn, now: Clock.monotonicSeconds())
    }
}
