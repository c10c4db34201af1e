import FlyingFox
import FlyingSocks
import Foundation
import Glibc

/// Why a server cannot start or run: one line, worded for the person running it.
public struct HTTPServerError: Error, CustomStringConvertible, Sendable {
    public let description: String

    /// An error whose text is `description`.
    public init(_ description: String) { self.description = description }

    /// Words a bind error as its reason alone, e.g. "the address is already in use".
    init(bindFailure error: any Error) {
        guard case SocketError.failed(let type, let code, let message) = error else { self.init("\(error)"); return }
        switch code {
        case EADDRINUSE: self.init("the address is already in use")
        case EADDRNOTAVAIL: self.init("not an address of this host")
        case EACCES: self.init("permission denied")
        default: self.init("\(type): \(message)")
        }
    }
}

/// A FlyingFox HTTP server on a `ListenAddress`: started until its socket listens, stopped cleanly.
public actor HTTPListener {
    private let server: HTTPServer
    private var runTask: Task<Void, Never>?
    private let failure = LockedValue<(any Error)?>(nil)

    /// A server for `handler` on `address`, not yet started; throws when FlyingFox cannot make a
    /// socket address of it. `timeout` is FlyingFox's per-connection timeout in seconds.
    public init(address: ListenAddress, timeout: TimeInterval, handler: some HTTPHandler) throws {
        server = HTTPServer(config: HTTPServer.Configuration(address: try address.socketAddress(), timeout: timeout, logger: .disabled),
                            handler: handler)
    }

    /// Binds and starts serving; returns once the socket listens. Throws the reason alone when the
    /// address can't be used (port in use, not a local address) or the server is not up within
    /// 10 s; each server words the line around it ("cannot listen on ADDRESS: reason").
    public func start() async throws(HTTPServerError) {
        guard runTask == nil else { return }
        let server = self.server
        let failure = self.failure
        runTask = Task {
            do { try await server.run() } catch { failure.set(error) }
        }
        for _ in 0..<2000 { // up to 10 s
            if await server.isListening { return }
            if let error = failure.value {
                runTask = nil
                throw HTTPServerError(bindFailure: error)
            }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        await stop()
        throw HTTPServerError("the server did not start within 10 s")
    }

    /// The port the server listens on (the real one when started on port 0).
    public var port: UInt16? {
        get async {
            switch await server.listeningAddress {
            case .ip4(_, let port)?, .ip6(_, let port)?: return port
            default: return nil
            }
        }
    }

    /// Stops accepting connections, lets running requests finish (0.1 s at most), and returns
    /// once the server is down.
    public func stop() async {
        guard let task = runTask else { return }
        runTask = nil
        await server.stop(timeout: 0.1)
        task.cancel()
        await task.value
    }
}
