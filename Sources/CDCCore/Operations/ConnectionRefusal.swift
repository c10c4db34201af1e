import Glibc

/// Whether every bootstrap address of a broker list refuses a TCP connection outright. librdkafka
/// retries a refused connection until the metadata request times out, so a wrong port would cost
/// the whole `-m`; a refusal is a definite answer that can be given at once. Anything else (an
/// accepted connection, a timeout, an unresolvable name) is left to the metadata request.
enum ConnectionRefusal {
    /// True when each `host:port` of `brokers` (comma-separated, an optional `PROTOCOL://`
    /// prefix, `[v6]:port`) resolves and every resolved address refuses within `timeout` seconds.
    static func everyAddressRefuses(brokers: String, timeout: Double) -> Bool {
        let endpoints = brokers.split(separator: ",").compactMap { endpoint(String($0)) }
        guard !endpoints.isEmpty else { return false }
        return endpoints.allSatisfy { refuses(host: $0.host, port: $0.port, timeout: timeout) }
    }

    /// `host` and `port` of one bootstrap entry, or nil when it has no port to try.
    static func endpoint(_ text: String) -> (host: String, port: String)? {
        var entry = Substring(Substring(text).trimmingCharacters())
        if let scheme = entry.range(of: "://") { entry = entry[scheme.upperBound...] }
        guard let colon = entry.lastIndex(of: ":") else { return nil }
        var host = entry[..<colon]
        let port = entry[entry.index(after: colon)...]
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty, !port.isEmpty, port.allSatisfy(\.isNumber) else { return nil }
        return (String(host), String(port))
    }

    private static func refuses(host: String, port: String, timeout: Double) -> Bool {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, port, &hints, &list) == 0, let first = list else { return false }
        defer { freeaddrinfo(first) }
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let info = node {
            if !refuses(info.pointee, timeout: timeout) { return false }
            node = info.pointee.ai_next
        }
        return true
    }

    /// A non-blocking connect, so an address that drops packets costs `timeout`, not TCP's minutes.
    private static func refuses(_ info: addrinfo, timeout: Double) -> Bool {
        let fd = socket(info.ai_family, info.ai_socktype | Int32(SOCK_NONBLOCK.rawValue), info.ai_protocol)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if connect(fd, info.ai_addr, info.ai_addrlen) == 0 { return false }
        if errno == ECONNREFUSED { return true }
        guard errno == EINPROGRESS else { return false }
        var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        guard poll(&poller, 1, Int32(max(timeout, 0) * 1000)) == 1 else { return false }
        var failure: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length) == 0 else { return false }
        return failure == ECONNREFUSED
    }
}
