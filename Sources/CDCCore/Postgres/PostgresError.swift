/// A failure talking to PostgreSQL, worded for the person running cdcctl: what was being done,
/// on which object, and the server's own message on one line. Never carries a password.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    /// The SQLSTATE code when the server sent one (e.g. `42P01` undefined table).
    public let sqlState: String?
    /// The one-line description.
    public let message: String

    /// Creates an error from a context ("cannot connect to …") and a raw libpq message.
    public init(_ context: String, detail: String? = nil, sqlState: String? = nil) {
        self.sqlState = sqlState
        message = ErrorMessage.joining(context, detail: detail, oneLine: PostgresError.oneLine)
    }

    public var description: String { message }

    /// libpq messages span lines ("…\n\tIs the server running…"); scripts want one line.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\t" || $0 == "\r" })
            .map { $0.trimmingCharacters() }
            .map { line in
                // libpq prefixes the severity ("ERROR:  …"); our own wording already says it failed.
                for severity in ["ERROR:", "FATAL:"] where line.hasPrefix(severity) {
                    return Substring(line.dropFirst(severity.count)).trimmingCharacters()
                }
                return line
            }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
    }
}

extension Substring {
    func trimmingCharacters() -> String {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
