import Glibc

/// Finding a byte string in a buffer (Glibc's `memmem` is not exported to Swift).
enum ByteSearch {
    /// The offset of the first occurrence of `needle` in `haystack`, if any.
    static func firstIndex(of needle: [UInt8], in haystack: UnsafeRawBufferPointer) -> Int? {
        guard let first = needle.first, needle.count <= haystack.count, let base = haystack.baseAddress else { return nil }
        let last = haystack.count - needle.count
        var from = 0
        return needle.withUnsafeBytes { n -> Int? in
            while from <= last {
                guard let hit = memchr(base + from, Int32(first), last - from + 1) else { return nil }
                let at = UnsafeRawPointer(hit) - base
                if needle.count == 1 || memcmp(base + at, n.baseAddress!, needle.count) == 0 { return at }
                from = at + 1
            }
            return nil
        }
    }
}
