import Foundation

/// A request to a running `cdcctl stream`, in Debezium's signal format: `type` is
/// `execute-snapshot`, `stop-snapshot`, `pause-snapshot` or `resume-snapshot`, `data` a JSON
/// object (`{"data-collections": ["public.t"], "type": "incremental"}` for an incremental
/// snapshot).
///
/// It reaches the stream through the WAL, one of two ways:
/// - a transactional `pg_logical_emit_message(true, 'cdcctl.signal', '{"id":…,"type":…,"data":{…}}')`,
///   optionally with `"slot"` naming the one stream it is for (every stream reads every message);
/// - a row `(id, type, data)` inserted into the stream's `--signal-table` (Debezium's
///   `signal.data.collection`), which the publication must cover.
/// Either way the stream consumes it: it is never handed to the sink.
public struct SnapshotSignal: Equatable, Sendable {
    /// The prefix of signal messages.
    public static let messagePrefix = "cdcctl.signal"

    /// What the signal asks for.
    public enum Kind: String, Sendable, CaseIterable {
        case execute = "execute-snapshot"
        case stop = "stop-snapshot"
        case pause = "pause-snapshot"
        case resume = "resume-snapshot"
    }

    /// A unique id: a signal seen twice (the stream read the WAL again after a restart) acts once.
    public var id: String
    public var kind: Kind
    /// `data-collections`: the tables (execute: to snapshot; stop: to drop from the queue, all when empty).
    public var tables: [TableName]
    /// The stream the signal is for (`"slot"`, a cdcctl extension); nil: every stream that reads it.
    public var slot: String?
    /// `data.chunk-size` (a cdcctl extension): rows per chunk for this request, instead of the stream's `--chunk-size`.
    public var chunkSize: Int?

    /// Creates a signal; `id` defaults to a fresh UUID.
    public init(kind: Kind, tables: [TableName] = [], slot: String? = nil, chunkSize: Int? = nil, id: String = UUID().uuidString.lowercased()) {
        self.id = id
        self.kind = kind
        self.tables = tables
        self.slot = slot
        self.chunkSize = chunkSize
    }

    /// Why a signal could not be read, in one line.
    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// Reads a signal from a message's content (`{"id":…,"type":…,"data":{…},"slot":…}`).
    public init(messageContent content: [UInt8]) throws {
        guard let object = try? JSONSerialization.jsonObject(with: Data(content)) as? [String: Any] else {
            throw Invalid(description: "a \(Self.messagePrefix) message that is not a JSON object")
        }
        let data: [String: Any]?
        switch object["data"] {
        case let nested as [String: Any]: data = nested
        case let text as String: data = try Self.dataObject(text)
        default: data = nil
        }
        try self.init(id: object["id"] as? String, type: object["type"] as? String, data: data)
        slot = object["slot"] as? String
    }

    /// Reads a signal from a signal table row's `id`, `type` and `data` columns.
    public init(id: String?, type: String?, dataText: String?) throws {
        try self.init(id: id, type: type, data: try dataText.flatMap { $0.isEmpty ? nil : try Self.dataObject($0) })
        slot = nil
    }

    private init(id: String?, type: String?, data: [String: Any]?) throws {
        guard let type else { throw Invalid(description: "a signal without a type") }
        guard let kind = Kind(rawValue: type) else {
            throw Invalid(description: "signal type '\(type)' is not one cdcctl acts on (\(Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if let snapshotType = data?["type"] as? String, snapshotType.lowercased() != "incremental" {
            throw Invalid(description: "\(type) of type '\(snapshotType)': cdcctl runs only incremental snapshots on request")
        }
        if let conditions = data?["additional-conditions"] as? [Any], !conditions.isEmpty {
            throw Invalid(description: "\(type) with additional-conditions: cdcctl snapshots whole tables")
        }
        if let key = data?["surrogate-key"] as? String, !key.isEmpty {
            throw Invalid(description: "\(type) with a surrogate-key: cdcctl chunks by the primary key only")
        }
        var tables: [TableName] = []
        for item in data?["data-collections"] as? [Any] ?? [] {
            guard let text = item as? String, let name = TableName(parsing: text) else {
                throw Invalid(description: "\(type): data-collections entry '\(item)' is not a table name (schema.table)")
            }
            tables.append(name)
        }
        if kind == .execute && tables.isEmpty { throw Invalid(description: "execute-snapshot without data-collections") }
        self.id = id.flatMap { $0.isEmpty ? nil : $0 } ?? UUID().uuidString.lowercased()
        self.kind = kind
        self.tables = tables
        chunkSize = (data?["chunk-size"] as? NSNumber).map(\.intValue).flatMap { $0 > 0 ? $0 : nil }
    }

    private static func dataObject(_ text: String) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw Invalid(description: "signal data that is not a JSON object: \(text.prefix(80))")
        }
        return object
    }

    /// The `data` object as JSON text (what a signal table's `data` column holds).
    public var dataJSON: String {
        var data: [String: Any] = ["type": "incremental"]
        if !tables.isEmpty { data["data-collections"] = tables.map(\.description) }
        if let chunkSize { data["chunk-size"] = chunkSize }
        return Self.json(data)
    }

    /// The whole signal as a message's content.
    public var messageJSON: String {
        var object: [String: Any] = ["id": id, "type": kind.rawValue]
        if let data = try? JSONSerialization.jsonObject(with: Data(dataJSON.utf8)) { object["data"] = data }
        if let slot { object["slot"] = slot }
        return Self.json(object)
    }

    private static func json(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes the signal: as a `cdcctl.signal` message, or as a row of `signalTable`. Returns the
    /// WAL position of the commit that carries it.
    @discardableResult
    public func send(connection: PGConnection, signalTable: TableName? = nil) throws -> LSN? {
        if let signalTable {
            _ = try connection.query("INSERT INTO \(signalTable.sqlIdentifier) (id, type, data) VALUES ($1, $2, $3)", [id, kind.rawValue, dataJSON],
                                     context: "cannot insert the \(kind.rawValue) signal into \(signalTable)")
        } else {
            _ = try connection.query("SELECT pg_logical_emit_message(true, $1, $2)", [Self.messagePrefix, messageJSON],
                                     context: "cannot write the \(kind.rawValue) signal")
        }
        let position = try connection.query("SELECT pg_current_wal_lsn()::text", context: "cannot read the WAL position")
        return position.value(0, 0).flatMap { LSN($0) }
    }
}
