import Foundation
import Postgres

/// Search answers kept in Postgres (`search_results`) by provider and normalized query, so that searching a track
/// again within the TTL costs no quota. An entry older than the TTL is not answered and is replaced by the next
/// search.
public struct SearchResultCache: Sendable {
    public let connection: PostgresConnection
    public let provider: String
    public let ttlSeconds: Double

    public init(connection: PostgresConnection, provider: String, ttlSeconds: Double) {
        self.connection = connection; self.provider = provider; self.ttlSeconds = ttlSeconds
    }

    /// The uploads cached for `query` within the TTL (counting the hit), or nil.
    public func lookup(_ query: SearchQuery) throws -> [YouTubeVideo]? { try lookup(query, as: YouTubeVideo.self) }

    /// The same for any provider's uploads (`SoundCloudTrack`...): each provider has its own entries.
    public func lookup<Upload: Decodable>(_ query: SearchQuery, as type: Upload.Type) throws -> [Upload]? {
        try lookup([query], as: type)[query.normalized]
    }

    /// The uploads cached within the TTL for each of `queries`, by normalized query, in one statement (counting
    /// each hit): a release's tracks cost one round trip, not one each. A query without a fresh entry is absent.
    public func lookup<Upload: Decodable>(_ queries: [SearchQuery], as type: Upload.Type) throws -> [String: [Upload]] {
        let keys = Array(Set(queries.map(\.normalized))).sorted()
        guard !keys.isEmpty else { return [:] }
        var found: [String: [Upload]] = [:]
        for row in try connection.query("""
            UPDATE search_results SET hits = hits + 1
            WHERE provider = $1 AND normalized_query = ANY($2::text[])
              AND fetched_at > now() - make_interval(secs => $3::double precision)
            RETURNING normalized_query, results::text AS results
            """, provider, keys, ttlSeconds).rows {
            let text: String = try row.decode("results")
            // Written by another version or by hand: a miss, searched again and replaced.
            guard let uploads = try? JSONDecoder().decode([Upload].self, from: Data(text.utf8)) else { continue }
            found[try row.decode("normalized_query")] = uploads
        }
        return found
    }

    /// Keeps the uploads a search answered for `query` (in its order, with durations and channels), replacing an older entry.
    public func store(_ query: SearchQuery, videos: [YouTubeVideo]) throws { try store(query, uploads: videos) }

    /// The same for any provider's uploads.
    public func store<Upload: Encodable>(_ query: SearchQuery, uploads: [Upload]) throws {
        let json = String(decoding: try JSONEncoder().encode(uploads), as: UTF8.self)
        try connection.query("""
            INSERT INTO search_results (provider, normalized_query, query, results, fetched_at, hits)
            VALUES ($1, $2, $3, $4::jsonb, now(), 0)
            ON CONFLICT (provider, normalized_query) DO UPDATE
              SET query = EXCLUDED.query, results = EXCLUDED.results, fetched_at = now(), hits = 0
            """, provider, query.normalized, query.text, json)
    }

    /// How many queries are cached and fresh, and how often they answered.
    public func summary() throws -> SearchCacheSummary {
        guard let row = try connection.query("""
            SELECT count(*) FILTER (WHERE fetched_at > now() - make_interval(secs => $2::double precision)) AS fresh,
              count(*) AS total, COALESCE(sum(hits), 0)::bigint AS hits
            FROM search_results WHERE provider = $1
            """, provider, ttlSeconds).first else { return SearchCacheSummary(fresh: 0, total: 0, hits: 0) }
        return SearchCacheSummary(fresh: try row.decode("fresh"), total: try row.decode("total"), hits: try row.decode("hits"))
    }
}

/// The cached queries of one provider.
public struct SearchCacheSummary: Codable, Sendable, Equatable {
    /// Queries whose answer is within the TTL.
    public var fresh: Int
    public var total: Int
    /// Times cached answers were used, over the entries kept.
    public var hits: Int
}
