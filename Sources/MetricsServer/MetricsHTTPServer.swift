import CDCCore
import FlyingFox
import Foundation
import HTTPServing

/// Where `--metrics-listen` serves: `PORT` or `:PORT` is loopback (127.0.0.1); any other host
/// (`0.0.0.0`, an interface's address, `[::]`) is taken as spelled, since naming it is the choice
/// to expose the endpoint beyond this host.
public struct MetricsListenAddress: ParsedListenAddress {
    public let address: ListenAddress

    /// Parses `PORT`, `:PORT`, `HOST:PORT`, `localhost:PORT` or `[IPv6]:PORT`.
    public init(parsing text: String) throws {
        let invalid = HTTPServerError("invalid --metrics-listen '\(text)': expected HOST:PORT or PORT, e.g. 127.0.0.1:9187")
        var host = "127.0.0.1"
        var portText = Substring(text)
        if let colon = text.lastIndex(of: ":") {
            let given = String(text[..<colon])
            if !given.isEmpty { host = given }
            portText = text[text.index(after: colon)...]
        }
        guard let port = UInt16(portText) else { throw invalid }
        do {
            address = try ListenAddress(host: host, port: port)
        } catch {
            throw HTTPServerError("invalid --metrics-listen '\(text)': the host must be an IPv4 address, [IPv6 address] or localhost")
        }
    }
}

/// `GET /metrics` (Prometheus text exposition of a `StreamMetrics`) and `GET /healthz`, served by
/// FlyingFox on Swift's concurrency pool while the stream's synchronous loop runs on its own thread.
public final class MetricsHTTPServer: Sendable {
    private let listener: HTTPListener
    private let listen: MetricsListenAddress

    /// Starts serving `metrics` on `listen`; returns once the socket listens (or throws within 10 s).
    public init(metrics: StreamMetrics, listen: MetricsListenAddress) throws {
        let listener: HTTPListener
        do {
            listener = try HTTPListener(address: listen.address, timeout: 15, handler: MetricsHTTPHandler(metrics: metrics))
        } catch {
            throw HTTPServerError("invalid --metrics-listen address '\(listen)'")
        }
        self.listener = listener
        self.listen = listen
        do {
            try waitForTask { try await listener.start() }
        } catch {
            throw HTTPServerError("cannot listen on \(listen) (--metrics-listen): \(error)")
        }
    }

    /// The port listened on (the one asked for, or the one the system chose for port 0).
    public var port: UInt16 {
        let listener = self.listener
        let fallback = listen.port
        return (try? waitForTask { await listener.port ?? fallback }) ?? fallback
    }
}

/// The two routes: `/metrics` and `/healthz`; anything else is 404.
struct MetricsHTTPHandler: HTTPHandler {
    let metrics: StreamMetrics

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard request.method == .GET || request.method == .HEAD else {
            return HTTPResponse(statusCode: .methodNotAllowed, headers: [HTTPHeader("Allow"): "GET, HEAD"], body: Data("only GET\n".utf8))
        }
        switch request.path {
        case "/metrics":
            return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: Data(metrics.exposition()))
        case "/healthz":
            // 200 `ok streaming` / `ok snapshot`; 503 `starting`, `reconnecting` or `stopped`.
            let phase = metrics.phase
            return HTTPResponse(statusCode: phase.isHealthy ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: Data(((phase.isHealthy ? "ok " : "") + phase.word + "\n").utf8))
        default:
            return HTTPResponse(statusCode: .notFound, headers: [.contentType: "text/plain; charset=utf-8"], body: Data("not found: try /metrics or /healthz\n".utf8))
        }
    }
}
