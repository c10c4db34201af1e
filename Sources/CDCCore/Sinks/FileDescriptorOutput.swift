import Glibc

/// Writes event lines to a file descriptor (stdout by default) in large chunks.
public struct FileDescriptorOutput: EventOutput {
    private let fd: Int32
    private var pending = ByteWriter(capacity: 1 << 18)
    private let chunk = 1 << 18

    /// Creates an output on `fd`.
    public init(fd: Int32 = 1) { self.fd = fd }

    public mutating func write(lines: ByteWriter) throws {
        // A batch as large as a chunk goes out as it is: copying it into `pending` first would
        // only double the bytes moved.
        if pending.count == 0 && lines.count >= chunk {
            try writeAll(lines)
            return
        }
        pending.write(lines)
        if pending.count >= chunk { try flush() }
    }

    public mutating func flush() throws {
        try writeAll(pending)
        pending.reset()
    }

    private func writeAll(_ buffer: ByteWriter) throws {
        var offset = 0
        let total = buffer.count
        try buffer.bytes.withUnsafeBytes { raw in
            while offset < total {
                let n = Glibc.write(fd, raw.baseAddress! + offset, total - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw OutputError(description: "cannot write events to \(fd == 1 ? "stdout" : "fd \(fd)"): \(String(cString: strerror(errno)))")
                }
                offset += n
            }
        }
    }
}
