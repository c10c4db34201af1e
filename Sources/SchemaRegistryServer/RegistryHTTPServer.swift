import AvroCodec
import Foundation
import Glibc
import HTTPServing

/// Where the registry listens: `HOST:PORT`, with an IPv4 address, `[IPv6]` or `localhost`.
/// Port 0 picks a free port.
public struct RegistryListenAddress: ParsedListenAddress {
    public let address: ListenAddress

    public init(parsing text: String) throws {
        let invalid = HTTPServerError("invalid listen address '\(text)': expected HOST:PORT, e.g. 127.0.0.1:18081")
        guard let colon = text.lastIndex(of: ":") else { throw invalid }
        guard let port = UInt16(text[text.index(after: colon)...]) else {
            throw HTTPServerError("invalid listen address '\(text)': the port must be a number from 0 to 65535")
        }
        do {
            address = try ListenAddress(host: String(text[..<colon]), port: port)
        } catch .notIPv6(let host) {
            throw HTTPServerError("invalid listen address '\(text)': '\(host)' is not an IPv6 address")
        } catch .notIPv4 {
            throw HTTPServerError("invalid listen address '\(text)': the host must be an IPv4 address, [IPv6 address] or localhost")
        }
    }
}

/// The registry's REST API (Confluent's paths, bodies and error shape) over HTTP/1.1, served by
/// FlyingFox. All logic lives in `RegistryStore`; this type only routes and encodes.
public actor RegistryHTTPServer {
    private let store: RegistryStore
    private let listen: RegistryListenAddress
    private let listener: HTTPListener

    /// - Parameter log: receives one line per request when set (e.g. `-v`).
    public init(store: RegistryStore, listen: RegistryListenAddress, log: (@Sendable (String) -> Void)? = nil) throws {
        self.store = store
        self.listen = listen
        do {
            listener = try HTTPListener(address: listen.address, timeout: 60, handler: RegistryHTTPHandler(store: store, log: log))
        } catch {
            throw HTTPServerError("invalid listen address '\(listen)'")
        }
    }

    /// Binds and starts serving; returns once the socket listens. Throws a one-line error when
    /// the address can't be used (port in use, not a local address).
    public func start() async throws {
        do { try await listener.start() } catch { throw HTTPServerError("cannot listen on \(listen): \(error)") }
    }

    /// The port the server listens on (the real one when started on port 0).
    public var port: UInt16? {
        get async { await listener.port }
    }

    /// Stops accepting connections, lets running requests finish (0.1 s at most), and returns
    /// once the server is down.
    public func stop() async { await listener.stop() }
}

/// Runs `cdcctl registry serve`: opens the store in `dataDirectory`, serves on `listen` until
/// `stopRequested` says so (the CLI ties it to SIGINT and SIGTERM), and then stops cleanly.
/// `onListening` gets the address really used; `log` gets one line per request.
public enum RegistryService {
    public static func serve(listen: String, dataDirectory: String,
                             stopRequested: @escaping @Sendable () -> Bool,
                             onListening: @escaping @Sendable (String) -> Void,
                             log: (@Sendable (String) -> Void)?) throws {
        let address = try RegistryListenAddress(parsing: listen)
        let store = try RegistryStore(dataDirectory: dataDirectory)
        let server = try RegistryHTTPServer(store: store, listen: address, log: log)

        // The server runs on the concurrency pool; this thread only waits, and polls for the stop.
        try waitForTask {
            try await server.start()
            let port = await server.port ?? address.port
            onListening("http://\(address.address.with(port: port))")
        }
        while !stopRequested() { usleep(100_000) }
        try waitForTask {
            await server.stop()
            store.close()
        }
    }
}
