import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One upload as YouTube's `search.list` and `videos.list` describe it.
public struct YouTubeVideo: Codable, Sendable, Hashable {
    public var videoID: String
    public var title: String
    public var description: String
    public var channelTitle: String
    /// From `videos.list` (`contentDetails.duration`); nil when the video was not listed there.
    public var durationSeconds: Int?

    public init(videoID: String, title: String, description: String = "", channelTitle: String = "", durationSeconds: Int? = nil) {
        self.videoID = videoID; self.title = title; self.description = description
        self.channelTitle = channelTitle; self.durationSeconds = durationSeconds
    }

    public var watchURL: String { "https://www.youtube.com/watch?v=\(videoID)" }
}

/// A small synchronous client of the YouTube Data API v3 on URLSession: `search.list` (type video) and
/// `videos.list`, with the Discogs client's timeouts and backoff. Every attempt first calls `reserve` with its cost
/// in quota units, which throws to stop the call before it is made. The key travels only in the query and is
/// redacted from every error. Safe to share between threads.
public final class YouTubeClient: Sendable {
    /// Quota units of one call, as YouTube charges them.
    public static let searchCost = 100
    public static let videosCost = 1

    public let configuration: YouTubeSearchConfiguration
    private let session: URLSession
    /// Waits the given number of seconds; replaced in tests to observe waits without taking time.
    private let sleep: @Sendable (Double) -> Void

    public init(configuration: YouTubeSearchConfiguration,
                sleep: @escaping @Sendable (Double) -> Void = { Thread.sleep(forTimeInterval: $0) }) {
        self.configuration = configuration
        self.sleep = sleep
        session = URLSession.ephemeral(timeoutSeconds: configuration.timeoutSeconds)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// `search.list?part=snippet&type=video&q=...`: the uploads YouTube ranks first for `query` (no durations).
    public func search(_ query: String, reserve: (Int) throws -> Void) throws -> [YouTubeVideo] {
        let (data, resource) = try get("/youtube/v3/search", cost: Self.searchCost, reserve: reserve, query: [
            URLQueryItem(name: "part", value: "snippet"), URLQueryItem(name: "type", value: "video"),
            URLQueryItem(name: "q", value: query), URLQueryItem(name: "maxResults", value: String(configuration.maxResults)),
        ])
        let list = try decode(SearchListResponse.self, data, resource: resource)
        return (list.items ?? []).compactMap { item in
            guard let id = item.id?.videoId, !id.isEmpty else { return nil }
            return YouTubeVideo(videoID: id, title: item.snippet?.title ?? "", description: item.snippet?.description ?? "",
                                channelTitle: item.snippet?.channelTitle ?? "")
        }
    }

    /// `videos.list?part=contentDetails,snippet&id=...` (at most 50 ids): durations, full descriptions, channels.
    public func videos(_ ids: [String], reserve: (Int) throws -> Void) throws -> [YouTubeVideo] {
        guard !ids.isEmpty else { return [] }
        let (data, resource) = try get("/youtube/v3/videos", cost: Self.videosCost, reserve: reserve, query: [
            URLQueryItem(name: "part", value: "contentDetails,snippet"),
            URLQueryItem(name: "id", value: ids.prefix(50).joined(separator: ",")),
        ])
        let list = try decode(VideoListResponse.self, data, resource: resource)
        return (list.items ?? []).compactMap { item in
            guard let id = item.id, !id.isEmpty else { return nil }
            return YouTubeVideo(videoID: id, title: item.snippet?.title ?? "", description: item.snippet?.description ?? "",
                                channelTitle: item.snippet?.channelTitle ?? "",
                                durationSeconds: item.contentDetails?.duration.flatMap(Self.seconds(iso8601:)))
        }
    }

    /// Seconds of an ISO 8601 duration as YouTube writes them (`PT4M56S`, `PT1H2M`, `P1DT2S`); nil when unreadable.
    public static func seconds(iso8601 text: String) -> Int? {
        var rest = Substring(text)
        guard rest.first == "P" else { return nil }
        rest = rest.dropFirst()
        var total = 0, number = "", inTime = false, sawUnit = false
        for character in rest {
            if character.isASCII, character.isNumber { number.append(character); continue }
            if character == "T" { guard number.isEmpty, !inTime else { return nil }; inTime = true; continue }
            guard let value = Int(number), value <= 1_000_000 else { return nil }
            number = ""
            switch (character, inTime) {
            case ("D", false): total += value * 86_400
            case ("W", false): total += value * 7 * 86_400
            case ("H", true): total += value * 3_600
            case ("M", true): total += value * 60
            case ("S", true): total += value
            default: return nil
            }
            sawUnit = true
        }
        return number.isEmpty && sawUnit ? total : nil
    }

    // MARK: The call

    private func get(_ path: String, cost: Int, reserve: (Int) throws -> Void, query: [URLQueryItem]) throws -> (Data, String) {
        guard var components = URLComponents(url: configuration.baseURL, resolvingAgainstBaseURL: false) else {
            throw YouTubeSearchError(kind: .notConfigured, resource: path, message: "YOUTUBE_API_URL is not a URL")
        }
        components.percentEncodedPath = components.percentEncodedPath.trimmingSuffix("/") + path
        components.queryItems = query
        let resource = components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "") + "&key=REDACTED"
        components.queryItems = query + [URLQueryItem(name: "key", value: configuration.apiKey)]
        guard let url = components.url else {
            throw YouTubeSearchError(kind: .notConfigured, resource: path, message: "bad URL")
        }
        var request = URLRequest(url: url)
        request.httpMethod = "GET"
        request.setValue("application/json", forHTTPHeaderField: "Accept")

        var attempt = 0
        while true {
            try reserve(cost)
            switch perform(request) {
            case .success(let (data, response)):
                let status = response.statusCode
                if (200..<300).contains(status) { return (data, resource) }
                let failure = classify(status: status, body: data, resource: resource)
                guard case .server = failure.kind, attempt < configuration.maxRetries else { throw failure }
                attempt += 1
                sleep(retryDelay(attempt: attempt))
            case .failure(let error):
                let timedOut = (error as? URLError)?.code == .timedOut
                guard attempt < configuration.maxRetries else {
                    throw YouTubeSearchError(kind: timedOut ? .timeout : .transport, resource: resource,
                                             message: redacted(error.localizedDescription))
                }
                attempt += 1
                sleep(retryDelay(attempt: attempt))
            }
        }
    }

