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
                cacheTTLSeconds: Double = 30 * 86_400) {
        self.baseURL = baseURL; self.apiKey = apiKey; self.dailyQuota = dailyQuota; self.cacheTTLSeconds = cacheTTLSeconds
    }

    /// From the environment; an error names the variable that is missing or wrong, never the key's value. Without
    /// `requireKey` (figures that need no call, such as `rotation search stats`) a missing key leaves it empty.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, requireKey: Bool = true) throws {
        func value(_ name: String) -> String? {
            guard let v = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
            return v
        }
        let key = value("YOUTUBE_API_KEY") ?? ""
        if key.isEmpty && requireKey {
            throw YouTubeSearchError(kind: .notConfigured, resource: "", message: "set YOUTUBE_API_KEY to search YouTube")
        }
        var baseURL = Self.defaultBaseURL
        if let text = value("YOUTUBE_API_URL") {
            guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                throw YouTubeSearchError(kind: .notConfigured, resource: "", message: "YOUTUBE_API_URL is not an http(s) URL")
            }
            baseURL = url
        }
        var quota = 10_000
        if let text = value("YOUTUBE_DAILY_QUOTA") {
            guard let n = Int(text), n >= 0 else {
                throw YouTubeSearchError(kind: .notConfigured, resource: "", message: "YOUTUBE_DAILY_QUOTA must be a whole number of units, 0 or more")
            }
            quota = n
        }
        var ttl = 30.0 * 86_400
        if let text = value("YOUTUBE_SEARCH_CACHE_DAYS") {
            guard let days = Double(text), days >= 0, days.isFinite else {
                throw YouTubeSearchError(kind: .notConfigured, resource: "", message: "YOUTUBE_SEARCH_CACHE_DAYS must be a number of days, 0 or more")
            }
            ttl = days * 86_400
        }
        self.init(baseURL: baseURL, apiKey: key, dailyQuota: quota, cacheTTLSeconds: ttl)
    }
}
