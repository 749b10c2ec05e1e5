import Foundation
import Postgres

/// Admin clears: every match of a release or of a store, deleted in one logged statement, then exactly the keys
/// of those rows unlinked in batches.
extension ReviewActions {
    /// What `clearRelease` would delete.
    public func planClearRelease(_ releaseID: Int64, sampleSize: Int = 10) throws -> BulkActionPlan {
        try plan(where: "release_id = $1", releaseID, sampleSize: sampleSize)
    }

    /// What `clearStore` would delete.
    public func planClearStore(_ store: String, sampleSize: Int = 10) throws -> BulkActionPlan {
        try plan(where: "release_id IN (SELECT discogs_id FROM releases WHERE store_username = $1)", store, sampleSize: sampleSize)
    }

    /// How many rows of `track_matches` match `condition` (with `parameters` as `$1`…) and the first few.
    func plan(where condition: String, _ parameters: any PostgresEncodable..., sampleSize: Int) throws -> BulkActionPlan {
        try service.withDatabase { db in
            let count = try db.query("SELECT count(*) FROM track_matches WHERE \(condition)", parameters: parameters)
                .scalar(Int.self)
            let sample = try db.query("""
                SELECT \(TrackMatch.columns) FROM track_matches WHERE \(condition)
                ORDER BY release_id, track_index LIMIT $\(parameters.count + 1)
                """, parameters: parameters + [sampleSize]).rows.map(TrackMatch.init(row:))
            return BulkActionPlan(rows: count, sample: sample)
        }
    }

    /// Deletes every match of one release. `progress(done, total)` follows the cache unlinks.
    @discardableResult
    public func clearRelease(
        _ releaseID: Int64, reviewer: String, progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> ReviewOutcome {
        try bulkClear(.clearRelease, release: releaseID, store: nil, reviewer: reviewer, progress: progress)
    }

    /// Deletes every match of every release of one store.
    @discardableResult
    public func clearStore(
        _ store: String, reviewer: String, progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> ReviewOutcome {
        try bulkClear(.clearStore, release: nil, store: store, reviewer: reviewer, progress: progress)
    }

    /// Runs the clear in `rotation_review_bulk_clear` (migration 0010, admins only): the rows deleted and logged
    /// as one decision, then exactly their keys unlinked.
    private func bulkClear(
        _ action: ReviewAction, release: Int64?, store: String?, reviewer: String, progress: (Int, Int) -> Void
    ) throws -> ReviewOutcome {
        if service.readOnly { throw ReviewError.readOnly }
        let requestID = UUID()
        let rows: [PostgresRow]
        do {
            rows = try service.withDatabase { db in
                try db.query("""
                    SELECT review_id, logged_at, release_id, track_index
                    FROM rotation_review_bulk_clear($1::text, $2::bigint, $3::text, $4::text, $5::uuid)
                    """, action.rawValue, release, store, reviewer, requestID.uuidString).rows
            }
        } catch let error as PostgresError {
            if error.kind == .connectionLost && !Self.serverTerminatedBeforeCommit(error) { return try resolveLostBulk(requestID: requestID, action: action, reviewer: reviewer, error: error) }
            throw translate(error)
        }
        let keys = try rows.map {
            TrackKey(releaseID: try $0.decode("release_id", as: Int64.self), trackIndex: try $0.decode("track_index", as: Int.self))
        }
        let cache = service.cacheWriter.unlink(keys, progress: progress)
        return ReviewOutcome(
            reviewID: try rows.first?.decode("review_id", as: Int64?.self) ?? 0, action: action, reviewer: reviewer,
            key: nil, before: nil, after: nil, loggedAt: try rows.first?.decode("logged_at", as: Date?.self),
            cache: cache, rowsAffected: keys.count, rowsSkipped: 0, undoes: nil, resolvedAfterConnectionLoss: false)
    }

    private func resolveLostBulk(requestID: UUID, action: ReviewAction, reviewer: String, error: PostgresError) throws -> ReviewOutcome {
        let logged: PostgresRow?
        do {
            logged = try service.withDatabase { db in
                try db.query("SELECT id, created_at, row_before FROM match_reviews WHERE request_id = $1::uuid",
                             requestID.uuidString).first
            }
        } catch {
            throw ReviewError.outcomeUnknown("\(error)")
        }
        guard let logged else {
            throw ReviewError.databaseUnavailable("the connection was lost and the clear did not commit: \(error.message)")
        }
        let rows = try BulkRows.decode(logged.decode("row_before", as: PostgresJSON?.self))
        let cache = service.cacheWriter.unlink(rows.map(\.key))
        return ReviewOutcome(
            reviewID: try logged.decode("id", as: Int64.self), action: action, reviewer: reviewer, key: nil, before: nil,
            after: nil, loggedAt: try logged.decode("created_at", as: Date?.self), cache: cache, rowsAffected: rows.count,
            rowsSkipped: 0, undoes: nil, resolvedAfterConnectionLoss: true)
    }
}

/// The rows of a bulk decision as logged (a JSON array of `track_matches` rows).
enum BulkRows {
    static func decode(_ json: PostgresJSON?) throws -> [TrackMatch] {
        guard let json, json.text != "null" else { return [] }
        return try RowJSON.decoder.decode([TrackMatch].self, from: Data(json.text.utf8))
    }
}
