import Foundation

/// Where and how the YouTube provider searches, and the budget it keeps to. From the environment:
/// `YOUTUBE_API_KEY` (never printed), `YOUTUBE_API_URL` (default the real API), `YOUTUBE_DAILY_QUOTA` (units a day,
/// default 10,000) and `YOUTUBE_SEARCH_CACHE_DAYS` (how long a cached search answers, default 30).
public struct YouTubeSearchConfiguration: Sendable {
    public static let defaultBaseURL = URL(string: "https://www.googleapis.com")!

    /// The API's root; `/youtube/v3/search` and `/youtube/v3/videos` are appended.
    public var baseURL: URL
    /// Sent only as the `key` query parameter; every error and log line shows the resource with it redacted.
    public var apiKey: String
    public var dailyQuota: Int
    public var cacheTTLSeconds: Double
    /// Results asked of one `search.list` call (the API allows up to 50; the cost is 100 units whatever the count).
    public var maxResults = 10
    public var timeoutSeconds: Double = 15
    /// Retries of a call that got 5xx or no answer (each retry is a new call and reserves its units again).
    public var maxRetries = 2
    public var backoffBaseSeconds: Double = 1
    public var maxBackoffSeconds: Double = 30

    public init(baseURL: URL = Self.defaultBaseURL, apiKey: String, dailyQuota: Int = 10_000,
                cacheTTLSeconds: Double = SearchEnvironment.defaultCacheTTLSeconds) {
        self.baseURL = baseURL; self.apiKey = apiKey; self.dailyQuota = dailyQuota; self.cacheTTLSeconds = cacheTTLSeconds
    }

    /// From the environment (`SearchEnvironment`, which reads only YouTube's variables and the shared cache TTL);
    /// an error names the variable that is missing or wrong, never the key's value. Without `requireKey` (figures
    /// that need no call) a missing key leaves it empty.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, requireKey: Bool = true) throws {
        let settings = SearchEnvironment(environment)
        let key = settings.value("YOUTUBE_API_KEY") ?? ""
        if key.isEmpty && requireKey {
            throw YouTubeSearchError(kind: .notConfigured, resource: "", message: "set YOUTUBE_API_KEY to search YouTube")
        }
        do {
            self.init(baseURL: try settings.url("YOUTUBE_API_URL", default: Self.defaultBaseURL), apiKey: key,
                      dailyQuota: try Self.dailyQuota(settings), cacheTTLSeconds: try settings.cacheTTLSeconds())
        } catch let error as SearchSettingError {
            throw YouTubeSearchError(kind: .notConfigured, resource: "", message: error.description)
        }
    }

    /// `YOUTUBE_DAILY_QUOTA`, default 10,000 units: what `rotation search stats` needs without the rest.
    public static func dailyQuota(_ settings: SearchEnvironment) throws -> Int {
        try settings.wholeNumber("YOUTUBE_DAILY_QUOTA", of: "units", default: 10_000)
    }
}
