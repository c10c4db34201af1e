/// Debezium's `source.snapshot` values for snapshot reads.
public enum SnapshotMarker: String, Sendable {
    case first, firstInDataCollection = "first_in_data_collection", inner = "true"
    case lastInDataCollection = "last_in_data_collection", last, incremental
}
