import Foundation
import Postgres

/// One sync or import of a store's inventory (a `store_sync_runs` row), with the matches workers created after it.
public struct StoreSyncEntry: Codable, Sendable, Equatable {
    public var at: Date
    /// `sync` or `import`.
    public var source: String
    public var listingsProcessed: Int
    public var newReleases: Int
    /// Matches created by the run itself (the seeder's) and by worker runs until the store's next sync or import.
    public var matchesCreated: Int
}

extension ReviewQueries {
    /// A store's latest syncs and imports, newest first, from our per-run history `store_sync_runs` (the shared
    /// `store_sync_log` holds one cumulative row per store). Worker runs are not listed: their matches are added to
    /// the sync or import they followed.
    public func syncLog(of store: String, limit: Int = 20) throws -> [StoreSyncEntry] {
        try database.query("""
            WITH refreshes AS (
              SELECT finished_at, source, listings_processed, new_releases_found, audio_matches_created,
                     lead(finished_at) OVER (ORDER BY finished_at, id) AS next_finished_at
              FROM store_sync_runs WHERE store_username = $1 AND source <> 'worker'
            )
            SELECT r.finished_at, r.source, r.listings_processed, r.new_releases_found,
                   r.audio_matches_created + COALESCE((
                     SELECT sum(w.audio_matches_created) FROM store_sync_runs w
                     WHERE w.store_username = $1 AND w.source = 'worker' AND w.finished_at >= r.finished_at
                       AND (r.next_finished_at IS NULL OR w.finished_at < r.next_finished_at)), 0)::bigint AS matches
            FROM refreshes r ORDER BY r.finished_at DESC LIMIT $2
            """, store, max(1, min(limit, 500))).rows.map { row in
            StoreSyncEntry(
                at: try row.decode("finished_at", as: Date.self),
                source: try row.decode("source", as: String.self),
                listingsProcessed: try row.decode("listings_processed", as: Int.self),
                newReleases: try row.decode("new_releases_found", as: Int.self),
                matchesCreated: try row.decode("matches", as: Int.self))
        }
    }
}
