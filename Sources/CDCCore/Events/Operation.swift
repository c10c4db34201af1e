/// Debezium's `op` codes.
public enum Operation: String, Sendable {
    case create = "c", update = "u", delete = "d", read = "r", truncate = "t", message = "m"

    /// The one ASCII byte of the code.
    var byte: UInt8 { rawValue.utf8.first! }
}
