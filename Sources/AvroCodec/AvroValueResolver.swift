extension AvroResolution {
    /// Converts a datum decoded with `writer` into the shape of `reader`, applying the spec's rules:
    /// fields matched by name or alias, missing ones filled from defaults, promotions applied, enum
    /// symbols mapped by name (unknown ones to the reader's default), union branches re-chosen.
    ///
    /// Throws `AvroEncodingError` (path of the problem) when the schemas are incompatible for this datum.
    public static func resolve(_ value: AvroValue, writer: AvroCompiledSchema, reader: AvroCompiledSchema) throws -> AvroValue {
        let resolver = ValueResolver(reader: reader.nodes, writer: writer.nodes)
        return try resolver.project(value, reader: reader.root, writer: writer.root, path: reader.rootPath)
    }

    /// Stateless walk over both node tables.
    struct ValueResolver {
        let reader: [AvroNode]
        let writer: [AvroNode]

        func fail(_ path: String, _ message: String) -> AvroEncodingError { AvroEncodingError(path: path, message: message) }

        func project(_ value: AvroValue, reader ri: Int, writer wi: Int, path: String) throws -> AvroValue {
            let r = reader[ri], w = writer[wi]
            if w.kind == .union {
                guard case .union(let b, let inner) = value, b >= 0, b < w.children.count else { throw fail(path, "expected a union value") }
                return try project(inner, reader: ri, writer: w.children[b], path: path)
            }
            if r.kind == .union {
                guard let k = AvroResolution.readerBranch(for: w, in: r, reader: reader) else {
                    throw fail(path, "no branch of the reader's union can read writer type \(w.typeName)")
                }
                return .union(branch: k, try project(value, reader: r.children[k], writer: wi, path: "\(path)[\(k)]"))
            }
            switch (r.kind, w.kind, value) {
            case (.record, .record, .record(let fields)):
                guard fields.count == w.children.count else { throw fail(path, "record value does not match writer schema") }
                var out: [AvroValue] = []
                out.reserveCapacity(r.children.count)
                for i in r.children.indices {
                    if let j = AvroResolution.writerField(for: i, of: r, in: w) {
                        out.append(try project(fields[j], reader: r.children[i], writer: w.children[j], path: "\(path).\(r.names[i])"))
                    } else if let d = r.fieldDefaults[i] {
                        out.append(d)
                    } else {
                        throw fail("\(path).\(r.names[i])", "missing from the writer and has no default")
                    }
                }
                return .record(out)
            case (.enumeration, .enumeration, .enumSymbol(_, let name)):
                if let k = r.names.firstIndex(of: name) { return .enumSymbol(index: k, name: name) }
                guard let d = r.enumDefault else { throw fail(path, "reader enum has no symbol '\(name)' and no default") }
                return .enumSymbol(index: d, name: r.names[d])
            case (.fixed, .fixed, .fixed):
                guard r.size == w.size else { throw fail(path, "fixed sizes differ") }
                return value
            case (.array, .array, .array(let items)):
                return .array(try items.enumerated().map { try project($1, reader: r.children[0], writer: w.children[0], path: "\(path)[\($0)]") })
            case (.map, .map, .map(let entries)):
                return .map(try entries.map { ($0, try project($1, reader: r.children[0], writer: w.children[0], path: "\(path){\"\($0)\"}")) })
            case (.long, .int, .int(let i)): return .long(Int64(i))
            case (.float, .int, .int(let i)): return .float(Float(i))
            case (.float, .long, .long(let l)): return .float(Float(l))
            case (.double, .int, .int(let i)): return .double(Double(i))
            case (.double, .long, .long(let l)): return .double(Double(l))
            case (.double, .float, .float(let f)): return .double(Double(f))
            case (.bytes, .string, .string(let s)): return .bytes(Array(s.utf8))
            case (.string, .bytes, .bytes(let b)):
                guard let s = b.withUnsafeBufferPointer(AvroBinaryReader.validUTF8) else { throw fail(path, "bytes are not valid UTF-8 for a string reader") }
                return .string(s)
            default:
                guard r.kind == w.kind, AvroResolution.sameOrPromotable(reader: r.kind, writer: w.kind) else {
                    throw fail(path, "reader type \(r.typeName) cannot read writer type \(w.typeName) value \(value.kindName)")
                }
                return value
            }
        }
    }
}
