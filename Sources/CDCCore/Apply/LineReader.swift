import Glibc

/// Reads newline-terminated records from a file descriptor, waiting at most a given time for
/// more input (so a batch can be applied while the writer is quiet).
final class LineReader {
    enum Step {
        case line([UInt8])
        /// Nothing arrived within the wait.
        case idle
        case end
    }

    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var eof = false

    init(fd: Int32) { self.fd = fd }

    /// The next line (without its newline), waiting up to `wait` seconds for input.
    func next(wait: Double) throws -> Step {
        while true {
            if let nl = buffer[start...].firstIndex(of: 0x0A) {
                let line = Array(buffer[start..<nl])
                start = nl + 1
                if start > 1 << 20 { buffer.removeFirst(start); start = 0 }
                return .line(line)
            }
            if eof {
                guard start < buffer.count else { return .end }
                let line = Array(buffer[start...])
                start = buffer.count
                return .line(line)
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(max(0, wait * 1000)))
            if ready == 0 { return .idle }
            if ready < 0 {
                if errno == EINTR { return .idle }
                throw ApplyInputError("cannot read standard input: \(String(cString: strerror(errno)))")
            }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw ApplyInputError("cannot read standard input: \(String(cString: strerror(errno)))")
            }
            if n == 0 { eof = true; continue }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }
}
