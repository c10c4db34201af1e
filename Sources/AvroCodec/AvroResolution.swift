/// Schema resolution per the Avro spec: can data written with one schema be read with another?
///
/// Implemented in Swift rather than by asking Avro C 1.11's `avro_resolved_writer_new`, which is
/// unusable as a compatibility oracle: it segfaults on incompatible array/map item types, rejects
/// what the spec allows (reader fields filled from defaults, aliases, string↔bytes promotion) and
/// accepts what it forbids (writer union branches the reader cannot read, enum symbols the reader
/// lacks), and maps enum symbols by index instead of by name. `AvroCDecoder` still lets Avro C
/// resolve pairs these checks pass and mark as within what Avro C gets right.
public enum AvroResolution {
    /// True when every datum written with `writer` can be read as `reader`.
    public static func canRead(reader: AvroSchema, writer: AvroSchema) -> Bool {
        incompatibility(reader: reader, writer: writer) == nil
    }

    /// nil when `reader` can read `writer`'s data, otherwise why not (with the path of the first problem).
    public static func incompatibility(reader: AvroSchema, writer: AvroSchema) -> String? {
        do {
            return incompatibility(reader: try AvroCompiledSchema(reader), writer: try AvroCompiledSchema(writer))
        } catch {
            return "\(error)"
        }
    }

    /// Same check on compiled schemas.
    public static func incompatibility(reader: AvroCompiledSchema, writer: AvroCompiledSchema) -> String? {
        check(reader: reader, writer: writer).problem
    }

    /// The incompatibility (if any), and whether Avro C's resolver would resolve the pair correctly:
    /// false when defaults, aliases, string↔bytes, differing enum symbol lists or a choice between
    /// several possible reader union branches are involved.
    static func check(reader: AvroCompiledSchema, writer: AvroCompiledSchema) -> (problem: String?, avroCSafe: Bool) {
        var checker = Checker(reader: reader.nodes, writer: writer.nodes)
        let problem = checker.check(reader: reader.root, writer: writer.root, path: reader.rootPath)
        return (problem, !checker.needsSwift)
    }

    /// Walks both schemas together; pairs already under check are assumed fine so recursion ends.
    struct Checker {
        let reader: [AvroNode]
        let writer: [AvroNode]
        var assumed: Set<[Int]> = []
        /// Set when resolving this pair relies on something Avro C 1.11 gets wrong or lacks.
        var needsSwift = false

