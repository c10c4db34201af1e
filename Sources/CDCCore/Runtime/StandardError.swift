import Glibc

/// The one writer of diagnostics: each line goes to file descriptor 2 in a single `write`, so
/// lines from different threads never interleave, with no shared `FILE *` buffer.
public enum StandardError {
    /// Writes `text` as is (the caller adds any newline); a line longer than one `write` takes
    /// is finished with further writes.
    public static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return }
            }
        }
    }

    /// Writes `cdcctl: <line>` and a newline: a notice.
    public static func notice(_ line: String) {
        write("cdcctl: \(line)\n")
    }

    /// Whether stderr is a terminal (progress lines are drawn only then).
    public static var isTerminal: Bool { isatty(2) == 1 }
}
