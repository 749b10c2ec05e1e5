import Foundation
import Postgres

/// A search provider's day in Postgres: its searches, cache hits and misses (`search_quota_days`) and the same by
/// release (`search_release_queries`), and, for a provider with a unit quota (YouTube), the daily budget shared by
/// every worker and command. Units are reserved before a call, in one statement that refuses to exceed the budget,
/// so concurrent callers never overspend; the day is the date in America/Los_Angeles, as YouTube's quota resets at midnight Pacific.
/// A reservation is not given back when the call fails: YouTube charges failed calls too.
public struct SearchQuotaLedger: Sendable {
    public let connection: PostgresConnection
    public let provider: String
    public let dailyBudget: Int

    public init(connection: PostgresConnection, provider: String, dailyBudget: Int) {
        self.connection = connection; self.provider = provider; self.dailyBudget = dailyBudget
    }

    /// The ledger of a provider without a unit quota (SoundCloud): it counts searches and cache hits; nothing may
    /// be reserved from its budget of 0.
    public init(unmeteredProvider provider: String, connection: PostgresConnection) {
        self.init(connection: connection, provider: provider, dailyBudget: 0)
    }

    /// The quota day now, in SQL (one home for the time zone).
    static let today = "(now() AT TIME ZONE 'America/Los_Angeles')::date"

    /// Takes `units` from today's budget, counting the call (`search` or `videos`), or throws `budgetExhausted`
    /// (counted as refused) without taking anything.
    public func reserve(_ units: Int, call: SearchCall) throws {
        let column = call == .search ? "searches" : "detail_calls"
        let granted = try connection.query("""
            INSERT INTO search_quota_days AS q (provider, day, units_used, \(column))
            SELECT $1, \(Self.today), $2::integer, 1 WHERE $2::integer <= $3::integer
            ON CONFLICT (provider, day) DO UPDATE SET units_used = q.units_used + EXCLUDED.units_used,
              \(column) = q.\(column) + 1
            WHERE q.units_used + EXCLUDED.units_used <= $3::integer AND q.exhausted_at IS NULL
            RETURNING units_used
            """, provider, units, dailyBudget)
        guard granted.isEmpty else { return }
        let usage = try count(refused: true)
        throw YouTubeSearchError(kind: .budgetExhausted(needed: units, remaining: max(0, dailyBudget - usage.unitsUsed)),
                                 resource: "", message: "")
    }

    /// The provider said its quota is spent (its count can differ from ours): no more calls until the next day.
    public func markExhausted() throws {
        try connection.query("""
            INSERT INTO search_quota_days AS q (provider, day, exhausted_at) VALUES ($1, \(Self.today), now())
            ON CONFLICT (provider, day) DO UPDATE SET exhausted_at = COALESCE(q.exhausted_at, now())
            """, provider)
    }

    /// Counts searches answered from the cache (hits) and sent on to the provider (misses): a release's tracks at
    /// once, in one statement, each distinct normalized query once; a hit is also counted for the release its
    /// query was built for (`search_release_queries`).
    public func recordCacheLookups(_ queries: [SearchQuery], answered: Set<String>) throws {
        let asked = Set(queries.map(\.normalized))
        guard !asked.isEmpty else { return }
        let hits = asked.intersection(answered).count
        var hitsByRelease: [Int64: Set<String>] = [:]
        for query in queries where answered.contains(query.normalized) {
            if let release = query.releaseID { hitsByRelease[release, default: []].insert(query.normalized) }
        }
        let day = """
            INSERT INTO search_quota_days AS q (provider, day, cache_hits, cache_misses)
            VALUES ($1, \(Self.today), $2::integer, $3::integer)
            ON CONFLICT (provider, day) DO UPDATE SET cache_hits = q.cache_hits + EXCLUDED.cache_hits,
              cache_misses = q.cache_misses + EXCLUDED.cache_misses
            """
        guard !hitsByRelease.isEmpty else {
            try connection.query(day, provider, hits, asked.count - hits)
            return
        }
        let releases = hitsByRelease.keys.sorted()
        try connection.query("""
            WITH releases AS (
              INSERT INTO search_release_queries AS r (provider, day, release_id, cache_hits)
              SELECT $1, \(Self.today), release_id, hits FROM unnest($4::bigint[], $5::integer[]) AS u(release_id, hits)
              ON CONFLICT (provider, day, release_id) DO UPDATE SET cache_hits = r.cache_hits + EXCLUDED.cache_hits)
            \(day)
            """, provider, hits, asked.count - hits, releases, releases.map { hitsByRelease[$0]?.count ?? 0 })
    }

