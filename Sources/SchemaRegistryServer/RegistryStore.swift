import AvroCodec
import Foundation
import Synchronization

/// A schema as a client submits it (the body of `POST /subjects/{s}/versions` and friends).
public struct RegistrySchemaInput: Sendable {
    public var schema: String
    /// "AVRO" or absent; anything else is refused.
    public var schemaType: String?
    /// Schema references are not supported; a non-empty list is refused.
    public var referenceCount: Int

    public init(schema: String, schemaType: String? = nil, referenceCount: Int = 0) {
        self.schema = schema
        self.schemaType = schemaType
        self.referenceCount = referenceCount
    }
}

/// One version of a subject.
public struct RegistrySubjectVersion: Equatable, Sendable {
    public let subject: String
    public let version: Int
    public let id: Int
    public let schema: String
}

/// A version in a request path: a number or "latest" (also spelled -1).
public enum RegistryVersionSelector: Equatable, Sendable {
    case latest
    case number(Int)

    public init(parsing text: String) throws {
        if text.lowercased() == "latest" || text == "-1" {
            self = .latest
        } else if let n = Int(text), n >= 1, n <= Int(Int32.max) {
            self = .number(n)
        } else {
            throw RegistryError.invalidVersion(text)
        }
    }
}

/// The answer of a compatibility test.
public struct RegistryCompatibilityResult: Equatable, Sendable {
    public let isCompatible: Bool
    /// Why not (empty when compatible).
    public let messages: [String]
}

/// The schema registry's state and rules, without HTTP: global schema ids, per-subject versions,
/// soft and permanent deletion, compatibility levels and checks.
///
/// - The same schema (the same Avro meaning, see `RegistrySchemaText`) gets the same id under
///   every subject; ids are never reused. Versions count from 1 per subject. Schemas are kept and
///   served compact (no whitespace), the first spelling registered for an id.
/// - Schemas are parsed and validated by AvroCodec (`AvroSchemaParser`, which also runs Avro C's
///   parser); compatibility is `AvroResolution` (the spec's resolution rules).
/// - Every change is written to `<dataDirectory>/registry.json` (atomically, see
///   `RegistryDataFile`) before it is answered; a failed write leaves the state unchanged.
/// - Thread-safe: each operation holds the store's `Mutex`, so concurrent registrations of one
///   schema get one id.
public final class RegistryStore: Sendable {
    private let contents: Mutex<RegistryContents>
    /// The file the store persists to (nil for an in-memory store).
    public let dataFilePath: String?

    /// What `registry.json` holds (tests write one by hand).
    typealias State = RegistryContents.State

    /// An in-memory store (nothing persisted).
    public init() {
        contents = Mutex(RegistryContents())
        dataFilePath = nil
    }

    /// Opens (or creates) the store in `dataDirectory`, locking it against other registries.
    public init(dataDirectory: String) throws {
        let opened = try RegistryContents(dataDirectory: dataDirectory)
        dataFilePath = opened.file?.path
        contents = Mutex(opened)
    }

    /// Releases the data directory's lock; later changes fail. Used to hand the directory to
    /// another store in the same process (a restart in tests).
    public func close() { contents.withLock { $0.file?.unlock() } }

    /// Registers `input` under `subject` (`POST /subjects/{s}/versions`) and returns the version
    /// it has there. A schema already live under the subject returns its existing version;
    /// otherwise it must pass the subject's compatibility level against the live versions.
    @discardableResult
    public func register(subject: String, _ input: RegistrySchemaInput) throws -> RegistrySubjectVersion {
        try contents.withLock { try $0.register(subject: subject, input) }
    }

    /// The version under `subject` that has `input`'s schema, by identity (`POST /subjects/{s}`).
    public func lookup(subject: String, _ input: RegistrySchemaInput, includeDeleted: Bool = false) throws -> RegistrySubjectVersion {
        try contents.withLock { try $0.lookup(subject: subject, input, includeDeleted: includeDeleted) }
    }

