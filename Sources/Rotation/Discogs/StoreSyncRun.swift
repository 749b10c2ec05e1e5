import Foundation
import Postgres

/// One run of ours that touched a store: an inventory sync, an import, or a worker batch that created matches.
/// Recorded twice: added to the store's one cumulative `store_sync_log` row (the web app's shape: `UNIQUE
/// (store_username)`, counters summed as its `update_sync_stats` does), and kept as a row of `store_sync_runs`, the
/// per-run history the console's sync log reads.
public struct StoreSyncRun: Sendable, Equatable {
    /// What kind of run it was (`store_sync_runs.source`).
    public enum Source: String, Sendable, Codable, CaseIterable {
        case sync, `import`, worker

        /// Whether the run refreshed the store's inventory, and so moves `store_sync_log.last_sync`: a worker
        /// batch only adds the matches it created, so that the web app still sees when the store was last synced.
        var refreshesInventory: Bool { self != .worker }
    }

    public var store: String
    public var source: Source
    public var listingsProcessed = 0
    public var newReleasesFound = 0
    public var audioMatchesCreated = 0

    public init(store: String, source: Source, listingsProcessed: Int = 0, newReleasesFound: Int = 0,
                audioMatchesCreated: Int = 0) {
        self.store = store; self.source = source; self.listingsProcessed = listingsProcessed
        self.newReleasesFound = newReleasesFound; self.audioMatchesCreated = audioMatchesCreated
    }

    /// Adds the run to the store's cumulative row and appends it to the history, in one statement. `finishedAt`
    /// backdates it (the synthetic seeder); by default it finished now.
    public func record(on db: PostgresConnection, finishedAt: Date? = nil) throws {
        try db.query("""
            WITH cumulative AS (
              INSERT INTO store_sync_log (store_username, listings_processed, new_releases_found, audio_matches_created,
                                          last_sync)
              VALUES ($1, $3, $4, $5, COALESCE($6::timestamptz, NOW()))
              ON CONFLICT (store_username) DO UPDATE SET
                listings_processed = COALESCE(store_sync_log.listings_processed, 0) + EXCLUDED.listings_processed,
                new_releases_found = COALESCE(store_sync_log.new_releases_found, 0) + EXCLUDED.new_releases_found,
                audio_matches_created = COALESCE(store_sync_log.audio_matches_created, 0) + EXCLUDED.audio_matches_created,
                last_sync = CASE WHEN $7 THEN EXCLUDED.last_sync ELSE store_sync_log.last_sync END
              RETURNING 1
            )
            INSERT INTO store_sync_runs (store_username, source, listings_processed, new_releases_found,
                                         audio_matches_created, finished_at)
            SELECT $1, $2, $3, $4, $5, COALESCE($6::timestamptz, NOW()) FROM cumulative
            """, store, source.rawValue, listingsProcessed, newReleasesFound, audioMatchesCreated, finishedAt,
            source.refreshesInventory)
    }
}
