import ArgumentParser
import Foundation
import Matching
import Rotation

/// `rotation search stats` and `rotation search track RELEASE INDEX`: the search tier (YouTube, SoundCloud) from a
/// shell.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search YouTube or SoundCloud for a track's recording; today's quota and the search cache.",
        discussion: """
            YOUTUBE_API_KEY is the API key (never printed), YOUTUBE_API_URL the API's root (default \
            https://www.googleapis.com), YOUTUBE_DAILY_QUOTA the units a day every process shares through Postgres \
            (default 10000; a search costs 100, a videos call 1; the day resets at midnight Pacific time), \
            YOUTUBE_SEARCH_CACHE_DAYS how long a cached search answers (default 30, SoundCloud's too). \
            SOUNDCLOUD_CLIENT_ID and SOUNDCLOUD_CLIENT_SECRET are SoundCloud's client credentials (the secret never \
            printed), SOUNDCLOUD_API_URL and SOUNDCLOUD_AUTH_URL its roots.
            """,
        subcommands: [Stats.self, Track.self])

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Today's searches per provider: quota use, cache hits and misses, queries per release.",
            discussion: """
                For YouTube and SoundCloud: the searches sent today (the quota day, America/Los_Angeles), the \
                search cache's hits and misses, the releases searched and the queries per release (sent and \
                answered by the cache), the releases that took the most queries, and the cached queries. YouTube \
                also shows its quota: units used of YOUTUBE_DAILY_QUOTA, calls refused by the budget, and whether \
                YouTube closed the day. SoundCloud has no unit quota. Needs no API key.
                """)
        @OptionGroup var servers: ServerOptions
        @Option(help: "How many of the releases with the most queries today to list, per provider.")
        var releases = 5
        @Flag(help: "Print machine-readable JSON.") var json = false

        func validate() throws {
            guard releases >= 0 else { throw ValidationError("--releases must be 0 or more") }
        }

        func run() throws {
            try ReviewCLI.run(json: json) {
                // Only what the figures need: a wrong API URL or a missing key never stops them.
                let environment = SearchEnvironment()
                let ttl = try environment.cacheTTLSeconds()
                let db = try servers.postgres()
                let youTube = SearchQuotaLedger(connection: db, provider: YouTubeSearchProvider.name,
                                                dailyBudget: try YouTubeSearchConfiguration.dailyQuota(environment))
                let providers = try [
                    (youTube, true),
                    (SearchQuotaLedger(unmeteredProvider: SoundCloudSearchProvider.name, connection: db), false),
                ].map { ledger, metered in
                    try SearchProviderStats.read(
                        ledger: ledger, cache: SearchResultCache(connection: db, provider: ledger.provider, ttlSeconds: ttl),
                        metered: metered, topReleases: releases)
                }
                if json {
                    /// `quota` and `cache` are YouTube's, as before SoundCloud was counted; `providers` has both.
                    struct Report: Encodable {
                        let quota: SearchQuotaUsage; let cache: SearchCacheSummary; let providers: [SearchProviderStats]
                    }
                    return try printJSON(Report(quota: try youTube.usage(), cache: providers[0].cachedQueries,
                                                providers: providers))
                }
                printLine("quota day      \(providers[0].day) (America/Los_Angeles)")
                for stats in providers { Self.print(stats) }
            }
        }

        static func print(_ stats: SearchProviderStats) {
            printLine("")
            printLine(stats.provider + (stats.quota == nil ? "  (no unit quota)" : ""))
            if let quota = stats.quota {
                printLine("  quota          \(quota.unitsUsed) of \(quota.budget) units used, \(quota.unitsLeft) left"
                          + (quota.exhausted ? "  (YouTube said quotaExceeded: no more calls today)" : ""))
                printLine("  calls today    \(stats.searches) searches, \(stats.detailCalls) videos calls, "
                          + "\(quota.refused) refused by the budget")
            } else {
                printLine("  calls today    \(stats.searches) searches")
            }
            printLine("  cache today    \(stats.cacheHits) hits, \(stats.cacheMisses) misses")
            let byRelease = stats.releases
            if let perRelease = byRelease.queriesPerRelease, let sent = byRelease.searchesPerRelease {
                let units = stats.quota != nil ? byRelease.unitsPerRelease.map { ", \(Self.figure($0)) units" } ?? "" : ""
                printLine("  per release    \(byRelease.releases) releases searched: \(Self.figure(perRelease)) queries a release "
                          + "(\(Self.figure(sent)) sent, \(Self.figure(perRelease - sent)) from the cache)\(units)")
            } else {
                printLine("  per release    no release searched today")
            }
            for release in byRelease.most {
                printLine("    release \(release.releaseID): \(release.searches) sent, \(release.cacheHits) from the cache"
                          + (stats.quota != nil ? ", \(release.unitsUsed) units" : ""))
            }
            let cached = stats.cachedQueries
            printLine("  cached queries \(cached.fresh) fresh of \(cached.total), answered \(cached.hits) times")
        }

        static func figure(_ value: Double) -> String { String(format: "%.1f", value) }
    }

    struct Track: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Search YouTube or SoundCloud for one stored release track and print the candidates the matcher scores.",
            discussion: """
                Builds the query from the track's artists (the release's for a single-artist release) and title, \
                asks the search cache, else the provider (YouTube within today's budget), and scores the results \
                against the whole release with the release's own Discogs videos (unless --no-release-videos). \
                Prints what the policy would decide; stores nothing unless --store, which writes the track's \
                candidates and its match as the worker does (rejected URLs never; a row a person decided kept) and \
                an approved match to the cache (REDIS_URL).
                """)
        @OptionGroup var servers: ServerOptions
        @Argument(help: "Discogs release id (its body must be stored: rotation import releases, or rotation sync).") var release: Int64
        @Argument(help: "0-based index in the release's Discogs tracklist.") var index: Int
        @Flag(name: .customLong("no-release-videos"), help: "Score the search results only, without the release's Discogs videos.")
        var noReleaseVideos = false
        @Option(help: "youtube (default) or soundcloud.") var provider: String = YouTubeSearchProvider.name
        @Flag(help: "Store the track's candidates and the policy's match, as the worker does.") var store = false
        @Flag(help: "Print machine-readable JSON.") var json = false

        func validate() throws {
            guard [YouTubeSearchProvider.name, SoundCloudSearchProvider.name].contains(provider) else {
                throw ValidationError("--provider is youtube or soundcloud")
            }
            if store && noReleaseVideos { throw ValidationError(TrackSearchError.storeNeedsReleaseVideos.description) }
        }

        func run() throws {
            try ReviewCLI.run(json: json) {
                let settings = servers.settings
                if store, let problem = settings.autoApproveThresholdProblem { throw ValidationError(problem) }
                let db = try servers.postgres()
                let cache: MatchCacheWriter? = try store ? TierConnections.openRedis(settings).map {
                    MatchCacheWriter(redis: $0, ttlSeconds: settings.cacheTTL, ttlJitterPercent: settings.cacheTTLJitterPercent)
                } : nil
                func search(_ provider: some TrackSearchProvider) throws -> TrackSearchResult {
                    var search = TrackSearch(connection: db, provider: provider)
                    search.policy = settings.matchPolicy
                    return try search.run(releaseID: release, trackIndex: index, includeReleaseVideos: !noReleaseVideos,
                                          store: store, cache: cache)
                }
                let result = if provider == SoundCloudSearchProvider.name {
                    try search(SoundCloudSearchProvider(configuration: try SoundCloudSearchConfiguration(), connection: db))
                } else {
                    try search(YouTubeSearchProvider(configuration: try YouTubeSearchConfiguration(), connection: db))
                }
                if json { return try printJSON(TrackSearchReport(result)) }
                let track = result.track
                printLine("track      \(release)/\(index)  \(ReviewCLI.safe(track.position))  \(ReviewCLI.safe(track.title))"
                          + (track.durationSeconds.map { "  \(Self.clock($0))" } ?? ""))
                printLine("query      \(ReviewCLI.safe(result.outcome.query.text))")
                printLine("search     \(result.outcome.provider): \(result.outcome.candidates.count) results, "
                          + (result.outcome.fromCache ? "from the cache (0 units)" : "\(result.outcome.unitsSpent) units"))
                printLine("decision   \(TrackSearchReport.describe(result.decision))")
                if let stored = result.stored { printLine("stored     \(TrackSearchReport.describe(stored))") }
                for candidate in result.candidates {
                    let rejected = result.rejectedURLs.contains(candidate.url) ? " (rejected)" : ""
                    printLine(ReviewCLI.columns([
                        (String(format: "%.2f", candidate.confidence), 5), (candidate.source, 8),
                        (candidate.durationSeconds.map(Self.clock) ?? "", 6), (candidate.videoTitle, 60),
                        (candidate.url + rejected, 56)]))
                }
            }
        }

        static func clock(_ seconds: Int) -> String { String(format: "%d:%02d", seconds / 60, seconds % 60) }
    }
}