    /// The schema text with this id (`GET /schemas/ids/{id}`).
    public func schema(id: Int) throws -> String {
        try contents.withLock { try $0.schema(id: id) }
    }

    /// The subjects and versions that use schema `id` (`GET /schemas/ids/{id}/versions`).
    public func usages(ofSchema id: Int, includeDeleted: Bool = false) throws -> [(subject: String, version: Int)] {
        try contents.withLock { try $0.usages(ofSchema: id, includeDeleted: includeDeleted) }
    }

    /// Every version of every subject whose name starts with `prefix` (`GET /schemas`).
    public func allVersions(prefix: String = "", includeDeleted: Bool = false, latestOnly: Bool = false) -> [RegistrySubjectVersion] {
        contents.withLock { $0.allVersions(prefix: prefix, includeDeleted: includeDeleted, latestOnly: latestOnly) }
    }

    /// Subjects with at least one live version (or any version, with `includeDeleted`), sorted.
    public func subjects(includeDeleted: Bool = false, prefix: String = "") -> [String] {
        contents.withLock { $0.subjects(includeDeleted: includeDeleted, prefix: prefix) }
    }

    /// The version numbers of `subject` (`GET /subjects/{s}/versions`).
    public func versionNumbers(subject: String, includeDeleted: Bool = false) throws -> [Int] {
        try contents.withLock { try $0.versionNumbers(subject: subject, includeDeleted: includeDeleted) }
    }

    /// One version of `subject` (`GET /subjects/{s}/versions/{v}`).
    public func version(subject: String, _ selector: RegistryVersionSelector, includeDeleted: Bool = false) throws -> RegistrySubjectVersion {
        try contents.withLock { try $0.version(subject: subject, selector, includeDeleted: includeDeleted) }
    }

    /// Deletes a subject (`DELETE /subjects/{s}`), soft or permanent; returns the versions deleted.
    public func deleteSubject(_ subject: String, permanent: Bool = false) throws -> [Int] {
        try contents.withLock { try $0.deleteSubject(subject, permanent: permanent) }
    }

    /// Deletes one version (`DELETE /subjects/{s}/versions/{v}`); returns the version number.
    public func deleteVersion(subject: String, _ selector: RegistryVersionSelector, permanent: Bool = false) throws -> Int {
        try contents.withLock { try $0.deleteVersion(subject: subject, selector, permanent: permanent) }
    }

    /// The registry-wide level (`GET /config`); BACKWARD unless set.
    public var globalCompatibility: CompatibilityLevel { contents.withLock { $0.globalCompatibility } }

    /// Sets the registry-wide level (`PUT /config`).
    public func setGlobalCompatibility(_ level: CompatibilityLevel) throws {
        try contents.withLock { try $0.setGlobalCompatibility(level) }
    }

    /// Resets the registry-wide level to BACKWARD (`DELETE /config`); returns the old one.
    public func resetGlobalCompatibility() throws -> CompatibilityLevel {
        try contents.withLock { try $0.resetGlobalCompatibility() }
    }

    /// The level set on `subject` (`GET /config/{s}`), or the global one with `defaultToGlobal`.
    public func compatibility(subject: String, defaultToGlobal: Bool = false) throws -> CompatibilityLevel {
        try contents.withLock { try $0.compatibility(subject: subject, defaultToGlobal: defaultToGlobal) }
    }

    /// Sets `subject`'s level (`PUT /config/{s}`); the subject need not exist yet.
    public func setCompatibility(subject: String, _ level: CompatibilityLevel) throws {
        try contents.withLock { try $0.setCompatibility(subject: subject, level) }
    }

    /// Removes `subject`'s own level (`DELETE /config/{s}`); returns it.
    public func deleteCompatibility(subject: String) throws -> CompatibilityLevel {
        try contents.withLock { try $0.deleteCompatibility(subject: subject) }
    }

