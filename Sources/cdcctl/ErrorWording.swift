import ArgumentParser
import CDCCore

extension CDCCtl {
    /// The text of the one `cdcctl: error: …` line for `error`: library errors that a flag
    /// fixes name that flag; everything else is ArgumentParser's message.
    static func errorMessage(for error: Error) -> String {
        if let capture = error as? CaptureError { return capture.commandLineWording }
        if let shaping = error as? ShapingError { return shaping.commandLineWording }
        if let mismatch = error as? CommittedPositionMismatch { return mismatch.commandLineWording }
        if let outbox = error as? OutboxError { return outbox.commandLineWording }
        return message(for: error)
    }
}

extension CaptureError {
    /// The error worded for `cdcctl stream`, with the flags that fix it.
    var commandLineWording: String {
        switch self {
        case let .publicationMissing(publication):
            return "publication \(publication) does not exist: pass --table schema.table or --all-tables to create it"
        case let .slotMissing(slot):
            return "replication slot \(slot) does not exist: drop --no-create-slot to create it"
        case let .slotExistsForInitialOnly(slot):
            return "--snapshot initial-only needs a new slot, but \(slot) exists: drop it or choose another --slot"
        case let .slotInUse(slot, pid):
            return "replication slot \(slot) is in use by process \(pid): stop the other consumer or choose another --slot"
        case let .slotPluginNotPgOutput(slot, plugin):
            return "replication slot \(slot) uses plugin \(plugin), not pgoutput: choose another --slot"
        case let .tableNotPublished(table, publication, fix):
            return "table \(table) is not in publication \(publication), so none of its changes would arrive: add it (\(fix)) or choose another --publication"
        case .walLevelNotLogical, .slotInOtherDatabase, .slotLost, .serverChanged, .relationNotDescribed, .unexpectedMessage, .invalidName, .snapshotStateInaccessible:
            return description
        }
    }
}

extension CommittedPositionMismatch {
    /// The error worded for `cdcctl stream --exactly-once`, with the flag that overrides it.
    var commandLineWording: String {
        "\(mismatch): skipping by it could lose changes; pass --reset-offsets to stream everything from the slot (the first commit overwrites the position)"
    }
}
