import Foundation

/// One search provider's day as `rotation search stats` shows it: the searches sent to it, the cache's hits and
/// misses, the queries per release, the cached queries, and the quota where the provider has one (YouTube).
public struct SearchProviderStats: Encodable, Sendable, Equatable {
    /// A unit quota's figures for the day.
    public struct Quota: Encodable, Sendable, Equatable {
        public var budget: Int
        public var unitsUsed: Int
        /// Calls not made because the budget had no room.
        public var refused: Int
        /// The provider said the quota is spent (no more calls today).
        public var exhausted: Bool
        public var unitsLeft: Int { max(0, budget - unitsUsed) }

        enum CodingKeys: String, CodingKey { case budget, refused, exhausted, unitsUsed = "units_used", unitsLeft = "units_left" }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(budget, forKey: .budget)
            try container.encode(unitsUsed, forKey: .unitsUsed)
            try container.encode(unitsLeft, forKey: .unitsLeft)
            try container.encode(refused, forKey: .refused)
            try container.encode(exhausted, forKey: .exhausted)
        }
    }

    public var provider: String
    /// The quota day (America/Los_Angeles), `YYYY-MM-DD`.
    public var day: String
    /// Nil for a provider without a unit quota (SoundCloud).
    public var quota: Quota?
    /// Searches sent to the provider today (YouTube: the search calls paid for, retries included; SoundCloud: the
    /// searches it answered).
    public var searches: Int
    /// YouTube's `videos.list` calls; 0 for SoundCloud.
    public var detailCalls: Int
    public var cacheHits: Int
    public var cacheMisses: Int
    public var releases: SearchReleaseUsage
    public var cachedQueries: SearchCacheSummary

    enum CodingKeys: String, CodingKey {
        case provider, day, quota, searches, releases
        case detailCalls = "detail_calls", cacheHits = "cache_hits", cacheMisses = "cache_misses"
        case cachedQueries = "cached_queries"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(provider, forKey: .provider)
        try container.encode(day, forKey: .day)
        try container.encode(quota, forKey: .quota)   // null, not absent, for a provider without one
        try container.encode(searches, forKey: .searches)
        try container.encode(detailCalls, forKey: .detailCalls)
        try container.encode(cacheHits, forKey: .cacheHits)
        try container.encode(cacheMisses, forKey: .cacheMisses)
        try container.encode(releases, forKey: .releases)
        try container.encode(cachedQueries, forKey: .cachedQueries)
    }

    /// Today's figures from the provider's ledger and cache; `metered` says whether the ledger's budget is a real
    /// quota; `topReleases` how many of the releases with the most queries to list.
    public static func read(ledger: SearchQuotaLedger, cache: SearchResultCache, metered: Bool,
                            topReleases: Int) throws -> SearchProviderStats {
        let usage = try ledger.usage()
        return SearchProviderStats(
            provider: ledger.provider, day: usage.day,
            quota: metered ? Quota(budget: usage.budget, unitsUsed: usage.unitsUsed, refused: usage.refused,
                                   exhausted: usage.exhausted) : nil,
            searches: usage.searches, detailCalls: usage.detailCalls, cacheHits: usage.cacheHits,
            cacheMisses: usage.cacheMisses, releases: try ledger.releaseUsage(top: topReleases),
            cachedQueries: try cache.summary())
    }
}
