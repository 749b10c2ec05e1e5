import Foundation
import Postgres

/// One `store_sync_log` row: an import or sync of a store's inventory and what the worker matched after it.
public struct StoreSyncEntry: Codable, Sendable, Equatable {
    public var at: Date
    public var listingsProcessed: Int
    public var newReleases: Int
    public var matchesCreated: Int
}

extension ConsoleQueries {
    /// A store's latest syncs, newest first (indexed by store and time).
    public func syncLog(of store: String, limit: Int = 20) throws -> [StoreSyncEntry] {
        try database.query("""
            SELECT last_sync, listings_processed, new_releases_found, audio_matches_created
            FROM store_sync_log WHERE store_username = $1 ORDER BY last_sync DESC LIMIT $2
            """, store, max(1, min(limit, 500))).rows.map { row in
            StoreSyncEntry(
                at: try row.decode("last_sync", as: Date?.self) ?? Date(timeIntervalSince1970: 0),
                listingsProcessed: try row.decode("listings_processed", as: Int?.self) ?? 0,
                newReleases: try row.decode("new_releases_found", as: Int?.self) ?? 0,
                matchesCreated: try row.decode("audio_matches_created", as: Int?.self) ?? 0)
        }
    }
}