    /// Tests `input` against `subject` under the subject's level (`POST /compatibility/...`).
    public func testCompatibility(subject: String, version selector: RegistryVersionSelector?, _ input: RegistrySchemaInput) throws -> RegistryCompatibilityResult {
        try contents.withLock { try $0.testCompatibility(subject: subject, version: selector, input) }
    }
}

/// The store's state and the operations on it; `RegistryStore` runs each one under its mutex.
struct RegistryContents {
    private var model: Model
    let file: RegistryDataFile?
    /// Compiled schemas by id (derived from `model`, never changes for an id).
    private var compiled: [Int: AvroCompiledSchema] = [:]

    /// An in-memory store (nothing persisted).
    init() {
        model = Model(state: State())
        file = nil
    }

    /// Opens (or creates) the store in `dataDirectory`, locking it against other registries.
    init(dataDirectory: String) throws {
        let file = try RegistryDataFile(directory: dataDirectory)
        var state = State()
        if let data = try file.read() {
            do {
                state = try JSONDecoder().decode(State.self, from: data)
            } catch {
                throw RegistryStorageError("\(file.path) is not a registry data file (\(Self.describe(decodingError: error)))")
            }
            guard state.format == State.currentFormat else {
                throw RegistryStorageError("\(file.path) has format \(state.format); this cdcctl reads format \(State.currentFormat)")
            }
        }
        model = try Model(loading: state, path: file.path)
        self.file = file
    }

    // MARK: - schemas and subjects

    /// Registers `input` under `subject` (`POST /subjects/{s}/versions`) and returns the version
    /// it has there. A schema already live under the subject returns its existing version;
    /// otherwise it must pass the subject's compatibility level against the live versions.
    @discardableResult
    mutating func register(subject: String, _ input: RegistrySchemaInput) throws -> RegistrySubjectVersion {
        let prepared = try prepare(input)
        let existing = model.state.subjects[subject]
        let live = existing?.liveVersions ?? []
        // Old data may hold identity-equal schemas under two ids: compare identities, not ids.
        if let match = live.last(where: { model.identitiesByID[$0.id] == prepared.identity }) {
            return version(subject, match)
        }
        let level = existing?.compatibility ?? model.state.compatibility
        let problems = compatibilityProblems(of: prepared.compiled, against: level.isTransitive ? live : Array(live.suffix(1)), level: level)
        if !problems.isEmpty { throw RegistryError.incompatibleSchema(subject, details: problems) }

        var next = model
        let id: Int
        if let knownID = next.idsByIdentity[prepared.identity] {
            id = knownID
        } else {
            id = (next.state.schemas.last?.id ?? 0) + 1
            next.state.schemas.append(StoredSchema(id: id, schema: prepared.text))
            next.idsByIdentity[prepared.identity] = id
            next.identitiesByID[id] = prepared.identity
            next.textsByID[id] = prepared.text
        }
        var entry = existing ?? StoredSubject()
        let versionNumber = (entry.versions.map(\.version).max() ?? 0) + 1
        entry.versions.append(StoredVersion(version: versionNumber, id: id, deleted: false))
        next.state.subjects[subject] = entry
        try commit(next)
        compiled[id] = compiled[id] ?? prepared.compiled
        return RegistrySubjectVersion(subject: subject, version: versionNumber, id: id, schema: next.textsByID[id]!)
    }

    /// The version under `subject` that has `input`'s schema, by identity (`POST /subjects/{s}`):
    /// Confluent's AvroConverter looks schemas up in Avro Java's printed form, not as registered.
    func lookup(subject: String, _ input: RegistrySchemaInput, includeDeleted: Bool = false) throws -> RegistrySubjectVersion {
        let prepared = try prepare(input)
        let candidates = try versions(of: subject, includeDeleted: includeDeleted)
        guard let match = candidates.last(where: { model.identitiesByID[$0.id] == prepared.identity }) else {
            throw RegistryError.schemaNotFound()
        }
        return version(subject, match)
    }

