/// Reads JSON values into `AvroValue`s of a schema: the inverse of `AvroJSON.render`, in either style.
///
/// `.plain` (cdcctl's "natural" form) takes what `consume` prints: unions as the branch's value
/// (the first branch the value fits, integers preferring int/long branches), bytes and fixed as
/// base64, decimals as decimal strings, date/time/timestamp as ISO strings or their numbers,
/// uuid on fixed as 8-4-4-4-12 hex. `.avro` takes the specification's JSON encoding: non-null
/// union values wrapped as `{"type name": value}`, bytes and fixed as strings of code points
/// U+0000–U+00FF, logical types as their underlying value. In both, float and double also take
/// "NaN", "Infinity" and "-Infinity", and a record's missing fields take their defaults; unknown
/// fields are errors. Nothing is reinterpreted: a value that does not fit throws
/// `AvroEncodingError` naming the field path and the expected type.
public enum AvroJSONReader {
    /// The value `json` stands for in `schema`, read in `style`.
    public static func value(from json: AvroJSONValue, as schema: AvroCompiledSchema, style: AvroJSON.Style) throws -> AvroValue {
        let reader = Reader(nodes: schema.nodes, style: style)
        do {
            return try reader.read(json, node: schema.root)
        } catch let failure as Failure {
            var path = schema.rootPath
            for step in failure.steps.reversed() { path += step }
            throw AvroEncodingError(path: path, message: failure.message)
        }
    }

    /// A mismatch while unwinding: path steps are appended innermost first.
    struct Failure: Error {
        var steps: [String] = []
        let message: String
    }

    struct Reader {
        let nodes: [AvroNode]
        let style: AvroJSON.Style

        func read(_ json: AvroJSONValue, node index: Int) throws -> AvroValue {
            let node = nodes[index]
            func mismatch() -> Failure { Failure(message: "expected \(expected(index)), got \(snippet(json))") }
            if style == .plain, let logical = node.logicalType, let value = try plainLogical(json, logical, node: node, mismatch: mismatch) {
                return value
            }
            switch (node.kind, json) {
            case (.null, .null): return .null
            case (.boolean, .bool(let b)): return .boolean(b)
            case (.int, .integer(let i)):
                guard let v = Int32(exactly: i) else { throw mismatch() }
                return .int(v)
            case (.long, .integer(let i)): return .long(i)
            case (.float, _):
                guard let d = number(json) else { throw mismatch() }
                let f = Float(d)
                guard f.isFinite == d.isFinite || d.isNaN else { throw Failure(message: "expected \(expected(index)), got \(snippet(json)) (out of range for float)") }
                return .float(f)
            case (.double, _):
                guard let d = number(json) else { throw mismatch() }
                return .double(d)
            case (.string, .string(let s)): return .string(s)
            case (.bytes, .string(let s)):
                guard let bytes = style == .avro ? AvroJSONReader.latin1(s) : AvroJSONReader.base64(s) else { throw mismatch() }
                try checkUnscaled(bytes, node: node, json: json)
                return .bytes(bytes)
            case (.fixed, .string(let s)):
                guard let bytes = style == .avro ? AvroJSONReader.latin1(s) : AvroJSONReader.base64(s), bytes.count == node.size else { throw mismatch() }
                try checkUnscaled(bytes, node: node, json: json)
                return .fixed(bytes)
            case (.enumeration, .string(let s)):
                guard let i = node.names.firstIndex(of: s) else { throw mismatch() }
                return .enumSymbol(index: i, name: s)
            case (.array, .array(let items)):
                var out: [AvroValue] = []
                out.reserveCapacity(items.count)
                for (i, item) in items.enumerated() {
                    do { out.append(try read(item, node: node.children[0])) } catch var f as Failure { f.steps.append("[\(i)]"); throw f }
                }
                return .array(out)
            case (.map, .object(let members)):
                return .map(try members.keys.sorted().map { key in
                    do { return (key, try read(members[key]!, node: node.children[0])) } catch var f as Failure {
                        f.steps.append("{\(AvroJSONReader.quoted(key))}")
                        throw f
                    }
                })
            case (.record, .object(let members)):
                if let unknown = members.keys.sorted().first(where: { !node.names.contains($0) }) {
                    throw Failure(message: "\(node.typeName) has no field \(AvroJSONReader.quoted(unknown))")
                }
                var fields: [AvroValue] = []
                fields.reserveCapacity(node.children.count)
                for (i, name) in node.names.enumerated() {
                    if let given = members[name] {
                        do { fields.append(try read(given, node: node.children[i])) } catch var f as Failure { f.steps.append("." + name); throw f }
                    } else if let fallback = node.fieldDefaults[i] {
                        fields.append(fallback)
                    } else {
                        throw Failure(steps: ["." + name], message: "missing, and the field has no default (expected \(expected(node.children[i])))")
                    }
                }
                return .record(fields)
            case (.union, _):
                return style == .avro ? try wrappedUnion(json, node: node, mismatch: mismatch) : try plainUnion(json, node: node, mismatch: mismatch)
            default:
                throw mismatch()
            }
        }