    /// Counts a search the provider answered for the release its query was built for, with the quota units it
    /// was charged (`search_release_queries`); `countingTheCall` also counts it in the day's searches, for a
    /// provider whose calls are not counted by `reserve` (SoundCloud has no budget to reserve from).
    public func recordAnsweredSearch(_ query: SearchQuery, units: Int, countingTheCall: Bool) throws {
        let day = """
            INSERT INTO search_quota_days AS q (provider, day, searches) VALUES ($1, \(Self.today), 1)
            ON CONFLICT (provider, day) DO UPDATE SET searches = q.searches + 1
            """
        guard let release = query.releaseID else {
            if countingTheCall { try connection.query(day, provider) }
            return
        }
        let perRelease = """
            INSERT INTO search_release_queries AS r (provider, day, release_id, searches, units_used)
            VALUES ($1, \(Self.today), $2, 1, $3::integer)
            ON CONFLICT (provider, day, release_id) DO UPDATE SET searches = r.searches + 1,
              units_used = r.units_used + EXCLUDED.units_used
            """
        try connection.query(countingTheCall ? "WITH release AS (\(perRelease))\n\(day)" : perRelease, provider, release, units)
    }

    /// Today's searches by release: how many releases were searched, the queries per release, and the `top`
    /// releases that took the most queries (sent and cached).
    public func releaseUsage(top: Int) throws -> SearchReleaseUsage {
        guard let totals = try connection.query("""
            SELECT count(*) AS releases, COALESCE(sum(searches), 0)::bigint AS searches,
              COALESCE(sum(cache_hits), 0)::bigint AS cache_hits, COALESCE(sum(units_used), 0)::bigint AS units_used
            FROM search_release_queries WHERE provider = $1 AND day = \(Self.today)
            """, provider).first else {
            throw YouTubeSearchError(kind: .badResponse, resource: "", message: "search_release_queries returned no row")
        }
        let most = try connection.query("""
            SELECT release_id, searches, cache_hits, units_used FROM search_release_queries
            WHERE provider = $1 AND day = \(Self.today)
            ORDER BY searches + cache_hits DESC, units_used DESC, release_id LIMIT $2
            """, provider, max(0, top)).rows.map { row in
            SearchReleaseQueries(releaseID: try row.decode("release_id"), searches: try row.decode("searches"),
                                 cacheHits: try row.decode("cache_hits"), unitsUsed: try row.decode("units_used"))
        }
        return SearchReleaseUsage(releases: try totals.decode("releases"), searches: try totals.decode("searches"),
                                  cacheHits: try totals.decode("cache_hits"), unitsUsed: try totals.decode("units_used"),
                                  most: most)
    }

    /// Today's figures.
    public func usage() throws -> SearchQuotaUsage { try count(refused: false) }

    private func count(refused: Bool) throws -> SearchQuotaUsage {
        let sql = refused
            ? """
              INSERT INTO search_quota_days AS q (provider, day, refused) VALUES ($1, \(Self.today), 1)
              ON CONFLICT (provider, day) DO UPDATE SET refused = q.refused + 1
              RETURNING day::text AS day, units_used, searches, detail_calls, cache_hits, cache_misses, refused,
                exhausted_at IS NOT NULL AS exhausted
              """
            : """
              SELECT \(Self.today)::text AS day, COALESCE(q.units_used, 0) AS units_used, COALESCE(q.searches, 0) AS searches,
                COALESCE(q.detail_calls, 0) AS detail_calls, COALESCE(q.cache_hits, 0) AS cache_hits,
                COALESCE(q.cache_misses, 0) AS cache_misses, COALESCE(q.refused, 0) AS refused,
                q.exhausted_at IS NOT NULL AS exhausted
              FROM (SELECT 1) AS one LEFT JOIN search_quota_days q ON q.provider = $1 AND q.day = \(Self.today)
              """
        guard let row = try connection.query(sql, provider).first else {
            throw YouTubeSearchError(kind: .badResponse, resource: "", message: "search_quota_days returned no row")
        }
        return SearchQuotaUsage(
            provider: provider, day: try row.decode("day"), budget: dailyBudget, unitsUsed: try row.decode("units_used"),
            searches: try row.decode("searches"), detailCalls: try row.decode("detail_calls"),
            cacheHits: try row.decode("cache_hits"), cacheMisses: try row.decode("cache_misses"),
            refused: try row.decode("refused"), exhausted: try row.decode("exhausted"))
    }
}