    /// The schema text with this id (`GET /schemas/ids/{id}`).
    func schema(id: Int) throws -> String {
        guard let text = model.textsByID[id] else { throw RegistryError.schemaNotFound(id: id) }
        return text
    }

    /// The subjects and versions that use schema `id` (`GET /schemas/ids/{id}/versions`).
    func usages(ofSchema id: Int, includeDeleted: Bool = false) throws -> [(subject: String, version: Int)] {
        guard model.textsByID[id] != nil else { throw RegistryError.schemaNotFound(id: id) }
        var result: [(subject: String, version: Int)] = []
        for name in model.state.subjects.keys.sorted() {
            for v in model.state.subjects[name]!.versions where v.id == id && (includeDeleted || !v.deleted) {
                result.append((name, v.version))
            }
        }
        return result
    }

    /// Every version of every subject whose name starts with `prefix` (`GET /schemas`), by subject
    /// then version: live ones (or all, with `includeDeleted`), or only each subject's latest.
    func allVersions(prefix: String = "", includeDeleted: Bool = false, latestOnly: Bool = false) -> [RegistrySubjectVersion] {
        var result: [RegistrySubjectVersion] = []
        for name in model.state.subjects.keys.sorted() where name.hasPrefix(prefix) {
            let entry = model.state.subjects[name]!
            let candidates = includeDeleted ? entry.versions : entry.liveVersions
            for stored in latestOnly ? Array(candidates.suffix(1)) : candidates {
                result.append(version(name, stored))
            }
        }
        return result
    }

    /// Subjects with at least one live version (or any version, with `includeDeleted`), sorted.
    func subjects(includeDeleted: Bool = false, prefix: String = "") -> [String] {
        model.state.subjects.filter { name, entry in
            name.hasPrefix(prefix) && (includeDeleted ? !entry.versions.isEmpty : !entry.liveVersions.isEmpty)
        }.keys.sorted()
    }

    /// The version numbers of `subject` (`GET /subjects/{s}/versions`).
    func versionNumbers(subject: String, includeDeleted: Bool = false) throws -> [Int] {
        try versions(of: subject, includeDeleted: includeDeleted).map(\.version)
    }

    /// One version of `subject` (`GET /subjects/{s}/versions/{v}`).
    func version(subject: String, _ selector: RegistryVersionSelector, includeDeleted: Bool = false) throws -> RegistrySubjectVersion {
        let candidates = try versions(of: subject, includeDeleted: includeDeleted)
        return version(subject, try select(selector, in: candidates))
    }

    /// Deletes a subject (`DELETE /subjects/{s}`): soft (its versions are hidden, ids stay) or,
    /// after a soft delete, permanent. Returns the versions deleted.
    mutating func deleteSubject(_ subject: String, permanent: Bool = false) throws -> [Int] {
        guard let entry = model.state.subjects[subject], !entry.versions.isEmpty else {
            throw RegistryError.subjectNotFound(subject)
        }
        var next = model
        let deleted: [Int]
        if permanent {
            guard entry.liveVersions.isEmpty else { throw RegistryError.subjectNotSoftDeleted(subject) }
            deleted = entry.versions.map(\.version)
            next.state.subjects[subject] = nil
        } else {
            guard !entry.liveVersions.isEmpty else { throw RegistryError.subjectSoftDeleted(subject) }
            deleted = entry.liveVersions.map(\.version)
            var changed = entry
            for i in changed.versions.indices { changed.versions[i].deleted = true }
            next.state.subjects[subject] = changed
        }
        try commit(next)
        return deleted
    }

