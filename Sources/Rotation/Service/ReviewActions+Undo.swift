import Foundation
import Postgres

/// Undo: reverses the reviewer's latest decision that is not undone yet, as a new logged decision. Repeated, it
/// walks back through older decisions (several levels). An undo is itself never undone by `undo`.
extension ReviewActions {
    @discardableResult
    public func undo(reviewer: String) throws -> ReviewOutcome {
        if service.readOnly { throw ReviewError.readOnly }
        do {
            return try service.withDatabase { db in try undoInTransaction(db, reviewer: reviewer) }
        } catch let error as PostgresError {
            if error.kind == .connectionLost && !Self.serverTerminatedBeforeCommit(error) {
                throw ReviewError.outcomeUnknown("the connection was lost during the undo; reload to see whether it applied")
            }
            if error.kind == .uniqueViolation {
                // Someone else (the same reviewer in another console) undid it first.
                throw ReviewError.nothingToUndo(reviewer: reviewer)
            }
            throw translate(error)
        }
    }

    private struct Target {
        var id: Int64
        var action: ReviewAction
        var key: TrackKey?
        var before: PostgresJSON?
        var after: PostgresJSON?
    }

    private func undoInTransaction(_ db: PostgresConnection, reviewer: String) throws -> ReviewOutcome {
        var restoredRows: [TrackMatch] = []
        var outcome = try db.transaction { tx -> ReviewOutcome in
            guard let found = try tx.query("""
                SELECT id, action, release_id, track_index, row_before, row_after FROM match_reviews r
                WHERE reviewer = $1 AND action <> 'undo'
                  AND NOT EXISTS (SELECT 1 FROM match_reviews u WHERE u.undoes = r.id)
                ORDER BY id DESC LIMIT 1
                """, reviewer).first
            else { throw ReviewError.nothingToUndo(reviewer: reviewer) }
            let action = ReviewAction(rawValue: try found.decode("action", as: String.self)) ?? .clear
            let release = try found.decode("release_id", as: Int64?.self)
            let track = try found.decode("track_index", as: Int?.self)
            let target = Target(
                id: try found.decode("id", as: Int64.self), action: action,
                key: release.flatMap { r in track.map { TrackKey(releaseID: r, trackIndex: $0) } },
                before: try found.decode("row_before", as: PostgresJSON?.self),
                after: try found.decode("row_after", as: PostgresJSON?.self))
            if action.isBulk {
                return try undoBulk(tx, target: target, reviewer: reviewer, restored: &restoredRows)
            }
            guard let key = target.key else { throw ReviewError.nothingToUndo(reviewer: reviewer) }
            return try undoSingle(tx, target: target, key: key, reviewer: reviewer)
        }
        if let key = outcome.key {
            outcome.cache = service.cacheWriter.apply(key, row: outcome.after)
        } else {
            outcome.cache = service.cacheWriter.write(restoredRows)
        }
        return outcome
    }

