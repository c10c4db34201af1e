/// How the library's errors word themselves: what was being done, then the underlying detail.
enum ErrorMessage {
    /// `context: detail`, the detail made one line by `oneLine`; `context` alone when there is
    /// no detail.
    static func joining(_ context: String, detail: String?, oneLine: (String) -> String) -> String {
        guard let detail, !detail.isEmpty else { return context }
        return context + ": " + oneLine(detail)
    }
}