    /// Deletes one version (`DELETE /subjects/{s}/versions/{v}`): soft or, after a soft delete,
    /// permanent. Returns the version number.
    mutating func deleteVersion(subject: String, _ selector: RegistryVersionSelector, permanent: Bool = false) throws -> Int {
        guard var entry = model.state.subjects[subject], !entry.versions.isEmpty else {
            throw RegistryError.subjectNotFound(subject)
        }
        let target: StoredVersion
        if permanent {
            target = try select(selector, in: entry.versions)
            guard target.deleted else { throw RegistryError.versionNotSoftDeleted(subject, target.version) }
            entry.versions.removeAll { $0.version == target.version }
        } else {
            if case .number(let n) = selector, entry.versions.contains(where: { $0.version == n && $0.deleted }) {
                throw RegistryError.versionSoftDeleted(subject, n)
            }
            guard !entry.liveVersions.isEmpty else { throw RegistryError.subjectNotFound(subject) }
            target = try select(selector, in: entry.liveVersions)
            let i = entry.versions.firstIndex { $0.version == target.version }!
            entry.versions[i].deleted = true
        }
        var next = model
        // A subject left without versions and without its own level is gone.
        next.state.subjects[subject] = entry.versions.isEmpty && entry.compatibility == nil ? nil : entry
        try commit(next)
        return target.version
    }

    // MARK: - compatibility

    /// The registry-wide level (`GET /config`); BACKWARD unless set.
    var globalCompatibility: CompatibilityLevel { model.state.compatibility }

    /// Sets the registry-wide level (`PUT /config`).
    mutating func setGlobalCompatibility(_ level: CompatibilityLevel) throws {
        var next = model
        next.state.compatibility = level
        try commit(next)
    }

    /// Resets the registry-wide level to BACKWARD (`DELETE /config`); returns the old one.
    mutating func resetGlobalCompatibility() throws -> CompatibilityLevel {
        let old = model.state.compatibility
        var next = model
        next.state.compatibility = .backward
        try commit(next)
        return old
    }

    /// The level set on `subject` (`GET /config/{s}`); with `defaultToGlobal`, the global level
    /// when the subject has none, otherwise error 40408.
    func compatibility(subject: String, defaultToGlobal: Bool = false) throws -> CompatibilityLevel {
        if let level = model.state.subjects[subject]?.compatibility { return level }
        if defaultToGlobal { return model.state.compatibility }
        throw RegistryError.subjectCompatibilityNotConfigured(subject)
    }

    /// Sets `subject`'s level (`PUT /config/{s}`); the subject need not exist yet.
    mutating func setCompatibility(subject: String, _ level: CompatibilityLevel) throws {
        var next = model
        var entry = next.state.subjects[subject] ?? StoredSubject()
        entry.compatibility = level
        next.state.subjects[subject] = entry
        try commit(next)
    }

    /// Removes `subject`'s own level (`DELETE /config/{s}`); returns it.
    mutating func deleteCompatibility(subject: String) throws -> CompatibilityLevel {
        guard var entry = model.state.subjects[subject], let old = entry.compatibility else {
            throw RegistryError.subjectCompatibilityNotConfigured(subject)
        }
        entry.compatibility = nil
        var next = model
        next.state.subjects[subject] = entry.versions.isEmpty ? nil : entry
        try commit(next)
        return old
    }

    /// Tests `input` against `subject` under the subject's level (`POST /compatibility/...`):
    /// against one version when `selector` is given, otherwise against the latest version (or
    /// every live version for a transitive level).
    ///
    /// As Confluent's `CompatibilityResource.testCompatibilityBySubjectName` (confluentinc/
    /// schema-registry, core/src/main/java/io/confluent/kafka/schemaregistry/rest/resources/):
    /// a version number the subject doesn't have, even when the subject doesn't exist, is 40402
    /// (the API reference: "Error code 40402 indicates version not found"); `latest` of a subject
    /// without live versions is compatible (there is nothing to be incompatible with).
    mutating func testCompatibility(subject: String, version selector: RegistryVersionSelector?, _ input: RegistrySchemaInput) throws -> RegistryCompatibilityResult {
        let prepared = try prepare(input)
        let level = model.state.subjects[subject]?.compatibility ?? model.state.compatibility
        let against: [StoredVersion]
        let live = model.state.subjects[subject]?.liveVersions ?? []
        switch selector {
        case .latest?:
            against = Array(live.suffix(1))
        case .number(let n)?:
            guard let match = live.first(where: { $0.version == n }) else { throw RegistryError.versionNotFound(n) }
            against = [match]
        case nil:
            against = level.isTransitive ? live : Array(live.suffix(1))
        }
        let problems = compatibilityProblems(of: prepared.compiled, against: against, level: level)
        return RegistryCompatibilityResult(isCompatible: problems.isEmpty, messages: problems)
    }

