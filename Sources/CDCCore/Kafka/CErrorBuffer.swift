/// librdkafka reports errors into caller-owned `char[]` buffers; this reads one back.
extension String {
    /// The text up to the buffer's first NUL (all of it when there is none).
    init(errorBuffer buffer: [CChar]) {
        let end = buffer.firstIndex(of: 0) ?? buffer.endIndex
        self = String(decoding: buffer[..<end].lazy.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
