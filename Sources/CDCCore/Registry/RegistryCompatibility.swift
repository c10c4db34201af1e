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

/// One reason a reader schema cannot read what a writer schema wrote, in the terms of Avro's
/// Java `SchemaCompatibility` (which Confluent's registry uses): a type, a location in the reader
/// schema, and a sentence.
struct AvroIncompatibility: Equatable, Sendable, CustomStringConvertible {
    enum Kind: String, Sendable {
        case nameMismatch = "NAME_MISMATCH"
        case fixedSizeMismatch = "FIXED_SIZE_MISMATCH"
        case missingEnumSymbols = "MISSING_ENUM_SYMBOLS"
        case readerFieldMissingDefaultValue = "READER_FIELD_MISSING_DEFAULT_VALUE"
        case typeMismatch = "TYPE_MISMATCH"
        case missingUnionBranch = "MISSING_UNION_BRANCH"
    }

    let kind: Kind
    let location: String
    let message: String

    var description: String { "\(kind.rawValue) at '\(location)': \(message)" }
}

/// Avro schema resolution, decided statically: can data written with `writer` always be read
/// with `reader`? A port of the rules in Avro's `SchemaCompatibility` (Java), which is what
/// Confluent's BACKWARD/FORWARD/FULL checks run:
///
/// - same primitive types match; int→long/float/double, long→float/double, float→double and
///   string↔bytes are promotions;
/// - records, enums and fixed must have the same unqualified name or the reader must list the
///   writer's full name among its aliases; fixed sizes must be equal;
/// - every reader field must exist in the writer (by name or a reader alias) with a compatible
///   type, or have a default; writer fields the reader lacks are skipped;
/// - every writer enum symbol must exist in the reader, unless the reader enum has a default;
/// - every branch of a writer union must be readable; a reader union reads a writer type when
///   any of its branches does.
///
/// Avro C's resolver (`avro_resolved_writer_new`, Avro C 1.11) is not used for this: it rejects
/// a reader field that has a default, accepts writer enum symbols and union branches the reader
/// lacks, rejects string↔bytes, and crashes on incompatible array items or map values.
struct AvroCompatibilityChecker {
    let reader: RegistryAvroSchema
    let writer: RegistryAvroSchema
    /// Record pairs being checked (recursive schemas) or already checked, with their result.
    private var memo: [String: [AvroIncompatibility]] = [:]

    init(reader: RegistryAvroSchema, writer: RegistryAvroSchema) {
        self.reader = reader
        self.writer = writer
    }

    /// Every incompatibility found (empty: compatible).
    static func incompatibilities(reader: RegistryAvroSchema, writer: RegistryAvroSchema) -> [AvroIncompatibility] {
        var checker = AvroCompatibilityChecker(reader: reader, writer: writer)
        return checker.check(reader.root, writer.root, location: "")
    }

    private enum Shape: Equatable {
        case primitive(RegistryAvroSchema.Primitive)
        case array, map, union, record, enumeration, fixed

        var name: String {
            switch self {
            case .primitive(let p): return p.rawValue
            case .array: return "array"
            case .map: return "map"
            case .union: return "union"
            case .record: return "record"
            case .enumeration: return "enum"
            case .fixed: return "fixed"
            }
        }
    }

    private func shape(_ node: RegistryAvroSchema.Node, in schema: RegistryAvroSchema) -> Shape {
        switch node {
        case .primitive(let p): return .primitive(p)
        case .array: return .array
        case .map: return .map
        case .union: return .union
        case .named(let name):
            switch schema.named[name]?.kind {
            case .record?, nil: return .record
            case .enumeration?: return .enumeration
            case .fixed?: return .fixed
            }
        }
    }