    private func perform(_ request: URLRequest) -> Result<(Data, HTTPURLResponse), any Error> {
        session.blockingResult(for: request)
    }

    private func retryDelay(attempt: Int) -> Double {
        min(configuration.maxBackoffSeconds, configuration.backoffBaseSeconds * pow(2, Double(attempt - 1)))
    }

    /// Google's error shape: `{"error": {"code", "message", "errors": [{"reason", "message"}]}}`.
    private func classify(status: Int, body: Data, resource: String) -> YouTubeSearchError {
        let decoded = try? JSONDecoder().decode(GoogleErrorResponse.self, from: body)
        let reason = decoded?.error.errors?.first?.reason ?? ""
        let message = redacted(String((decoded?.error.message ?? "").prefix(200)))
        switch reason {
        case "quotaExceeded", "dailyLimitExceeded":
            return YouTubeSearchError(kind: .quotaExceeded, resource: resource, message: message)
        case "keyInvalid", "keyExpired", "accessNotConfigured", "ipRefererBlocked":
            return YouTubeSearchError(kind: .keyInvalid, resource: resource, message: message)
        case "forbidden" where status == 403:
            return YouTubeSearchError(kind: .keyInvalid, resource: resource, message: message)
        default:
            if (500..<600).contains(status) { return YouTubeSearchError(kind: .server(status: status), resource: resource, message: message) }
            return YouTubeSearchError(kind: .http(status: status, reason: reason), resource: resource, message: message)
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ data: Data, resource: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw YouTubeSearchError(kind: .badResponse, resource: resource, message: "not the expected JSON")
        }
    }

    /// A server or the networking layer may echo the request URL: the key never leaves in a message.
    private func redacted(_ text: String) -> String {
        let key = configuration.apiKey
        guard !key.isEmpty else { return text }
        var out = text.replacingOccurrences(of: key, with: "REDACTED")
        if let encoded = key.addingPercentEncoding(withAllowedCharacters: .alphanumerics), encoded != key {
            out = out.replacingOccurrences(of: encoded, with: "REDACTED")
        }
        return out
    }
}

private struct SearchListResponse: Decodable {
    struct Item: Decodable {
        struct ID: Decodable { var videoId: String? }
        var id: ID?
        var snippet: Snippet?
    }
    var items: [Item]?
}

private struct VideoListResponse: Decodable {
    struct Item: Decodable {
        struct ContentDetails: Decodable { var duration: String? }
        var id: String?
        var snippet: Snippet?
        var contentDetails: ContentDetails?
    }
    var items: [Item]?
}

private struct Snippet: Decodable {
    var title: String?
    var description: String?
    var channelTitle: String?
}

private struct GoogleErrorResponse: Decodable {
    struct Body: Decodable {
        struct Detail: Decodable { var reason: String? }
        var message: String?
        var errors: [Detail]?
    }
    var error: Body
}