        mutating func check(reader ri: Int, writer wi: Int, path: String) -> String? {
            guard assumed.insert([ri, wi]).inserted else { return nil }
            let r = reader[ri], w = writer[wi]
            if w.kind == .union {
                // Every branch the writer may have chosen must be readable.
                for (j, branch) in w.children.enumerated() {
                    if let problem = check(reader: ri, writer: branch, path: "\(path)[writer branch \(j)]") { return problem }
                }
                return nil
            }
            if r.kind == .union {
                guard let k = AvroResolution.readerBranch(for: w, in: r, reader: reader) else {
                    return "\(path): no branch of the reader's union can read writer type \(w.typeName)"
                }
                if r.children.filter({ AvroResolution.couldRead(reader[$0], w) }).count > 1 { needsSwift = true }
                return check(reader: r.children[k], writer: wi, path: "\(path)[\(k)]")
            }
            switch (r.kind, w.kind) {
            case (.record, .record):
                guard AvroResolution.namesMatch(reader: r, writer: w) else { return "\(path): record name \(r.typeName) does not match writer's \(w.typeName)" }
                if r.shortName != w.shortName { needsSwift = true }
                for (i, name) in r.names.enumerated() {
                    if let wf = AvroResolution.writerField(for: i, of: r, in: w) {
                        if w.names[wf] != name { needsSwift = true }
                        if let problem = check(reader: r.children[i], writer: w.children[wf], path: "\(path).\(name)") { return problem }
                    } else if r.fieldDefaults[i] == nil {
                        return "\(path).\(name): reader field is missing from the writer and has no default"
                    } else {
                        needsSwift = true
                    }
                }
                return nil
            case (.enumeration, .enumeration):
                guard AvroResolution.namesMatch(reader: r, writer: w) else { return "\(path): enum name \(r.typeName) does not match writer's \(w.typeName)" }
                let missing = w.names.filter { !r.names.contains($0) }
                if !missing.isEmpty && r.enumDefault == nil {
                    return "\(path): reader enum lacks writer symbols \(missing) and has no default"
                }
                if r.names != w.names || r.shortName != w.shortName { needsSwift = true }
                return nil
            case (.fixed, .fixed):
                guard AvroResolution.namesMatch(reader: r, writer: w) else { return "\(path): fixed name \(r.typeName) does not match writer's \(w.typeName)" }
                guard r.size == w.size else { return "\(path): fixed size \(r.size) differs from writer's \(w.size)" }
                if r.shortName != w.shortName { needsSwift = true }
                return nil
            case (.array, .array): return check(reader: r.children[0], writer: w.children[0], path: "\(path)[]")
            case (.map, .map): return check(reader: r.children[0], writer: w.children[0], path: "\(path){}")
            default:
                if (r.kind == .string && w.kind == .bytes) || (r.kind == .bytes && w.kind == .string) { needsSwift = true }
                if AvroResolution.sameOrPromotable(reader: r.kind, writer: w.kind) { return nil }
                return "\(path): reader type \(r.typeName) cannot read writer type \(w.typeName)"
            }
        }
    }

    /// Primitive identity plus the spec's promotions: int→long/float/double, long→float/double, float→double, string↔bytes.
    static func sameOrPromotable(reader: AvroNode.Kind, writer: AvroNode.Kind) -> Bool {
        switch (reader, writer) {
        case (.null, .null), (.boolean, .boolean), (.int, .int), (.long, .long), (.float, .float),
             (.double, .double), (.bytes, .bytes), (.string, .string): return true
        case (.long, .int), (.float, .int), (.float, .long), (.double, .int), (.double, .long), (.double, .float): return true
        case (.bytes, .string), (.string, .bytes): return true
        default: return false
        }
    }

    /// Whether a reader type is a candidate for a writer type at all (same kind or promotable).
    static func couldRead(_ r: AvroNode, _ w: AvroNode) -> Bool {
        r.kind == w.kind || sameOrPromotable(reader: r.kind, writer: w.kind)
    }

    /// Named types match on unqualified name (as the spec says) or when a reader alias names the writer.
    static func namesMatch(reader: AvroNode, writer: AvroNode) -> Bool {
        reader.shortName == writer.shortName || reader.aliases.contains(writer.typeName)
    }

    /// The writer field feeding reader field `i`: same name, else one of the reader field's aliases.
    static func writerField(for i: Int, of reader: AvroNode, in writer: AvroNode) -> Int? {
        if let j = writer.names.firstIndex(of: reader.names[i]) { return j }
        for alias in reader.fieldAliases[i] {
            if let j = writer.names.firstIndex(of: alias) { return j }
        }
        return nil
    }

    /// The reader union branch used for a (non-union) writer type: first exact match by kind and
    /// full name, then a named type matching by short name or alias, then a primitive promotion.
    static func readerBranch(for w: AvroNode, in union: AvroNode, reader: [AvroNode]) -> Int? {
        let named: Set<AvroNode.Kind> = [.record, .enumeration, .fixed]
        if let k = union.children.firstIndex(where: { reader[$0].kind == w.kind && reader[$0].typeName == w.typeName }) { return k }
        if named.contains(w.kind),
           let k = union.children.firstIndex(where: { reader[$0].kind == w.kind && namesMatch(reader: reader[$0], writer: w) }) { return k }
        return union.children.firstIndex { sameOrPromotable(reader: reader[$0].kind, writer: w.kind) }
    }
}