    private func undoSingle(_ tx: PostgresConnection, target: Target, key: TrackKey, reviewer: String) throws -> ReviewOutcome {
        let current = try tx.query("""
            SELECT \(TrackMatch.columns) FROM track_matches WHERE release_id = $1 AND track_index = $2 FOR UPDATE
            """, key.releaseID, key.trackIndex).first.map(TrackMatch.init(row:))
        let expected = try TrackMatch.fromJSON(target.after)
        let unchanged: Bool
        switch (current, expected) {
        case (nil, nil): unchanged = true
        case let (now?, then?): unchanged = now.hasSameContent(as: then)
        default: unchanged = false
        }
        guard unchanged else { throw ReviewError.conflict(try conflict(for: key, current: current)) }

        let before = try TrackMatch.fromJSON(target.before)
        var restored: TrackMatch?
        if let before {
            restored = try tx.query("""
                INSERT INTO track_matches AS t (id, release_id, track_index, platform, match_url, confidence, approved,
                                                verified_by, verified_at, created_at, updated_at)
                VALUES (\(current == nil ? "$1" : "DEFAULT"), $2, $3, $4, $5, $6::real, $7, $8, $9::timestamptz,
                        $10::timestamptz, now())
                ON CONFLICT (release_id, track_index) DO UPDATE
                  SET platform = EXCLUDED.platform, match_url = EXCLUDED.match_url, confidence = EXCLUDED.confidence,
                      approved = EXCLUDED.approved, verified_by = EXCLUDED.verified_by,
                      verified_at = EXCLUDED.verified_at, updated_at = now()
                RETURNING \(TrackMatch.columns)
                """, before.id, key.releaseID, key.trackIndex, before.platform, before.matchURL,
                before.storedConfidence.stored,  // as stored: an undo of a normalization brings 87 back
                before.approved, before.verifiedBy, before.verifiedAt, before.createdAt).first.map(TrackMatch.init(row:))
            if target.action == .reject || target.action == .rejectWithReplacement {
                try tx.query("DELETE FROM match_rejections WHERE release_id = $1 AND track_index = $2 AND match_url = $3",
                             key.releaseID, key.trackIndex, before.matchURL)
            }
        } else if current != nil {
            try tx.query("DELETE FROM track_matches WHERE release_id = $1 AND track_index = $2", key.releaseID, key.trackIndex)
        }
        let logged = try tx.query("""
            INSERT INTO match_reviews (reviewer, action, release_id, track_index, store_username, row_before, row_after,
                                       cache_after, undoes)
            SELECT $1, 'undo', $2, $3, (SELECT store_username FROM releases WHERE discogs_id = $2), $4::jsonb, $5::jsonb,
                   CASE WHEN $5::jsonb IS NULL THEN NULL
                        ELSE rotation_cache_value(jsonb_populate_record(NULL::track_matches, $5::jsonb)) END,
                   $6
            RETURNING id, created_at
            """, reviewer, key.releaseID, key.trackIndex, try current.map(RowJSON.json),
            try restored.map(RowJSON.json), target.id).first
        return ReviewOutcome(
            reviewID: try logged?.decode("id", as: Int64.self) ?? 0, action: .undo, reviewer: reviewer, key: key,
            before: current, after: restored, loggedAt: try logged?.decode("created_at", as: Date?.self), cache: .skipped,
            rowsAffected: 1, rowsSkipped: 0, undoes: target.id, resolvedAfterConnectionLoss: false)
    }

    /// Restores the rows a bulk clear deleted, except tracks that have a match again (those are skipped).
    private func undoBulk(_ tx: PostgresConnection, target: Target, reviewer: String, restored: inout [TrackMatch]) throws -> ReviewOutcome {
        let rows = try BulkRows.decode(target.before)
        let result = try tx.query("""
            WITH restored AS (
              INSERT INTO track_matches (id, release_id, track_index, platform, match_url, confidence, approved,
                                         verified_by, verified_at, created_at, updated_at)
              SELECT id, release_id, track_index, platform, match_url, confidence, approved, verified_by, verified_at,
                     created_at, now()
              FROM jsonb_populate_recordset(NULL::track_matches, $1::jsonb)
              ON CONFLICT DO NOTHING
              RETURNING *
            ), logged AS (
              INSERT INTO match_reviews (reviewer, action, release_id, store_username, row_after, undoes)
              SELECT $2, 'undo', r.release_id, r.store_username,
                     (SELECT jsonb_agg(to_jsonb(x) ORDER BY x.release_id, x.track_index) FROM restored x), $3
              FROM match_reviews r WHERE r.id = $3
              RETURNING id, created_at
            )
            SELECT (SELECT id FROM logged) AS review_id, (SELECT created_at FROM logged) AS logged_at,
                   (SELECT coalesce(jsonb_agg(to_jsonb(x)), '[]'::jsonb) FROM restored x) AS restored
            """, target.before ?? PostgresJSON("[]"), reviewer, target.id).first
        restored = try BulkRows.decode(result?.decode("restored", as: PostgresJSON?.self))
        return ReviewOutcome(
            reviewID: try result?.decode("review_id", as: Int64?.self) ?? 0, action: .undo, reviewer: reviewer,
            key: nil, before: nil, after: nil, loggedAt: try result?.decode("logged_at", as: Date?.self), cache: .skipped,
            rowsAffected: restored.count, rowsSkipped: rows.count - restored.count, undoes: target.id,
            resolvedAfterConnectionLoss: false)
    }
}
