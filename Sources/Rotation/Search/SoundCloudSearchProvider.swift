import Foundation
import Matching
import Postgres

/// What one SoundCloud search for a track brought, in SoundCloud's order.
public struct SoundCloudSearchOutcome: Sendable {
    public var query: SearchQuery
    public var tracks: [SoundCloudTrack]
    public var fromCache: Bool

    /// The tracks as matcher candidates (source `soundcloud`).
    public var candidates: [CandidateVideo] { tracks.map(\.candidate) }
}

/// Searches SoundCloud for a track's recording with the YouTube provider's contract: the same queries
/// (`SearchQuery`), the search cache first (`search_results`, provider `soundcloud`), then the API; answers are
/// matcher candidates. SoundCloud has no unit quota (its limits are on tokens and plays), so no budget is kept, but
/// its searches and cache hits are counted in the same ledger as YouTube's (by day and by release); the token is
/// cached by the client.
public struct SoundCloudSearchProvider: Sendable {
    /// The provider's name in `search_results` and a candidate's `source`.
    public static let name = "soundcloud"

    public let client: SoundCloudClient
    /// Counts the searches and cache hits; never asked to reserve units.
    public let ledger: SearchQuotaLedger
    public let cache: SearchResultCache

    public init(client: SoundCloudClient, ledger: SearchQuotaLedger, cache: SearchResultCache) {
        self.client = client; self.ledger = ledger; self.cache = cache
    }

    public init(configuration: SoundCloudSearchConfiguration, connection: PostgresConnection) {
        self.init(client: SoundCloudClient(configuration: configuration),
                  ledger: SearchQuotaLedger(unmeteredProvider: Self.name, connection: connection),
                  cache: SearchResultCache(connection: connection, provider: Self.name, ttlSeconds: configuration.cacheTTLSeconds))
    }

    public func search(_ query: SearchQuery) throws -> SoundCloudSearchOutcome {
        if let cached = try cached([query])[query.normalized] {
            return SoundCloudSearchOutcome(query: query, tracks: cached, fromCache: true)
        }
        return try searchAPI(query)
    }

    /// The cache's answers for `queries` (by normalized query), in one statement, the hits and misses counted in
    /// another.
    public func cached(_ queries: [SearchQuery]) throws -> [String: [SoundCloudTrack]] {
        let found = try cache.lookup(queries, as: SoundCloudTrack.self)
        try ledger.recordCacheLookups(queries, answered: Set(found.keys))
        return found
    }

    /// Asks the API (the cache was asked first and missed), caches the answer and counts the search.
    public func searchAPI(_ query: SearchQuery) throws -> SoundCloudSearchOutcome {
        let tracks = try client.search(query.text)
        try cache.store(query, uploads: tracks)
        try ledger.recordAnsweredSearch(query, units: 0, countingTheCall: true)
        return SoundCloudSearchOutcome(query: query, tracks: tracks, fromCache: false)
    }
}