        /// The spec's encoding: null, or an object with one member named after the branch type.
        func wrappedUnion(_ json: AvroJSONValue, node: AvroNode, mismatch: () -> Failure) throws -> AvroValue {
            if case .null = json, let i = node.children.firstIndex(where: { nodes[$0].kind == .null }) { return .union(branch: i, .null) }
            guard case .object(let members) = json, members.count == 1, let (name, inner) = members.first,
                  let i = node.children.firstIndex(where: { nodes[$0].kind != .null && nodes[$0].typeName == name }) else { throw mismatch() }
            do { return .union(branch: i, try read(inner, node: node.children[i])) } catch var f as Failure {
                f.steps.append("<\(name)>")
                throw f
            }
        }

        /// Natural JSON: the first branch the value fits, trying int and long before float and double for integers.
        func plainUnion(_ json: AvroJSONValue, node: AvroNode, mismatch: () -> Failure) throws -> AvroValue {
            var order = Array(node.children.indices)
            if case .integer = json {
                order.sort { rank(node.children[$0]) < rank(node.children[$1]) }
            }
            var deep: [Failure] = []
            for i in order {
                do { return .union(branch: i, try read(json, node: node.children[i])) } catch let f as Failure {
                    if !f.steps.isEmpty { deep.append(f) }
                }
            }
            // One branch got inside the value (a record or array of the right shape) before
            // failing: its error names the field that is wrong, which says more than "no branch".
            if deep.count == 1 { throw deep[0] }
            throw mismatch()
        }

        private func rank(_ child: Int) -> Int {
            switch nodes[child].kind {
            case .int, .long: return 0
            case .float, .double: return 2
            default: return 1
            }
        }

        /// Natural JSON of a logical type; nil to read the underlying value (numbers for date/time kinds).
        func plainLogical(_ json: AvroJSONValue, _ logical: AvroLogicalType, node: AvroNode, mismatch: () -> Failure) throws -> AvroValue? {
            switch (logical, node.kind) {
            case (.decimal(_, let scale), .bytes), (.decimal(_, let scale), .fixed):
                guard case .string(let text) = json else { throw mismatch() }
                do {
                    try AvroJSONReader.checkPrecision(text, logical)
                    if node.kind == .fixed {
                        return .fixed(try AvroDecimal.unscaledBytes(text, scale: scale, fixedSize: node.size))
                    }
                    return .bytes(try AvroDecimal.unscaledBytes(text, scale: scale))
                } catch let error as AvroDecimal.FormatError {
                    throw Failure(message: "expected \(describe(node)), got \(snippet(json)): \(error.message)")
                }
            case (.uuid, .fixed):
                guard case .string(let text) = json, let bytes = AvroJSONReader.uuidBytes(text) else { throw mismatch() }
                return .fixed(bytes)
            case (.date, .int), (.timeMillis, .int), (.timeMicros, .long), (.timestampMillis, .long), (.timestampMicros, .long),
                 (.localTimestampMillis, .long), (.localTimestampMicros, .long):
                guard case .string(let text) = json else { return nil }
                let parsed: Int64?
                switch logical {
                case .date: parsed = AvroTemporal.days(parsing: text).map(Int64.init)
                case .timeMillis: parsed = AvroTemporal.time(parsing: text, fractionDigits: 3)
                case .timeMicros: parsed = AvroTemporal.time(parsing: text, fractionDigits: 6)
                case .timestampMillis: parsed = AvroTemporal.timestamp(parsing: text, fractionDigits: 3)
                case .timestampMicros: parsed = AvroTemporal.timestamp(parsing: text, fractionDigits: 6)
                case .localTimestampMillis: parsed = AvroTemporal.timestamp(parsing: text, fractionDigits: 3, utc: false)
                default: parsed = AvroTemporal.timestamp(parsing: text, fractionDigits: 6, utc: false)
                }
                guard let parsed else { throw mismatch() }
                if node.kind == .long { return .long(parsed) }
                guard let v = Int32(exactly: parsed) else { throw mismatch() }
                return .int(v)
            default:
                return nil
            }
        }

