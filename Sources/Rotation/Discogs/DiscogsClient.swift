import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small synchronous Discogs API client on URLSession: the inventory and release endpoints, honouring the
/// rate-limit headers and backing off on 429 and 5xx. Safe to share between threads.
public final class DiscogsClient: ReleaseBodySource, Sendable {
    public let configuration: DiscogsClientConfiguration
    private let session: URLSession
    /// Waits the given number of seconds; replaced in tests to observe waits without taking time.
    private let sleep: @Sendable (Double) -> Void
    /// The rate-limit headers of the latest response, shared by every thread using the client.
    private let latestRateLimit = Mutex<DiscogsRateLimit?>(nil)

    public init(configuration: DiscogsClientConfiguration,
                sleep: @escaping @Sendable (Double) -> Void = { Thread.sleep(forTimeInterval: $0) }) {
        self.configuration = configuration
        self.sleep = sleep
        session = URLSession.ephemeral(timeoutSeconds: configuration.timeoutSeconds)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// The rate-limit headers of the latest response.
    public var rateLimit: DiscogsRateLimit? {
        latestRateLimit.withLock { $0 }
    }

    /// `GET /users/{username}/inventory?page=N&per_page=M` (for-sale listings, newest first as the web app asks).
    public func inventoryPage(store: String, page: Int, perPage: Int = 100) throws -> (data: Data, resource: String) {
        let encoded = store.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? store
        return try get("/users/\(encoded)/inventory", query: [
            URLQueryItem(name: "status", value: "For Sale"),
            URLQueryItem(name: "sort", value: "listed"), URLQueryItem(name: "sort_order", value: "desc"),
            URLQueryItem(name: "page", value: String(page)), URLQueryItem(name: "per_page", value: String(perPage)),
        ])
    }

    /// `GET /releases/{id}`.
    public func releaseBody(id: Int64) throws -> Data {
        try get("/releases/\(id)", query: []).data
    }

    /// One GET with pacing and retries. Returns the body and the resource (path and query) it came from.
    public func get(_ path: String, query: [URLQueryItem]) throws -> (data: Data, resource: String) {
        guard var components = URLComponents(url: configuration.baseURL, resolvingAgainstBaseURL: false) else {
            throw DiscogsClientError(kind: .transport, resource: path, message: "bad base URL")
        }
        components.percentEncodedPath = components.percentEncodedPath.trimmingSuffix("/") + path
        components.queryItems = query.isEmpty ? nil : query
        guard let url = components.url else {
            throw DiscogsClientError(kind: .transport, resource: path, message: "bad URL")
        }
        let resource = components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        var request = URLRequest(url: url)
        request.httpMethod = "GET"
        request.setValue(configuration.userAgent, forHTTPHeaderField: "User-Agent")
        request.setValue("application/vnd.discogs.v2.discogs+json", forHTTPHeaderField: "Accept")
        if let oauth = configuration.oauth {
            request.setValue(oauth.authorizationHeader(), forHTTPHeaderField: "Authorization")
        } else if let token = configuration.token, !token.isEmpty {
            request.setValue("Discogs token=\(token)", forHTTPHeaderField: "Authorization")
        }

        var attempt = 0
        while true {
            paceForRateLimit()
            let outcome = perform(request)
            switch outcome {
            case .success(let (data, response)):
                recordRateLimit(response)
                let status = response.statusCode
                if (200..<300).contains(status) { return (data, resource) }
                let retryable = status == 429 || (500..<600).contains(status)
                guard retryable, attempt < configuration.maxRetries else {
                    throw DiscogsClientError(kind: .http(status: status), resource: resource, message: Self.errorMessage(data))
                }
                attempt += 1
                sleep(retryDelay(attempt: attempt, response: response))
            case .failure(let error):
                guard attempt < configuration.maxRetries else {
                    throw DiscogsClientError(kind: .transport, resource: resource, message: error.localizedDescription)
                }
                attempt += 1
                sleep(retryDelay(attempt: attempt, response: nil))
            }
        }
    }

    private func perform(_ request: URLRequest) -> Result<(Data, HTTPURLResponse), any Error> {
        session.blockingResult(for: request)
    }

    /// Discogs' `Retry-After` when it sends one, else exponential backoff.
    private func retryDelay(attempt: Int, response: HTTPURLResponse?) -> Double {
        if let text = response?.value(forHTTPHeaderField: "Retry-After"), let seconds = Double(text), seconds >= 0 {
            return min(seconds, configuration.maxBackoffSeconds)
        }
        return min(configuration.maxBackoffSeconds, configuration.backoffBaseSeconds * pow(2, Double(attempt - 1)))
    }

    private func recordRateLimit(_ response: HTTPURLResponse) {
        func header(_ name: String) -> Int? { response.value(forHTTPHeaderField: name).flatMap { Int($0) } }
        let limit = DiscogsRateLimit(limit: header("X-Discogs-Ratelimit"), used: header("X-Discogs-Ratelimit-Used"),
                                     remaining: header("X-Discogs-Ratelimit-Remaining"))
        if limit.remaining != nil || limit.limit != nil { latestRateLimit.withLock { $0 = limit } }
    }

    /// Waits when the allowance is nearly spent: one window slot per request below the floor, so the moving
    /// window has room again before the next request.
    private func paceForRateLimit() {
        guard let limit = rateLimit, let remaining = limit.remaining, remaining <= configuration.rateLimitFloor else { return }
        let perRequest = configuration.rateLimitWindowSeconds / Double(max(1, limit.limit ?? 60))
        // The header is the server's word: a negative count means none left, and must neither overflow nor wait
        // longer than the floor's worth of slots.
        sleep(perRequest * Double(configuration.rateLimitFloor - max(0, remaining) + 1))
        latestRateLimit.withLock { $0?.remaining = nil }
    }

    /// Discogs errors are `{"message": "..."}`; other bodies (a proxy's HTML page) say nothing worth repeating.
    private static func errorMessage(_ data: Data) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let message = object["message"] as? String
        else { return "" }
        return String(message.prefix(200))
    }
}