    private mutating func check(_ r: RegistryAvroSchema.Node, _ w: RegistryAvroSchema.Node, location: String) -> [AvroIncompatibility] {
        let rs = shape(r, in: reader), ws = shape(w, in: writer)
        let at = location.isEmpty ? "/" : location
        if rs == ws {
            switch (r, w) {
            case (.primitive, .primitive):
                return []
            case (.array(let ri), .array(let wi)):
                return check(ri, wi, location: location + "/items")
            case (.map(let rv), .map(let wv)):
                return check(rv, wv, location: location + "/values")
            case (.union, .union(let writerBranches)):
                var result: [AvroIncompatibility] = []
                for (i, branch) in writerBranches.enumerated() where !check(r, branch, location: location).isEmpty {
                    result.append(AvroIncompatibility(kind: .missingUnionBranch, location: "\(location)/\(i)",
                                                      message: "reader union lacking writer type: \(describe(branch, in: writer))"))
                }
                return result
            case (.named(let rn), .named(let wn)):
                return checkNamed(reader.named[rn]!, writer.named[wn]!, location: location)
            default:
                return [AvroIncompatibility(kind: .typeMismatch, location: at, message: "reader type: \(rs.name) not compatible with writer type: \(ws.name)")]
            }
        }
        if case .union(let writerBranches) = w {
            // A non-union reader: every writer branch must resolve to it.
            return writerBranches.flatMap { check(r, $0, location: location) }
        }
        switch (rs, ws) {
        case (.primitive(.long), .primitive(.int)),
             (.primitive(.float), .primitive(.int)), (.primitive(.float), .primitive(.long)),
             (.primitive(.double), .primitive(.int)), (.primitive(.double), .primitive(.long)), (.primitive(.double), .primitive(.float)),
             (.primitive(.bytes), .primitive(.string)), (.primitive(.string), .primitive(.bytes)):
            return []
        case (.union, _):
            guard case .union(let readerBranches) = r else { return [] }
            for branch in readerBranches where check(branch, w, location: location).isEmpty {
                return []
            }
            return [AvroIncompatibility(kind: .missingUnionBranch, location: at,
                                        message: "reader union lacking writer type: \(describe(w, in: writer))")]
        default:
            return [AvroIncompatibility(kind: .typeMismatch, location: at,
                                        message: "reader type: \(describe(r, in: reader)) not compatible with writer type: \(describe(w, in: writer))")]
        }
    }

    private mutating func checkNamed(_ r: RegistryAvroSchema.Named, _ w: RegistryAvroSchema.Named, location: String) -> [AvroIncompatibility] {
        let key = r.fullName + "\u{0}" + w.fullName
        if let known = memo[key] { return known }
        memo[key] = [] // in progress: a recursive reference to this pair is assumed to resolve
        var result: [AvroIncompatibility] = []
        if r.name != w.name && !r.aliases.contains(w.fullName) {
            result.append(AvroIncompatibility(kind: .nameMismatch, location: location + "/name",
                                              message: "expected: \(w.fullName), found: \(r.fullName)"))
        }
        switch (r.kind, w.kind) {
        case (.fixed(let rsize), .fixed(let wsize)) where rsize != wsize:
            result.append(AvroIncompatibility(kind: .fixedSizeMismatch, location: location + "/size",
                                              message: "expected: \(wsize), found: \(rsize)"))
        case (.enumeration(let rsymbols, let readerHasDefault), .enumeration(let wsymbols, _)) where !readerHasDefault:
            let missing = wsymbols.filter { !rsymbols.contains($0) }
            if !missing.isEmpty {
                result.append(AvroIncompatibility(kind: .missingEnumSymbols, location: location + "/symbols",
                                                  message: "the reader enum \(r.fullName) lacks the writer's symbols [\(missing.joined(separator: ", "))] and has no default"))
            }
        case (.record(let rfields), .record(let wfields)):
            for (i, field) in rfields.enumerated() {
                let match = wfields.first { $0.name == field.name } ?? wfields.first { field.aliases.contains($0.name) }
                if let match {
                    result += check(field.type, match.type, location: "\(location)/fields/\(i)/type")
                } else if !field.hasDefault {
                    result.append(AvroIncompatibility(kind: .readerFieldMissingDefaultValue, location: "\(location)/fields/\(i)",
                                                      message: "reader field '\(field.name)' of \(r.fullName) has no default value and is missing from the writer"))
                }
            }
        default:
            break
        }
        memo[key] = result
        return result
    }

    private func describe(_ node: RegistryAvroSchema.Node, in schema: RegistryAvroSchema) -> String {
        switch node {
        case .primitive(let p): return p.rawValue
        case .array(let items): return "array<\(describe(items, in: schema))>"
        case .map(let values): return "map<\(describe(values, in: schema))>"
        case .union(let branches): return "union[" + branches.map { describe($0, in: schema) }.joined(separator: ", ") + "]"
        case .named(let name): return "\(shape(node, in: schema).name) \(name)"
        }
    }
}