        /// A decimal's unscaled bytes (the avro form) must stay within its precision: decimal
        /// text such as "-0.01" given as bytes would otherwise silently become 1940818617.29.
        func checkUnscaled(_ bytes: [UInt8], node: AvroNode, json: AvroJSONValue) throws {
            guard case .decimal(let precision, let scale)? = node.logicalType else { return }
            let text = AvroDecimal.string(unscaled: bytes, scale: scale)
            let digits = text.filter(\.isNumber).drop { $0 == "0" }.count
            guard digits > precision else { return }
            throw Failure(message: "expected \(describe(node)), got \(snippet(json)), which is the decimal \(text): more than precision \(precision) digits")
        }

        /// A JSON number, or one of the strings non-finite floats are written as.
        func number(_ json: AvroJSONValue) -> Double? {
            switch json {
            case .integer(let i): return Double(i)
            case .number(let d): return d
            case .string("NaN"): return .nan
            case .string("Infinity"): return .infinity
            case .string("-Infinity"): return -.infinity
            default: return nil
            }
        }

        /// What a value of `index` must look like, in this style's terms.
        func expected(_ index: Int) -> String {
            let node = nodes[index]
            if node.kind == .union {
                let names = node.children.map { nodes[$0].kind == .null ? "null" : style == .avro ? "{\"\(nodes[$0].typeName)\": …}" : describe(nodes[$0]) }
                return "one of " + names.joined(separator: ", ") + (style == .avro ? " (a union, wrapped)" : " (a union, unwrapped)")
            }
            return describe(node)
        }

        func describe(_ node: AvroNode) -> String {
            let fixedName = node.kind == .fixed ? " (fixed \(node.typeName), \(node.size) bytes)" : ""
            if style == .plain, let logical = node.logicalType {
                switch logical {
                case .decimal(let p, let s): return "a decimal string such as \"-0.01\" (decimal(\(p),\(s)) on \(node.kind == .fixed ? "fixed \(node.typeName)" : "bytes"))"
                case .uuid where node.kind == .fixed: return "a UUID string (uuid on fixed \(node.typeName))"
                case .date where node.kind == .int: return "a date \"YYYY-MM-DD\" or days since 1970-01-01 (date)"
                case .timeMillis where node.kind == .int: return "a time \"HH:MM:SS.fff\" or milliseconds (time-millis)"
                case .timeMicros where node.kind == .long: return "a time \"HH:MM:SS.ffffff\" or microseconds (time-micros)"
                case .timestampMillis where node.kind == .long, .timestampMicros where node.kind == .long:
                    return "an ISO 8601 timestamp \"YYYY-MM-DDTHH:MM:SS.fffZ\" or a number since the epoch (\(logical.name))"
                case .localTimestampMillis where node.kind == .long, .localTimestampMicros where node.kind == .long:
                    return "a local timestamp \"YYYY-MM-DDTHH:MM:SS.fff\" (no zone) or a number (\(logical.name))"
                default: break
                }
            }
            switch node.kind {
            case .null: return "null"
            case .boolean: return "boolean"
            case .int: return "int (a 32-bit integer)"
            case .long: return "long (a 64-bit integer)"
            case .float, .double: return "\(node.typeName) (a number, \"NaN\", \"Infinity\" or \"-Infinity\")"
            case .string: return "string"
            case .bytes:
                if case .decimal(let p, let sc)? = node.logicalType, style == .avro {
                    return "the two's-complement bytes of decimal(\(p),\(sc)) as code points U+0000-U+00FF"
                }
                return style == .avro ? "bytes (a string of code points U+0000-U+00FF)" : "bytes (a base64 string)"
            case .fixed:
                return style == .avro ? "a string of \(node.size) code points U+0000-U+00FF\(fixedName)" : "base64 of \(node.size) bytes\(fixedName)"
            case .enumeration: return "a symbol of enum \(node.typeName) (\(node.names.prefix(8).joined(separator: ", "))\(node.names.count > 8 ? ", …" : ""))"
            case .array: return "an array"
            case .map: return "an object (map)"
            case .record: return "an object (record \(node.typeName))"
            case .union: return "a union"
            }
        }

