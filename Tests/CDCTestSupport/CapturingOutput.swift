import CDCCore

/// An `EventOutput` that hands every complete line to `onLine` as it arrives, and keeps the raw
/// bytes only when asked to (large snapshots stream through without being held).
public struct CapturingOutput: EventOutput {
    /// Everything written, when `keepBytes`.
    public private(set) var bytes: [UInt8] = []
    /// How many bytes `write` received in total.
    public private(set) var byteCount = 0
    /// How many times `flush` was called.
    public private(set) var flushes = 0
    /// Bytes after the last newline seen so far (a line split across writes would land here).
    public private(set) var partial: [UInt8] = []
    private let keepBytes: Bool
    private let onLine: ([UInt8]) throws -> Void

    public init(keepBytes: Bool = true, onLine: @escaping ([UInt8]) throws -> Void = { _ in }) {
        self.keepBytes = keepBytes
        self.onLine = onLine
    }

    public mutating func write(lines: ByteWriter) throws {
        byteCount += lines.count
        if keepBytes { bytes.append(contentsOf: lines.bytes) }
        var start = 0
        let all = lines.bytes
        for i in all.indices where all[i] == 0x0A {
            let line = partial + all[start...i]
            partial.removeAll()
            try onLine(line)
            start = i + 1
        }
        partial.append(contentsOf: all[start...])
    }

    public mutating func flush() throws { flushes += 1 }
}
