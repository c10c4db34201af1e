import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Whether a schema registry answers `GET /subjects` in time: the preflight's registry check.
public enum RegistryProbe {
    /// Asks `url` for its subjects, waiting at most `timeout` seconds. The URL's user and
    /// password become basic auth and never appear in the result. Never throws.
    public static func check(url: String, timeout: Double) -> PreflightCheck {
        guard var components = URLComponents(string: url), let scheme = components.scheme, ["http", "https"].contains(scheme),
              components.host != nil else {
            return .problem("registry", "invalid schema registry URL '\(ConnectionURL.redacted(url))'",
                            fix: "pass --registry http(s)://host:port")
        }
        var authorization: String? = nil
        if let user = components.user {
            authorization = "Basic " + Data("\(user):\(components.password ?? "")".utf8).base64EncodedString()
            components.user = nil
            components.password = nil
        }
        let base = components.string ?? url
        guard let target = URL(string: (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/subjects") else {
            return .problem("registry", "invalid schema registry URL '\(base)'", fix: "pass --registry http(s)://host:port")
        }
        var request = URLRequest(url: target, timeoutInterval: timeout)
        request.httpMethod = "GET"
        request.setValue("application/vnd.schemaregistry.v1+json, application/json", forHTTPHeaderField: "Accept")
        if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
        let fix = "start the registry or pass the right --registry URL"
        switch perform(request, timeout: timeout) {
        case let .success((status, data)) where (200..<300).contains(status):
            let count = ((try? JSONSerialization.jsonObject(with: data)) as? [Any])?.count
            let subjects = count.map { " (\($0) subject\($0 == 1 ? "" : "s"))" } ?? ""
            return .ok("registry", "schema registry \(base) answered GET /subjects\(subjects)")
        case let .success((status, _)):
            return .problem("registry", "schema registry \(base) answered GET /subjects with HTTP \(status)",
                            fix: status == 401 || status == 403 ? "pass credentials in the URL (http://user:password@host:port)" : fix)
        case let .failure(error):
            return .problem("registry", "schema registry \(base) did not answer GET /subjects within \(BrokerProbe.seconds(timeout)) (\(error.localizedDescription))",
                            fix: fix)
        }
    }

    /// One blocking round trip, given up after `timeout` seconds.
    private static func perform(_ request: URLRequest, timeout: Double) -> Result<(Int, Data), Error> {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let outcome = RoundTripOutcome<URLError>()
        let task = session.dataTask(with: request) { data, response, error in
            if let error {
                outcome.finish(.failure(error as? URLError ?? URLError(.unknown)))
            } else {
                outcome.finish(.success(((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data())))
            }
        }
        task.resume()
        if outcome.done.wait(timeout: .now() + timeout + 1) == .timedOut {
            task.cancel()
            return .failure(URLError(.timedOut))
        }
        return outcome.result.map { $0.mapError { $0 as Error } } ?? .failure(URLError(.unknown))
    }
}