        /// The offending JSON, cut short so the error stays one readable line.
        func snippet(_ json: AvroJSONValue) -> String {
            let text = json.jsonText
            return text.count > 60 ? String(text.prefix(57)) + "..." : text
        }
    }

    /// A JSON string literal for paths and messages.
    static func quoted(_ s: String) -> String {
        var out = ""
        AvroJSONValue.writeString(s, to: &out)
        return out
    }

    /// Bytes of a string with one code point (U+0000–U+00FF) per byte; nil for larger code points.
    static func latin1(_ s: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.unicodeScalars.count)
        for scalar in s.unicodeScalars {
            guard scalar.value <= 0xFF else { return nil }
            bytes.append(UInt8(scalar.value))
        }
        return bytes
    }

    /// Bytes of standard base64 with padding (what `consume` prints); nil if not exactly that.
    static func base64(_ s: String) -> [UInt8]? {
        let chars = Array(s.utf8)
        guard chars.count % 4 == 0 else { return nil }
        func sextet(_ c: UInt8) -> UInt32? {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): return UInt32(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): return UInt32(c - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(c - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"): return 62
            case UInt8(ascii: "/"): return 63
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 4 * 3)
        var i = 0
        while i < chars.count {
            let last = i + 4 == chars.count
            let pad = last ? (chars[i + 3] == UInt8(ascii: "=") ? (chars[i + 2] == UInt8(ascii: "=") ? 2 : 1) : 0) : 0
            var chunk: UInt32 = 0
            for j in 0..<4 {
                if j >= 4 - pad { chunk <<= 6; continue }
                guard let v = sextet(chars[i + j]) else { return nil }
                chunk = chunk << 6 | v
            }
            // Canonical padding only: the bits a padded group drops must be zero.
            if pad == 1 && chunk & 0xFF != 0 || pad == 2 && chunk & 0xFFFF != 0 { return nil }
            out.append(UInt8(chunk >> 16 & 0xFF))
            if pad < 2 { out.append(UInt8(chunk >> 8 & 0xFF)) }
            if pad < 1 { out.append(UInt8(chunk & 0xFF)) }
            i += 4
        }
        return out
    }

    /// The 16 bytes of an 8-4-4-4-12 hex UUID; nil if malformed.
    static func uuidBytes(_ s: String) -> [UInt8]? {
        let chars = Array(s.utf8)
        guard chars.count == 36, [8, 13, 18, 23].allSatisfy({ chars[$0] == UInt8(ascii: "-") }) else { return nil }
        let hex = chars.enumerated().filter { ![8, 13, 18, 23].contains($0.offset) }.map(\.element)
        var bytes: [UInt8] = []
        for k in stride(from: 0, to: 32, by: 2) {
            guard let hi = hexDigit(hex[k]), let lo = hexDigit(hex[k + 1]) else { return nil }
            bytes.append(hi << 4 | lo)
        }
        return bytes
    }

    /// The value of one ASCII hex digit (either case); nil for anything else.
    static func hexDigit(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Rejects decimal text with more significant digits than the precision allows.
    static func checkPrecision(_ text: String, _ logical: AvroLogicalType) throws {
        guard case .decimal(let precision, let scale) = logical else { return }
        var body = Substring(text)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integral = parts[0].drop { $0 == "0" }
        if integral.count > precision - scale {
            throw AvroDecimal.FormatError(message: "more than \(precision - scale) integer digits for precision \(precision), scale \(scale)")
        }
    }
}
