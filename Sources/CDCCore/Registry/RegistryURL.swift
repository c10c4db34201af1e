import Foundation

/// Schema registry URLs as cdcctl shows them: never with a password.
public enum RegistryURL {
    /// `text` with the password of its userinfo replaced by `***` (`http://u:***@host:8081`),
    /// found textually so that URLs Foundation cannot parse are masked too.
    public static func masked(_ text: String) -> String {
        let authorityStart = text.range(of: "://")?.upperBound ?? text.startIndex
        let rest = text[authorityStart...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? text.endIndex
        let authority = text[authorityStart..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return text }
        return String(text[..<text.index(after: colon)]) + "***" + String(text[at...])
    }
}
