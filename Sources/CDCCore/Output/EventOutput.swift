import Glibc

/// Where rendered event lines go. Lines are handed over whole, so a reader never sees half a line.
public protocol EventOutput {
    /// Takes complete event lines (each ending in a newline).
    mutating func write(lines: ByteWriter) throws
    /// Makes everything written so far durable for this kind of output (stdout: written to the fd).
    mutating func flush() throws
}

/// A failure writing events.
public struct OutputError: Error, CustomStringConvertible {
    /// What failed.
    public let description: String
}

/// Writes event lines to a file descriptor (stdout by default) in large chunks.
public struct FileDescriptorOutput: EventOutput {
    private let fd: Int32
    private var pending = ByteWriter(capacity: 1 << 18)
    private let chunk = 1 << 18

    /// Creates an output on `fd`.
    public init(fd: Int32 = 1) { self.fd = fd }

    public mutating func write(lines: ByteWriter) throws {
        pending.write(lines)
        if pending.count >= chunk { try flush() }
    }

    public mutating func flush() throws {
        var offset = 0
        let total = pending.count
        try pending.bytes.withUnsafeBytes { raw in
            while offset < total {
                let n = Glibc.write(fd, raw.baseAddress! + offset, total - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw OutputError(description: "cannot write events to \(fd == 1 ? "stdout" : "fd \(fd)"): \(String(cString: strerror(errno)))")
                }
                offset += n
            }
        }
        pending.reset()
    }
}
