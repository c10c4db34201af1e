import AvroCodec

/// A subject's (or the registry's) compatibility rule, as Confluent names them.
public enum CompatibilityLevel: String, Codable, Sendable, CaseIterable {
    case none = "NONE"
    case backward = "BACKWARD"
    case backwardTransitive = "BACKWARD_TRANSITIVE"
    case forward = "FORWARD"
    case forwardTransitive = "FORWARD_TRANSITIVE"
    case full = "FULL"
    case fullTransitive = "FULL_TRANSITIVE"

    /// Parses a level case-insensitively ("backward", "FULL_TRANSITIVE").
    public init?(parsing text: String) {
        self.init(rawValue: text.uppercased())
    }

    /// The new schema must read data written with the old one(s).
    var checksBackward: Bool { [.backward, .backwardTransitive, .full, .fullTransitive].contains(self) }
    /// The old schema(s) must read data written with the new one.
    var checksForward: Bool { [.forward, .forwardTransitive, .full, .fullTransitive].contains(self) }
    /// Against every live version rather than only the latest.
    var isTransitive: Bool { [.backwardTransitive, .forwardTransitive, .fullTransitive].contains(self) }
}

/// Why a reader schema cannot read a writer's data, as the registry words it: Confluent's
/// `errorType` (what Avro Java's `SchemaCompatibility` calls the problem, e.g.
/// `READER_FIELD_MISSING_DEFAULT_VALUE`), the field concerned when there is one, and
/// `AvroResolution`'s reason (path and sentence) verbatim.
///
/// `AvroResolution.incompatibility` answers with text only, so the type is recognised from its
/// wording; a reason worded otherwise is still reported, just without a type.
struct RegistryIncompatibility: Equatable, Sendable, CustomStringConvertible {
    let errorType: String?
    /// The reader field lacking a default (READER_FIELD_MISSING_DEFAULT_VALUE only).
    let field: String?
    let reason: String

    /// nil when `reader` can read everything `writer` wrote.
    init?(reader: AvroCompiledSchema, writer: AvroCompiledSchema) {
        guard let reason = AvroResolution.incompatibility(reader: reader, writer: writer) else { return nil }
        self.init(reason: reason)
    }

    init(reason: String) {
        self.reason = reason
        // AvroResolution's reasons are "<path>: <sentence>"; a path holds no ": ".
        let parts = reason.components(separatedBy: ": ")
        let path = parts.count > 1 ? parts[0] : ""
        let sentence = parts.count > 1 ? parts.dropFirst().joined(separator: ": ") : reason
        var field: String?
        let type: String?
        if sentence.hasPrefix("reader field is missing from the writer and has no default") {
            type = "READER_FIELD_MISSING_DEFAULT_VALUE"
            // The path ends in ".<field>"; field names are [A-Za-z_][A-Za-z0-9_]*.
            if let dot = path.lastIndex(of: ".") {
                let name = path[path.index(after: dot)...]
                if !name.isEmpty, name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }) { field = String(name) }
            }
        } else if sentence.contains(" does not match writer's ") {
            type = "NAME_MISMATCH"
        } else if sentence.hasPrefix("fixed size ") {
            type = "FIXED_SIZE_MISMATCH"
        } else if sentence.hasPrefix("reader enum lacks writer symbols") {
            type = "MISSING_ENUM_SYMBOLS"
        } else if sentence.hasPrefix("no branch of the reader's union can read") {
            type = "MISSING_UNION_BRANCH"
        } else if sentence.contains(" cannot read writer type ") {
            type = "TYPE_MISMATCH"
        } else {
            type = nil
        }
        self.errorType = type
        self.field = field
    }

    /// e.g. "READER_FIELD_MISSING_DEFAULT_VALUE (field 'b'): r.b: reader field is missing from the writer and has no default".
    var description: String {
        guard let errorType else { return reason }
        return errorType + (field.map { " (field '\($0)')" } ?? "") + ": " + reason
    }
}
