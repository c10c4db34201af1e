import Foundation

/// Helpers for PostgreSQL connection strings as users type them.
public enum ConnectionURL {
    /// The URL or key=value string with any password replaced by `***`, safe for error messages.
    public static func redacted(_ conninfo: String) -> String {
        if conninfo.hasPrefix("postgres://") || conninfo.hasPrefix("postgresql://") {
            // userinfo is between "://" and the last "@" before the first "/".
            guard let scheme = conninfo.range(of: "://") else { return conninfo }
            let rest = conninfo[scheme.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            var result = String(conninfo[..<scheme.upperBound])
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                result += authority[..<colon] + ":***" + authority[at...]
            } else {
                result += authority
            }
            result += rest[authorityEnd...].replacingPasswordParameter()
            return result
        }
        return Substring(conninfo).replacingPasswordParameter()
    }
}

extension Substring {
    /// Masks `password=…` in a query string or key=value list.
    fileprivate func replacingPasswordParameter() -> String {
        guard let range = range(of: "password=") else { return String(self) }
        let valueEnd = self[range.upperBound...].firstIndex(where: { $0 == "&" || $0 == " " }) ?? endIndex
        return String(self[..<range.upperBound]) + "***" + String(self[valueEnd...])
    }
}
