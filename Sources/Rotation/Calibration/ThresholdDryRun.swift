import Foundation
import Matching
import Postgres

/// How many pending tracks a store holds at or above a proposed auto-approve threshold.
public struct PendingAtThreshold: Codable, Sendable, Hashable {
    /// The release's store; nil when `releases` has no row for the release.
    public var store: String?
    public var tracks: Int

    public init(store: String?, tracks: Int) {
        self.store = store
        self.tracks = tracks
    }
}

/// What a proposed auto-approve threshold would do to the matches pending now: how many are at or above it, by
/// store. Reads only. A threshold is configuration: changing it approves nothing by itself (the worker applies it to
/// the releases it matches from then on), so this answers "how many of today's pending tracks would it have
/// approved", by confidence alone (the policy's ambiguity and version rules may still hold some of them back).
public struct ThresholdDryRun: Codable, Sendable, Hashable {
    public var threshold: Double
    public var pendingTotal: Int
    public var atOrAboveThreshold: Int
    public var byStore: [PendingAtThreshold]

    enum CodingKeys: String, CodingKey {
        case threshold, pendingTotal = "pending_total", atOrAboveThreshold = "at_or_above_threshold"
        case byStore = "by_store"
    }

    public init(threshold: Double, pendingTotal: Int, byStore: [PendingAtThreshold]) {
        self.threshold = threshold
        self.pendingTotal = pendingTotal
        self.byStore = byStore
        atOrAboveThreshold = byStore.reduce(0) { $0 + $1.tracks }
    }

    /// Counts over the partial index of unapproved rows; a confidence stored on the 0-100 scale is read as a
    /// percentage (`StoredConfidence`).
    public static func measure(threshold: Double, database: PostgresConnection) throws -> ThresholdDryRun {
        let rows = try database.query("""
            SELECT r.store_username AS store, count(*) AS tracks
            FROM track_matches m LEFT JOIN releases r ON r.discogs_id = m.release_id
            WHERE m.approved = false AND \(StoredConfidence.sqlAtLeast("m.confidence", "$1::real"))
            GROUP BY r.store_username ORDER BY tracks DESC, store NULLS LAST
            """, threshold).rows
        let byStore = try rows.map {
            PendingAtThreshold(store: try $0.decode("store", as: String?.self), tracks: try $0.decode("tracks", as: Int.self))
        }
        let pending = try database.query("SELECT count(*) FROM track_matches WHERE approved = false").scalar(Int.self)
        return ThresholdDryRun(threshold: threshold, pendingTotal: pending, byStore: byStore)
    }
}
