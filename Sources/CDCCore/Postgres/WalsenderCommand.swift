/// A command of the walsender's replication protocol, as the text sent with the simple query
/// protocol. Pure: building a command needs no server, so the exact texts are unit-tested.
public enum WalsenderCommand: Hashable, Sendable {
    /// `CREATE_REPLICATION_SLOT … LOGICAL pgoutput`, exporting a snapshot or not.
    case createSlot(name: String, exportSnapshot: Bool)
    /// `START_REPLICATION SLOT … LOGICAL …` with pgoutput's options.
    case startReplication(slot: String, from: LSN, protocolVersion: Int, publications: [String], messages: Bool)
    /// `DROP_REPLICATION_SLOT …`.
    case dropSlot(name: String)
    /// `IDENTIFY_SYSTEM`: the cluster's system identifier, timeline and WAL flush position.
    case identifySystem

    /// The command text; every name is quoted as an identifier, every option value as a literal.
    public var text: String {
        switch self {
        case let .createSlot(name, exportSnapshot):
            return "CREATE_REPLICATION_SLOT \(SQLQuote.identifier(name)) LOGICAL pgoutput \(exportSnapshot ? "EXPORT_SNAPSHOT" : "NOEXPORT_SNAPSHOT")"
        case let .startReplication(slot, from, protocolVersion, publications, messages):
            // pgoutput splits publication_names as a list of identifiers, so each name is
            // quoted as one and the list travels as a literal.
            let names = publications.map(SQLQuote.identifier).joined(separator: ",")
            return "START_REPLICATION SLOT \(SQLQuote.identifier(slot)) LOGICAL \(from) "
                + "(proto_version \(SQLQuote.literal(String(protocolVersion)))"
                + ", publication_names \(SQLQuote.literal(names))"
                + ", messages \(SQLQuote.literal(messages ? "true" : "false")))"
        case let .dropSlot(name):
            return "DROP_REPLICATION_SLOT \(SQLQuote.identifier(name))"
        case .identifySystem:
            return "IDENTIFY_SYSTEM"
        }
    }
}