/// Which API call a reservation pays for.
public enum SearchCall: String, Sendable { case search, videos }

/// One provider's quota day as `rotation search stats` shows it.
public struct SearchQuotaUsage: Codable, Sendable, Equatable {
    public var provider: String
    /// The quota day (America/Los_Angeles), `YYYY-MM-DD`.
    public var day: String
    public var budget: Int
    public var unitsUsed: Int
    public var searches: Int
    public var detailCalls: Int
    public var cacheHits: Int
    public var cacheMisses: Int
    /// Calls not made because the budget had no room.
    public var refused: Int
    /// The provider said the quota is spent (no more calls today).
    public var exhausted: Bool

    enum CodingKeys: String, CodingKey {
        case provider, day, budget, refused, exhausted, searches
        case unitsUsed = "units_used", detailCalls = "detail_calls", cacheHits = "cache_hits", cacheMisses = "cache_misses"
    }
}

/// One release's searches on one provider today.
public struct SearchReleaseQueries: Codable, Sendable, Equatable {
    public var releaseID: Int64
    /// Searches the provider answered.
    public var searches: Int
    /// Searches the search cache answered instead.
    public var cacheHits: Int
    public var unitsUsed: Int

    public init(releaseID: Int64, searches: Int, cacheHits: Int, unitsUsed: Int) {
        self.releaseID = releaseID; self.searches = searches; self.cacheHits = cacheHits; self.unitsUsed = unitsUsed
    }

    enum CodingKeys: String, CodingKey {
        case searches
        case releaseID = "release_id", cacheHits = "cache_hits", unitsUsed = "units_used"
    }
}

/// One provider's searches today, by release (`search_release_queries`).
public struct SearchReleaseUsage: Encodable, Sendable, Equatable {
    /// Releases searched today (by the worker, `rotation search track`).
    public var releases: Int
    public var searches: Int
    public var cacheHits: Int
    public var unitsUsed: Int
    /// The releases that took the most queries, most first.
    public var most: [SearchReleaseQueries]

    /// Queries (sent and cached) per release searched; nil when none was.
    public var queriesPerRelease: Double? { releases > 0 ? Double(searches + cacheHits) / Double(releases) : nil }
    public var searchesPerRelease: Double? { releases > 0 ? Double(searches) / Double(releases) : nil }
    public var unitsPerRelease: Double? { releases > 0 ? Double(unitsUsed) / Double(releases) : nil }

    enum CodingKeys: String, CodingKey {
        case releases, searches, most
        case cacheHits = "cache_hits", unitsUsed = "units_used", queriesPerRelease = "queries_per_release"
        case searchesPerRelease = "searches_per_release", unitsPerRelease = "units_per_release"
    }

    public init(releases: Int, searches: Int, cacheHits: Int, unitsUsed: Int, most: [SearchReleaseQueries]) {
        self.releases = releases; self.searches = searches; self.cacheHits = cacheHits; self.unitsUsed = unitsUsed
        self.most = most
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(releases, forKey: .releases)
        try container.encode(searches, forKey: .searches)
        try container.encode(cacheHits, forKey: .cacheHits)
        try container.encode(unitsUsed, forKey: .unitsUsed)
        try container.encode(queriesPerRelease, forKey: .queriesPerRelease)
        try container.encode(searchesPerRelease, forKey: .searchesPerRelease)
        try container.encode(unitsPerRelease, forKey: .unitsPerRelease)
        try container.encode(most, forKey: .most)
    }
}
