import Foundation
import Postgres

/// Fills the cache the way the web app's visitors do: approved matches read through the service's read path
/// (Redis, else Postgres and re-cached). For the demo, so the cache pane and the cache screen have keys to show.
public enum CacheWarmer {
    /// Reads up to `limit` approved matches, oldest first; returns how many were read.
    @discardableResult
    public static func warm(_ service: MatchService, limit: Int) throws -> Int {
        let rows = try service.database.query(
            "SELECT release_id, track_index FROM track_matches WHERE approved ORDER BY id LIMIT $1", limit).rows
        for row in rows {
            _ = try? service.getOrComputeMatch(TrackKey(releaseID: try row.decode("release_id"),
                                                        trackIndex: try row.decode("track_index")))
        }
        return rows.count
    }
}
