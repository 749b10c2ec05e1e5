import Foundation
import Postgres

/// Admin: rewrites confidences stored on the 0-100 scale (the web app's engine) into [0, 1]. Each row is its own
/// decision through `rotation_review_decide`'s 'normalize_confidence' (migration 0007): guarded by the
/// `updated_at` read just before, logged in `match_reviews`, written through to the cache, and undone like any
/// single-track decision.
extension ReviewActions {
    /// Rewrites one row's confidence into [0, 1] (87 -> 0.87). `noMatch` when there is no row or it is in [0, 1].
    @discardableResult
    public func normalizeConfidence(_ key: TrackKey, seen: ReviewGuard, reviewer: String) throws -> ReviewOutcome {
        try decide(.normalizeConfidence, key, seen: seen, reviewer: reviewer)
    }

    /// The rows `normalizeConfidences` would rewrite: how many, and the first few.
    public func planNormalizeConfidences(sampleSize: Int = 10) throws -> BulkActionPlan {
        try plan(where: StoredConfidence.sqlIsPercent("confidence"), sampleSize: sampleSize)
    }

    /// Rewrites every row stored on the 0-100 scale, in batches read in key order; each row is guarded by the
    /// `updated_at` of its batch's read. A row changed meanwhile is a conflict, skipped and counted; one no longer
    /// above 1 (or gone) is skipped. `progress(done, total)` follows the rows.
    public func normalizeConfidences(
        reviewer: String, batchSize: Int = 500, progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> ConfidenceNormalization {
        if service.readOnly { throw ReviewError.readOnly }
        var result = ConfidenceNormalization()
        let total = try planNormalizeConfidences(sampleSize: 0).rows
        var done = 0
        var last: TrackKey?
        while true {
            let batch = try service.withDatabase { db in
                try db.query("""
                    SELECT \(TrackMatch.columns) FROM track_matches
                    WHERE \(StoredConfidence.sqlIsPercent("confidence"))
                      AND ($1::bigint IS NULL OR (release_id, track_index) > ($1::bigint, $2::integer))
                    ORDER BY release_id, track_index LIMIT $3
                    """, last?.releaseID, last?.trackIndex, max(1, batchSize)).rows.map(TrackMatch.init(row:))
            }
            for row in batch {
                do {
                    let outcome = try normalizeConfidence(row.key, seen: .seen(row), reviewer: reviewer)
                    result.rewritten += 1
                    if outcome.cache == .repairQueued { result.cacheRepairsQueued += 1 }
                } catch ReviewError.conflict(let conflict) {
                    result.conflicts.append(conflict)
                } catch ReviewError.noMatch {
                    result.skipped += 1
                }
                done += 1
                progress(done, max(total, done))
            }
            guard batch.count == max(1, batchSize), let next = batch.last?.key else { break }
            last = next
        }
        return result
    }
}

/// What `normalizeConfidences` did.
public struct ConfidenceNormalization: Codable, Sendable {
    /// Rows rewritten into [0, 1], each a logged decision.
    public var rewritten = 0
    /// Rows someone changed between the read and the rewrite: left alone.
    public var conflicts: [ReviewConflict] = []
    /// Rows gone or already in [0, 1] by the time of the rewrite.
    public var skipped = 0
    /// Rewritten rows whose cache write failed (Redis unreachable): queued for repair.
    public var cacheRepairsQueued = 0
}
