extension TupleData {
    /// Whether the key columns (`keys`, tuple positions) hold the same bytes in both tuples; an
    /// unchanged TOASTed key column counts as the same. With `oldIsKeyOnly`, `a` is a key-only
    /// old tuple, whose NULLs are columns the server did not send (outside the replica
    /// identity, which allows no NULL): those are not compared.
    static func sameKey(_ a: TupleData, _ b: TupleData, keys: [Int], oldIsKeyOnly: Bool = false) -> Bool {
        for i in keys {
            if oldIsKeyOnly && a.kind(at: i) == .null { continue }
            if a.kind(at: i) != b.kind(at: i) { return false }
            if a.kind(at: i) == .unchangedToast { continue }
            let equal = a.withValue(at: i) { x in b.withValue(at: i) { y in x.elementsEqual(y) } ?? false } ?? true
            if !equal { return false }
        }
        return true
    }
}
