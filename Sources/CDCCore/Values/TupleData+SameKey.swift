extension TupleData {
    /// Whether the key columns (`keys`, column indices) hold the same bytes in both tuples; an
    /// unchanged TOASTed key column counts as the same.
    static func sameKey(_ a: TupleData, _ b: TupleData, keys: [Int]) -> Bool {
        for i in keys {
            if a.kind(at: i) != b.kind(at: i) { return false }
            if a.kind(at: i) == .unchangedToast { continue }
            let equal = a.withValue(at: i) { x in b.withValue(at: i) { y in x.elementsEqual(y) } ?? false } ?? true
            if !equal { return false }
        }
        return true
    }
}
