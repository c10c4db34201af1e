import Glibc

/// Splits a file descriptor's bytes into records at a delimiter (one or more bytes), reading in
/// chunks so that input of any size streams through a buffer the size of its longest record.
public final class DelimitedInputReader {
    /// What `next` found.
    public enum Step: Equatable {
        /// A record was handed to the body.
        case record
        /// A signal interrupted the read; call again (after checking why).
        case interrupted
        /// The input is exhausted.
        case end
    }

    private let fd: Int32
    private let ownsDescriptor: Bool
    private let delimiter: [UInt8]
    private let chunkSize: Int
    /// What the records are read from, for messages ("stdin", a path).
    public let name: String
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var scanFrom = 0
    private var atEOF = false

    /// Reads `fd` (not closed here), e.g. 0 for stdin.
    public init(fd: Int32, name: String = "stdin", delimiter: [UInt8], chunkSize: Int = 1 << 16) {
        precondition(!delimiter.isEmpty, "the delimiter must not be empty")
        self.fd = fd
        self.name = name
        ownsDescriptor = false
        self.delimiter = delimiter
        self.chunkSize = chunkSize
        buffer = [UInt8](repeating: 0, count: chunkSize)
    }

    /// Opens `path` for reading (closed on deinit).
    public init(path: String, delimiter: [UInt8], chunkSize: Int = 1 << 16) throws {
        precondition(!delimiter.isEmpty, "the delimiter must not be empty")
        let opened = open(path, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else {
            throw KafkaError("cannot open \(path)", detail: String(cString: strerror(errno)))
        }
        fd = opened
        name = path
        ownsDescriptor = true
        self.delimiter = delimiter
        self.chunkSize = chunkSize
        buffer = [UInt8](repeating: 0, count: chunkSize)
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    /// Hands the next record (without its delimiter; possibly empty) to `body`, which must not
    /// keep the pointer. The last record need not end with the delimiter.
    public func next(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Step {
        while true {
            if let found = findDelimiter() {
                let recordStart = start
                start = found + delimiter.count
                scanFrom = start
                try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[recordStart..<found])) }
                return .record
            }
            if atEOF {
                guard start < end else { return .end }
                let recordStart = start
                let recordEnd = end
                start = end
                scanFrom = end
                try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[recordStart..<recordEnd])) }
                return .record
            }
            // No delimiter in what is buffered: only its last delimiter-1 bytes can start one.
            scanFrom = max(start, end - (delimiter.count - 1))
            makeRoom()
            let n = buffer.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress! + end, raw.count - end) }
            if n > 0 {
                end += n
            } else if n == 0 {
                atEOF = true
            } else if errno == EINTR {
                return .interrupted
            } else {
                throw KafkaError("cannot read \(name)", detail: String(cString: strerror(errno)))
            }
        }
    }

    /// The offset of the next delimiter at or after `scanFrom`, if it is buffered.
    private func findDelimiter() -> Int? {
        guard end - scanFrom >= delimiter.count else { return nil }
        return buffer.withUnsafeBytes { raw -> Int? in
            ByteSearch.firstIndex(of: delimiter, in: UnsafeRawBufferPointer(rebasing: raw[scanFrom..<end])).map { scanFrom + $0 }
        }
    }

    /// Moves the unread bytes to the front, and grows the buffer when a record fills it.
    private func makeRoom() {
        if start > 0 && (end == buffer.count || start >= buffer.count / 2) {
            let count = end - start
            buffer.withUnsafeMutableBytes { raw in
                _ = memmove(raw.baseAddress!, raw.baseAddress! + start, count)
            }
            scanFrom -= start
            end = count
            start = 0
        }
        if end == buffer.count {
            buffer.append(contentsOf: repeatElement(0, count: max(chunkSize, buffer.count)))
        }
    }
}
