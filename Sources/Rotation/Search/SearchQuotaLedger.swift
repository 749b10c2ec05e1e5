import Foundation
import Postgres

/// A search provider's daily quota, shared by every worker and command through Postgres (`search_quota_days`).
/// Units are reserved before a call, in one statement that refuses to exceed the budget, so concurrent callers
/// never overspend; the day is the date in America/Los_Angeles, as YouTube's quota resets at midnight Pacific.
/// A reservation is not given back when the call fails: YouTube charges failed calls too.
public struct SearchQuotaLedger: Sendable {
    public let connection: PostgresConnection
    public let provider: String
    public let dailyBudget: Int

    public init(connection: PostgresConnection, provider: String, dailyBudget: Int) {
        self.connection = connection; self.provider = provider; self.dailyBudget = dailyBudget
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

    /// Counts searches answered from the cache (hits) and sent to the provider (misses): a release's tracks at
    /// once, in one statement.
    public func recordCacheLookups(hits: Int, misses: Int) throws {
        guard hits > 0 || misses > 0 else { return }
        try connection.query("""
            INSERT INTO search_quota_days AS q (provider, day, cache_hits, cache_misses)
            VALUES ($1, \(Self.today), $2::integer, $3::integer)
            ON CONFLICT (provider, day) DO UPDATE SET cache_hits = q.cache_hits + EXCLUDED.cache_hits,
              cache_misses = q.cache_misses + EXCLUDED.cache_misses
            """, provider, hits, misses)
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
