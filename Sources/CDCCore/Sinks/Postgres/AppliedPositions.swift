/// The input positions a target holds (`cdcctl_apply_offsets`), as a value: which records are
/// in the target already. Kafka records by partition offset; standard-input records by their
/// source transaction (`SourcePoint`) or, with `--replay-lines`, by line number.
public struct AppliedPositions: Sendable {
    let stored: [ApplyOffsetsTable.Key: ApplyOffsetsTable.Stored]
    let replayLines: Bool

    /// Whether `record`'s change is in the target.
    public func contains(_ record: ApplyRecord) -> Bool {
        switch record.position {
        case .kafka(let topic, let partition, let offset):
            return stored[ApplyOffsetsTable.Key(topic: topic, partition: partition)].map { offset <= $0.offset } ?? false
        case .stdin(let line, _):
            if let point = record.sourcePoint {
                if let lc = point.lastCommitted {
                    guard let main = stored[PostgresApplier.stdinKey], let mainLC = main.lsn, let identity = main.identity,
                          let index = main.index else { return false }
                    if identity == point.identity { return point.index <= index }
                    return lc < mainLC
                }
                guard let marker = stored[PostgresApplier.markerKey(point.identity)], let index = marker.index else { return false }
                return point.index <= index
            }
            if replayLines, let main = stored[PostgresApplier.stdinKey] { return line <= main.offset }
            return false
        }
    }
}
