/// One record on its way to the target.
public struct ApplyRecord: Sendable {
    public var change: ApplyChange
    public var position: ApplyPosition
    /// The source transaction of a stdin change event (`DecodedRecord.transaction`), with the
    /// event's index in it.
    public var sourcePoint: SourcePoint?
    /// The raw key and value (Kafka), for a dead letter topic.
    public var rawKey: [UInt8]?
    public var rawValue: [UInt8]?

    public init(change: ApplyChange, position: ApplyPosition, sourcePoint: SourcePoint? = nil, rawKey: [UInt8]? = nil, rawValue: [UInt8]? = nil) {
        self.change = change
        self.position = position
        self.sourcePoint = sourcePoint
        self.rawKey = rawKey
        self.rawValue = rawValue
    }
}

/// A record that cannot be applied as it is: which one (index in the batch) and why.
struct RecordProblem: Error {
    let index: Int
    let message: String
}

/// The rows of one table in one batch segment, collapsed to the last change per key: the
/// COPY text for the stage table and the groups of rows that carry the same columns.
struct ApplyTablePlan {
    enum Op: UInt8 {
        case upsert = 0x75      // u
        case deleteThenUpsert = 0x78   // x: deleted earlier in the batch, then written again
        case delete = 0x64      // d
    }

    struct Entry {
        var op: Op
        /// Per column: the text input (nil: NULL), only where `present`.
        var values: [String?]
        /// Per column: written by this change (false: absent from the record, or an unchanged TOASTed value).
        var present: [Bool]
    }

    let table: TargetTable
    private(set) var order: [String] = []
    private(set) var entries: [String: Entry] = [:]
    private var unkeyed = 0

    init(table: TargetTable) { self.table = table }

    var isEmpty: Bool { entries.isEmpty }

    /// Adds record `index`'s change, after those added before.
    mutating func add(_ change: ApplyChange, index: Int) throws {
        let n = table.columns.count
        var values = [String?](repeating: nil, count: n)
        var present = [Bool](repeating: false, count: n)
        for (field, value) in change.row {
            guard let c = table.index[field] else {
                throw RecordProblem(index: index, message: "table \(table.name) has no column \"\(field)\"")
            }
            if change.kind == .upsert, PostgresTextInput.isUnavailable(value) { continue }
            do {
                values[c] = try PostgresTextInput.text(value, kind: table.columns[c].kind)
            } catch {
                throw RecordProblem(index: index, message: "column \(table.name).\(field): \(error)")
            }
            present[c] = true
        }
        var keyText = ""
        if table.key.isEmpty {
            guard change.kind == .upsert else {
                throw RecordProblem(index: index, message: "table \(table.name) has no primary key to delete by (give --primary-key)")
            }
            unkeyed += 1
            keyText = "#\(unkeyed)"
        } else {
            for k in table.key {
                guard let c = table.index[k] else {
                    throw RecordProblem(index: index, message: "key column \"\(k)\" is not a column of \(table.name)")
                }
                if !present[c], let fromKey = change.recordKey?.last(where: { $0.0 == k })?.1 {
                    values[c] = try? PostgresTextInput.text(fromKey, kind: table.columns[c].kind)
                    present[c] = true
                }
                guard present[c], let text = values[c] else {
                    throw RecordProblem(index: index, message: "the record has no value for the key field \"\(k)\" of \(table.name)")
                }
                keyText += text.utf8.count.description + ":" + text
            }
        }
        if change.kind == .delete {
            if entries[keyText] == nil { order.append(keyText) }
            entries[keyText] = Entry(op: .delete, values: values, present: present)
            return
        }
        var entry = Entry(op: .upsert, values: values, present: present)
        if let earlier = entries[keyText] {
            switch earlier.op {
            case .delete:
                entry.op = .deleteThenUpsert
            case .upsert, .deleteThenUpsert:
                entry.op = earlier.op
                // Columns this change does not write keep what the earlier change wrote.
                for c in 0..<n where !present[c] && earlier.present[c] {
                    entry.values[c] = earlier.values[c]
                    entry.present[c] = true
                }
            }
        } else {
            order.append(keyText)
        }
        entries[keyText] = entry
    }

    /// The COPY text of the stage table (the table's columns, then op and group) and, per
    /// group, the columns its rows write.
    func copyText() -> (data: [UInt8], groups: [[Int]], hasDeletes: Bool) {
        var out: [UInt8] = []
        out.reserveCapacity(order.count * 64)
        var groupIndex: [[Bool]: Int] = [:]
        var groups: [[Int]] = []
        var hasDeletes = false
        for k in order {
            let e = entries[k]!
            for (c, value) in e.values.enumerated() {
                if c > 0 { out.append(0x09) }
                if let value, e.present[c] { PlanCopy.escape(value, into: &out) } else { out.append(contentsOf: [0x5C, 0x4E]) }
            }
            out.append(0x09)
            out.append(e.op.rawValue)
            out.append(0x09)
            if e.op == .delete {
                hasDeletes = true
                out.append(contentsOf: Array("-1".utf8))
            } else {
                if e.op == .deleteThenUpsert { hasDeletes = true }
                let g: Int
                if let known = groupIndex[e.present] { g = known } else {
                    g = groups.count
                    groupIndex[e.present] = g
                    groups.append(e.present.indices.filter { e.present[$0] })
                }
                out.append(contentsOf: Array(String(g).utf8))
            }
            out.append(0x0A)
        }
        return (out, groups, hasDeletes)
    }
}

enum PlanCopy {
    /// COPY text format escaping of one value.
    static func escape(_ text: String, into out: inout [UInt8]) {
        for b in text.utf8 {
            switch b {
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            default: out.append(b)
            }
        }
    }
}
