import Foundation

// JSON test helpers: what JSONSerialization loses (key order, raw member text, bool vs number).

/// Reads what JSONSerialization loses or blurs: key order, and bool vs number.
public enum JSONShape {
    /// The keys, in document order, of the object reached by following `path` (object keys from
    /// the top-level object; [] is the top-level object itself) in one JSON text.
    public static func keys(in json: String, path: [String] = []) -> [String] {
        var keys: [String] = []
        // One entry per open container: whether it is an object, and the path leading to it.
        var stack: [(isObject: Bool, path: [String])] = []
        var lastKey: String?
        var bytes = Array(json.utf8)[...]
        while let c = bytes.popFirst() {
            switch c {
            case UInt8(ascii: "\""):
                var raw: [UInt8] = []
                while let s = bytes.popFirst(), s != UInt8(ascii: "\"") {
                    raw.append(s)
                    if s == UInt8(ascii: "\\"), let escaped = bytes.popFirst() { raw.append(escaped) }
                }
                let rest = bytes.drop { $0 == UInt8(ascii: " ") }
                if let top = stack.last, top.isObject, rest.first == UInt8(ascii: ":") {
                    let key = String(decoding: raw, as: UTF8.self)
                    lastKey = key
                    if top.path == path { keys.append(key) }
                }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var childPath = stack.last?.path ?? []
                if let top = stack.last {
                    childPath.append(top.isObject ? (lastKey ?? "?") : "[]")
                }
                stack.append((c == UInt8(ascii: "{"), childPath))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                stack.removeLast()
            default:
                break
            }
        }
        return keys
    }

    /// Whether a parsed value is a JSON `true`/`false` (JSONSerialization also lets 0/1 cast to Bool).
    public static func isBool(_ value: Any?) -> Bool {
        guard let value, value is Bool else { return false }
        return String(describing: type(of: value)).contains("Bool")
    }

    /// Deep equality of two parsed JSON values that keeps bools, integers and strings apart
    /// (NSObject.isEqual on Linux does not compare bridged arrays of bools reliably).
    public static func equal(_ a: Any?, _ b: Any?) -> Bool {
        switch (a, b) {
        case (nil, nil), (is NSNull, is NSNull): return true
        case let (x as [Any], y as [Any]):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case let (x as [String: Any], y as [String: Any]):
            return Set(x.keys) == Set(y.keys) && x.allSatisfy { equal($0.value, y[$0.key]) }
        case let (x as String, y as String): return x == y
        default:
            if isBool(a) || isBool(b) { return isBool(a) && isBool(b) && (a as? Bool) == (b as? Bool) }
            if let x = int64(a), let y = int64(b) { return x == y }
            if let x = a as? Double, let y = b as? Double { return x == y }
            return false
        }
    }

    /// A JSON integer as Int64 (nil for bools, fractions and non-numbers).
    public static func int64(_ value: Any?) -> Int64? {
        guard !isBool(value), let value else { return nil }
        return value as? Int64
    }
}

/// Small JSON helpers that JSONSerialization does not give: raw member text and key order.
public enum StreamJSON {
    /// A JSON integer as Int64 (nil for bools, fractions, strings).
    public static func int64(_ value: Any?) -> Int64? { JSONShape.int64(value) }

    /// The raw text of top-level member `key` of the JSON object `json`.
    public static func rawMember(_ key: String, of json: String) -> String? {
        let bytes = Array(json.utf8)
        return members(bytes).first { $0.name == key }.map { String(decoding: bytes[$0.value], as: UTF8.self) }
    }

    /// The keys of a JSON object text, in order (top level only).
    public static func keys(ofObject json: String) -> [String] {
        members(Array(json.utf8)).map(\.name)
    }

    /// The top-level members of a JSON object text: each name and the byte range of its value.
    private static func members(_ bytes: [UInt8]) -> [(name: String, value: Range<Int>)] {
        var found: [(name: String, value: Range<Int>)] = []
        var i = 0
        var depth = 0
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                let start = i
                i = skipString(bytes, i)
                if depth == 1, i < bytes.count, bytes[i] == UInt8(ascii: ":") {
                    let name = String(decoding: bytes[(start + 1)..<(i - 1)], as: UTF8.self)
                    found.append((name, (i + 1)..<skipValue(bytes, i + 1)))
                }
                continue
            }
            if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth += 1 }
            if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") { depth -= 1 }
            i += 1
        }
        return found
    }

    /// Index just past the string starting at `i` (a quote).
    private static func skipString(_ b: [UInt8], _ start: Int) -> Int {
        var i = start + 1
        while i < b.count {
            if b[i] == UInt8(ascii: "\\") { i += 2; continue }
            if b[i] == UInt8(ascii: "\"") { return i + 1 }
            i += 1
        }
        return i
    }

    /// Index just past the JSON value starting at `i`.
    private static func skipValue(_ b: [UInt8], _ start: Int) -> Int {
        var i = start
        var depth = 0
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                i = skipString(b, i)
                if depth == 0 { return i }
                continue
            }
            if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth += 1 }
            if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                if depth == 0 { return i }
                depth -= 1
                if depth == 0 { return i + 1 }
            }
            if depth == 0 && c == UInt8(ascii: ",") { return i }
            i += 1
        }
        return i
    }
}
