import Foundation

/// Respells a schema the way Avro Java's `Schema.toString()` prints it (what Confluent's
/// AvroConverter sends to look a schema up): `type` first, a named type's namespace inlined in
/// its full name at the top and dropped where it repeats the enclosing one, references in full.
enum AvroJavaStyle {
    static func respell(_ text: String) -> String? {
        guard let data = text.data(using: .utf8), let json = try? JSONSerialization.jsonObject(with: data) else { return nil }
        var out = ""
        write(json, namespace: nil, top: true, to: &out)
        return out
    }

    private static func write(_ json: Any, namespace: String?, top: Bool, to out: inout String) {
        switch json {
        case let name as String:
            // A primitive is printed as {"type":…} here, unlike Avro Java, to differ in spelling too.
            let primitives = ["null", "boolean", "int", "long", "float", "double", "bytes", "string"]
            if primitives.contains(name) { out += #"{"type":"\#(name)"}"#; return }
            out += quoted(name.contains(".") ? name : [namespace, name].compactMap { $0 }.joined(separator: "."))
        case let branches as [Any]:
            out += "["
            for (i, b) in branches.enumerated() {
                if i > 0 { out += "," }
                write(b, namespace: namespace, top: false, to: &out)
            }
            out += "]"
        case let object as [String: Any]:
            var inner = namespace
            var members: [(String, String)] = []
            let type = object["type"]
            if let name = object["name"] as? String, ["record", "enum", "fixed"].contains(type as? String ?? "") {
                let ns = name.contains(".") ? String(name[..<name.lastIndex(of: ".")!]) : (object["namespace"] as? String ?? namespace)
                let short = name.split(separator: ".").last.map(String.init) ?? name
                inner = ns
                if top {
                    members.append(("name", quoted([ns, short].compactMap { $0 }.joined(separator: "."))))
                } else {
                    members.append(("name", quoted(short)))
                    if ns != namespace { members.append(("namespace", quoted(ns ?? ""))) }
                }
            }
            for key in object.keys.sorted() where key != "name" && key != "namespace" {
                var value = ""
                switch key {
                case "type":
                    // The type of this object: a keyword or primitive as is, a named type in full.
                    let keywords = ["record", "enum", "fixed", "array", "map", "null", "boolean", "int", "long", "float", "double", "bytes", "string"]
                    if let name = object[key] as? String, !keywords.contains(name) {
                        value = quoted(name.contains(".") ? name : [namespace, name].compactMap { $0 }.joined(separator: "."))
                    } else {
                        value = plain(object[key]!)
                    }
                case "items", "values": write(object[key]!, namespace: inner, top: false, to: &value)
                case "fields":
                    value = "[" + (object[key] as! [[String: Any]]).map { field in
                        var f = "{" + quoted("name") + ":" + quoted(field["name"] as! String)
                        for k in field.keys.sorted() where k != "name" {
                            var v = ""
                            if k == "type" { write(field[k]!, namespace: inner, top: false, to: &v) } else { v = plain(field[k]!) }
                            f += "," + quoted(k) + ":" + v
                        }
                        return f + "}"
                    }.joined(separator: ",") + "]"
                default: value = plain(object[key]!)
                }
                members.append((key, value))
            }
            members.sort { ($0.0 == "type" ? 0 : 1) < ($1.0 == "type" ? 0 : 1) }
            out += "{" + members.map { quoted($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
        default:
            out += plain(json)
        }
    }

    private static func quoted(_ s: String) -> String { plain(s) }

    private static func plain(_ value: Any) -> String {
        let data = try! JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
