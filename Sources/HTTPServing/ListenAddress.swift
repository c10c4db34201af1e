import FlyingSocks
import Glibc

/// A host and port to listen on: an IPv4 address, an IPv6 one (written `[…]`) or `localhost`.
public struct ListenAddress: Equatable, Sendable, CustomStringConvertible {
    /// The address as `inet_pton` reads it: no brackets, `localhost` as 127.0.0.1.
    public let host: String
    public let port: UInt16
    public let isIPv6: Bool

    /// Why a host cannot be listened on.
    public enum HostError: Error, Sendable {
        /// Written `[…]` but not an IPv6 address (the host without brackets).
        case notIPv6(String)
        /// Empty, or not an IPv4 address.
        case notIPv4
    }

    /// Reads `host` as spelled: `[IPv6]` loses its brackets, `localhost` becomes 127.0.0.1.
    public init(host spelled: String, port: UInt16) throws(HostError) {
        var host = spelled
        var v6 = false
        if host.hasPrefix("[") && host.hasSuffix("]") && host.count > 2 {
            host = String(host.dropFirst().dropLast())
            v6 = true
        }
        if host == "localhost" { host = "127.0.0.1" }
        var probe = in6_addr()
        if v6 {
            guard inet_pton(AF_INET6, host, &probe) == 1 else { throw .notIPv6(host) }
        } else if host.isEmpty || inet_pton(AF_INET, host, &probe) != 1 {
            throw .notIPv4
        }
        self.init(checked: host, port: port, isIPv6: v6)
    }

    private init(checked host: String, port: UInt16, isIPv6: Bool) {
        self.host = host
        self.port = port
        self.isIPv6 = isIPv6
    }

    /// The same host on `port` (e.g. the one the system chose for port 0).
    public func with(port: UInt16) -> ListenAddress { ListenAddress(checked: host, port: port, isIPv6: isIPv6) }

    /// Whether only this host can connect (127.0.0.0/8 or ::1).
    public var isLoopback: Bool { isIPv6 ? host == "::1" : host.hasPrefix("127.") }

    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The socket address FlyingFox binds.
    func socketAddress() throws -> any SocketAddress {
        isIPv6 ? try sockaddr_in6.inet6(ip6: host, port: port) : try sockaddr_in.inet(ip4: host, port: port)
    }
}

/// A listen address parsed by one server's rules: its host, port and text are the `address`'s.
public protocol ParsedListenAddress: Equatable, Sendable, CustomStringConvertible {
    /// The address parsed.
    var address: ListenAddress { get }
}

extension ParsedListenAddress {
    public var host: String { address.host }
    public var port: UInt16 { address.port }
    /// Whether only this host can connect (127.0.0.0/8 or ::1).
    public var isLoopback: Bool { address.isLoopback }
    public var description: String { address.description }
}