/// `rotation search track --json`.
struct TrackSearchReport: Encodable {
    struct Candidate: Encodable {
        let url: String, title: String, source: String, confidence: Double, durationSeconds: Int?, rejected: Bool
        let evidence: MatchEvidence
        enum CodingKeys: String, CodingKey {
            case url, title, source, confidence, rejected, evidence
            case durationSeconds = "duration_seconds"
        }
    }
    let releaseID: Int64, trackIndex: Int, position: String, title: String
    let query: String, fromCache: Bool, unitsSpent: Int, decision: String, decidedURL: String?
    let provider: String
    let candidates: [Candidate]
    /// With --store: what was written.
    let stored: Stored?

    struct Stored: Encodable {
        let candidates: Int, matchURL: String?, approved: Bool?, keptExisting: Bool, cacheFailures: Int
        enum CodingKeys: String, CodingKey {
            case candidates, approved
            case matchURL = "match_url", keptExisting = "kept_existing", cacheFailures = "cache_failures"
        }
    }

    enum CodingKeys: String, CodingKey {
        case position, title, query, decision, candidates, provider, stored
        case releaseID = "release_id", trackIndex = "track_index", fromCache = "from_cache", unitsSpent = "units_spent"
        case decidedURL = "decided_url"
    }

    init(_ result: TrackSearchResult) {
        releaseID = result.release.id; trackIndex = result.trackIndex
        position = result.track.position; title = result.track.title
        provider = result.outcome.provider
        stored = result.stored.map {
            Stored(candidates: $0.candidates, matchURL: $0.match?.matchURL, approved: $0.match?.approved,
                   keptExisting: $0.keptExisting, cacheFailures: $0.cacheFailures)
        }
        query = result.outcome.query.text; fromCache = result.outcome.fromCache; unitsSpent = result.outcome.unitsSpent
        decision = Self.describe(result.decision); decidedURL = result.decision.storedCandidate?.url
        candidates = result.candidates.map {
            Candidate(url: $0.url, title: $0.videoTitle, source: $0.source, confidence: $0.confidence,
                      durationSeconds: $0.durationSeconds, rejected: result.rejectedURLs.contains($0.url), evidence: $0.evidence)
        }
    }

    static func describe(_ decision: MatchDecision) -> String {
        switch decision {
        case .autoApproved(let c): "auto-approve \(c.url) (\(String(format: "%.2f", c.confidence)))"
        case .pending(let c, let reason):
            "pending review \(c.url) (\(String(format: "%.2f", c.confidence)); \(Self.describe(reason)))"
        case .unmatched: "unmatched (no candidate reaches the store threshold)"
        }
    }

    static func describe(_ stored: TrackSearchStored) -> String {
        let match = if let match = stored.match {
            "match \(match.matchURL) written (\(match.approved ? "approved" : "pending review"))"
        } else if stored.keptExisting {
            "the track's row kept as it is (a person decided it, or it already holds this match)"
        } else {
            "no match written"
        }
        return "\(stored.candidates) candidates written; \(match)"
            + (stored.cacheFailures > 0 ? "; the cache update failed and is queued for repair" : "")
    }

    static func describe(_ reason: PendingReason) -> String {
        switch reason {
        case .lowConfidence: "below auto-approve"
        case .ambiguous(let rival): "ambiguous with \(rival)"
        case .differentVersion: "another version"
        }
    }
}