    // MARK: - internals

    private struct Prepared {
        /// As submitted, compacted (what is stored and served).
        let text: String
        /// The dedupe key (`RegistrySchemaText.identity`).
        let identity: String
        let compiled: AvroCompiledSchema
    }

    /// Validates a submitted schema (AvroCodec's parser, which also asks Avro C), compacts it and
    /// computes its identity.
    private func prepare(_ input: RegistrySchemaInput) throws -> Prepared {
        if let type = input.schemaType, type.uppercased() != "AVRO" {
            throw RegistryError.invalidSchema("schema type '\(type)' is not supported; this registry accepts only AVRO")
        }
        if input.referenceCount > 0 { throw RegistryError.invalidSchema("schema references are not supported") }
        guard !input.schema.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw RegistryError.invalidSchema("empty schema")
        }
        let json: AvroJSONValue
        do { json = try AvroJSONValue(parsing: input.schema) } catch { throw RegistryError.invalidSchema("not valid JSON (\(error))") }
        do {
            let schema = try AvroSchemaParser.parse(json: json, checkWithAvroC: true)
            return Prepared(text: RegistrySchemaText.compact(input.schema), identity: RegistrySchemaText.identity(of: schema),
                            compiled: try AvroCompiledSchema(schema))
        } catch {
            throw RegistryError.invalidSchema(String(describing: error).trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// The compiled schema of a stored id. Stored schemas passed Avro C when registered, so only
    /// the Swift checks run again.
    private mutating func compiledSchema(id: Int) throws -> AvroCompiledSchema {
        if let known = compiled[id] { return known }
        guard let text = model.textsByID[id] else { throw RegistryError.schemaNotFound(id: id) }
        let schema = try AvroCompiledSchema(AvroSchemaParser.parse(text, checkWithAvroC: false))
        compiled[id] = schema
        return schema
    }

    /// Why `candidate` breaks `level` against `versions` (empty: it doesn't). Each direction of
    /// each version contributes at most one reason: `AvroResolution` reports the first problem.
    private mutating func compatibilityProblems(of candidate: AvroCompiledSchema, against versions: [StoredVersion], level: CompatibilityLevel) -> [String] {
        var problems: [String] = []
        guard level != .none else { return problems }
        for old in versions.reversed() {
            let previous: AvroCompiledSchema
            do {
                previous = try compiledSchema(id: old.id)
            } catch {
                // Written by an older cdcctl with laxer checks: refuse rather than skip the check.
                problems.append("\(level.rawValue): version \(old.version) (schema \(old.id)) no longer parses: \(error)")
                continue
            }
            if level.checksBackward, let problem = RegistryIncompatibility(reader: candidate, writer: previous) {
                problems.append("\(level.rawValue): the new schema cannot read data written with version \(old.version): \(problem)")
            }
            if level.checksForward, let problem = RegistryIncompatibility(reader: previous, writer: candidate) {
                problems.append("\(level.rawValue): version \(old.version) cannot read data written with the new schema: \(problem)")
            }
        }
        return problems
    }

    private func versions(of subject: String, includeDeleted: Bool) throws -> [StoredVersion] {
        guard let entry = model.state.subjects[subject] else { throw RegistryError.subjectNotFound(subject) }
        let result = includeDeleted ? entry.versions : entry.liveVersions
        guard !result.isEmpty else { throw RegistryError.subjectNotFound(subject) }
        return result
    }

    private func select(_ selector: RegistryVersionSelector, in candidates: [StoredVersion]) throws -> StoredVersion {
        switch selector {
        case .latest:
            guard let last = candidates.last else { throw RegistryError.versionNotFound(-1) }
            return last
        case .number(let n):
            guard let match = candidates.first(where: { $0.version == n }) else { throw RegistryError.versionNotFound(n) }
            return match
        }
    }

    private func version(_ subject: String, _ stored: StoredVersion) -> RegistrySubjectVersion {
        RegistrySubjectVersion(subject: subject, version: stored.version, id: stored.id, schema: model.textsByID[stored.id] ?? "")
    }

    /// Persists `next`, then makes it the current state (an error leaves everything as it was).
    private mutating func commit(_ next: Model) throws {
        if let file {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            do {
                try file.write(try encoder.encode(next.state))
            } catch {
                throw RegistryError.storage(String(describing: error))
            }
        }
        model = next
    }

    private static func describe(decodingError error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): return context.underlyingError.map { "\($0)" } ?? context.debugDescription
        case DecodingError.keyNotFound(let key, _): return "missing \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "bad value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: return "\(error)"
        }
    }

