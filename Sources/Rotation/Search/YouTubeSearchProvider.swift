import Foundation
import Matching
import Postgres

/// What one search for a track brought: the uploads in YouTube's order, whether the cache answered, and the quota
/// units it cost.
public struct SearchOutcome: Sendable {
    public var query: SearchQuery
    public var videos: [YouTubeVideo]
    public var fromCache: Bool
    public var unitsSpent: Int

    /// The uploads as matcher candidates (source `youtube`).
    public var candidates: [CandidateVideo] { videos.map(\.candidate) }
}

/// Searches YouTube for a track's recording: the cache first (no quota), else `search.list` then `videos.list`,
/// each paid from the shared daily budget before it is made (a search with its videos call: 101 units). A `quotaExceeded` answer closes the day for
/// every worker.
public struct YouTubeSearchProvider: Sendable {
    /// The provider's name in `search_quota_days`, `search_results` and a candidate's `source`.
    public static let name = "youtube"

    public let client: YouTubeClient
    public let ledger: SearchQuotaLedger
    public let cache: SearchResultCache

    public init(client: YouTubeClient, ledger: SearchQuotaLedger, cache: SearchResultCache) {
        self.client = client; self.ledger = ledger; self.cache = cache
    }

    public init(configuration: YouTubeSearchConfiguration, connection: PostgresConnection) {
        self.init(client: YouTubeClient(configuration: configuration),
                  ledger: SearchQuotaLedger(connection: connection, provider: Self.name, dailyBudget: configuration.dailyQuota),
                  cache: SearchResultCache(connection: connection, provider: Self.name, ttlSeconds: configuration.cacheTTLSeconds))
    }

    public func search(_ query: SearchQuery) throws -> SearchOutcome {
        if let cached = try cached([query])[query.normalized] {
            return SearchOutcome(query: query, videos: cached, fromCache: true, unitsSpent: 0)
        }
        return try searchAPI(query)
    }

    /// The cache's answers for `queries` (by normalized query) in one statement, the hits and misses counted in
    /// another: what the worker asks first for a release's tracks, before `searchAPI` for each miss.
    public func cached(_ queries: [SearchQuery]) throws -> [String: [YouTubeVideo]] {
        let found = try cache.lookup(queries, as: YouTubeVideo.self)
        try ledger.recordCacheLookups(queries, answered: Set(found.keys))
        return found
    }

    /// Asks the API (the cache was asked first and missed): `search.list` then `videos.list`, paid from the
    /// shared budget before each call, caches the answer and counts it for the query's release.
    public func searchAPI(_ query: SearchQuery) throws -> SearchOutcome {
        var spent = 0
        do {
            let videos = try Self.searchAndDescribe(query, client: client) { units, call in
                try ledger.reserve(units, call: call)
                spent += units
            }
            try cache.store(query, videos: videos)
            try ledger.recordAnsweredSearch(query, units: spent, countingTheCall: false)
            return SearchOutcome(query: query, videos: videos, fromCache: false, unitsSpent: spent)
        } catch let error as YouTubeSearchError where error.kind == .quotaExceeded {
            try ledger.markExhausted()
            throw error
        }
    }

    /// `search.list` for `query`, then one `videos.list` for the results' lengths, full descriptions and channels.
    /// `reserve` is called before each attempt with the units to pay and the call counted: a search attempt pays
    /// for the videos call that completes it (101 units), so a budget never lets a search through whose results it
    /// could not complete; that videos call then reserves 0, and only a retry of it pays for itself.
    static func searchAndDescribe(_ query: SearchQuery, client: YouTubeClient,
                                  reserve: (Int, SearchCall) throws -> Void) throws -> [YouTubeVideo] {
        var prepaidVideoCalls = 0
        let found = try client.search(query.text) { units in
            try reserve(units + YouTubeClient.videosCost, .search)
            prepaidVideoCalls += 1
        }
        let details = try client.videos(found.map(\.videoID)) { units in
            if prepaidVideoCalls > 0 {
                prepaidVideoCalls -= 1
                try reserve(0, .videos)
            } else {
                try reserve(units, .videos)
            }
        }
        let byID = Dictionary(details.map { ($0.videoID, $0) }, uniquingKeysWith: { first, _ in first })
        // search.list cuts descriptions and gives no length: the videos.list entry completes each upload.
        return found.map { hit -> YouTubeVideo in
            guard let detail = byID[hit.videoID] else { return hit }
            return YouTubeVideo(videoID: hit.videoID, title: detail.title.isEmpty ? hit.title : detail.title,
                                description: detail.description.isEmpty ? hit.description : detail.description,
                                channelTitle: detail.channelTitle.isEmpty ? hit.channelTitle : detail.channelTitle,
                                durationSeconds: detail.durationSeconds)
        }
    }
}

extension YouTubeVideo {
    /// The upload as a matcher candidate (source `youtube`), with its channel.
    public var candidate: CandidateVideo {
        CandidateVideo(url: watchURL, title: title, durationSeconds: durationSeconds,
                       description: description.isEmpty ? nil : description, source: YouTubeSearchProvider.name,
                       channel: channelTitle.isEmpty ? nil : channelTitle)
    }
}