    // MARK: - persisted state

    struct StoredSchema: Codable, Equatable {
        var id: Int
        var schema: String
    }

    struct StoredVersion: Codable, Equatable {
        var version: Int
        var id: Int
        var deleted: Bool
    }

    struct StoredSubject: Codable, Equatable {
        var compatibility: CompatibilityLevel?
        var versions: [StoredVersion] = []
        var liveVersions: [StoredVersion] { versions.filter { !$0.deleted } }
    }

    /// What `registry.json` holds.
    struct State: Codable, Equatable {
        static let currentFormat = 1
        var format = State.currentFormat
        var compatibility: CompatibilityLevel = .backward
        /// Every schema ever registered, by ascending id (kept after deletes: ids never change meaning).
        var schemas: [StoredSchema] = []
        var subjects: [String: StoredSubject] = [:]
    }

    /// The state plus its indexes.
    private struct Model {
        var state: State
        /// The first id of each identity (`RegistrySchemaText.identity`).
        var idsByIdentity: [String: Int] = [:]
        var identitiesByID: [Int: String] = [:]
        /// Compact texts (data written before schemas were compacted is compacted here).
        var textsByID: [Int: String] = [:]

        init(state: State) {
            self.state = state
        }

        init(loading state: State, path: String) throws {
            self.state = state
            var lastID = 0
            for stored in state.schemas {
                guard stored.id > lastID else { throw RegistryStorageError("\(path): schema ids are not ascending at id \(stored.id)") }
                lastID = stored.id
                // An older cdcctl parsed with JSONDecoder, which took e.g. duplicate keys that
                // AvroJSONParser refuses, and checked defaults less: such a schema is still served
                // by id, keyed by its text (which no parsable submission's identity equals), and
                // compatibility checks against it fail (see `compatibilityProblems`). Schemas
                // passed Avro C when registered, so only the Swift checks run again.
                let key = (try? AvroSchemaParser.parse(stored.schema, checkWithAvroC: false)).map(RegistrySchemaText.identity(of:))
                    ?? RegistrySchemaText.identity(ofUnparsable: stored.schema)
                idsByIdentity[key] = idsByIdentity[key] ?? stored.id
                identitiesByID[stored.id] = key
                textsByID[stored.id] = RegistrySchemaText.compact(stored.schema)
            }
            for (name, entry) in state.subjects {
                for v in entry.versions where textsByID[v.id] == nil {
                    throw RegistryStorageError("\(path): subject '\(name)' version \(v.version) names unknown schema \(v.id)")
                }
            }
        }
    }
}
