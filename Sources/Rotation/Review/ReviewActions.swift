import Foundation
import Matching
import Postgres
import Redis

/// The review decisions of DESIGN section 4. Each is one Postgres statement or transaction that changes the row
/// and appends its `match_reviews` entry together, guarded by the `updated_at` the reviewer saw; then the cache is
/// written through (`SET ... EX`) or unlinked. A failed guard changes nothing and says who changed the row and when.
/// A connection lost during the commit is resolved by re-reading the log before anything is reported. Every write
/// runs in a database function (migration 0010: SECURITY DEFINER, fixed search_path) that logs the database login
/// beside `reviewer`; a login that is not an admin must pass its own login as `reviewer`.
public final class ReviewActions: Sendable {
    public let service: MatchService
    var database: PostgresConnection { service.database }

    public init(service: MatchService) {
        self.service = service
    }

    // MARK: Single-track decisions

    /// Approves the stored match: approved, verified by `reviewer`, now.
    @discardableResult
    public func approve(_ key: TrackKey, seen: ReviewGuard, reviewer: String) throws -> ReviewOutcome {
        try decide(.approve, key, seen: seen, reviewer: reviewer)
    }

    /// Marks the stored match as needing review again (approved = false).
    @discardableResult
    public func markNeedsReview(_ key: TrackKey, seen: ReviewGuard, reviewer: String) throws -> ReviewOutcome {
        try decide(.needsReview, key, seen: seen, reviewer: reviewer)
    }

    /// Removes the match without remembering its URL.
    @discardableResult
    public func clear(_ key: TrackKey, seen: ReviewGuard, reviewer: String) throws -> ReviewOutcome {
        try decide(.clear, key, seen: seen, reviewer: reviewer)
    }

    /// Rejects the stored match: its URL is remembered (never proposed again for this track) and the row is
    /// deleted. With `replacement`, the given URL is stored approved in its place instead.
    @discardableResult
    public func reject(
        _ key: TrackKey, seen: ReviewGuard, reviewer: String, replacement: String? = nil, confidence: Double = 1.0
    ) throws -> ReviewOutcome {
        guard let replacement else {
            return try decide(.reject, key, seen: seen, reviewer: reviewer)
        }
        let recording = try Self.recording(replacement)
        try checkConfidence(confidence)
        return try decide(.rejectWithReplacement, key, seen: seen, reviewer: reviewer,
                          replacement: Replacement(platform: recording.platform.rawValue, url: recording.url,
                                                   confidence: confidence))
    }

    /// Stores `url` as the approved match of the track (whether or not it had one), with manual confidence.
    @discardableResult
    public func replace(
        _ key: TrackKey, url: String, confidence: Double = 1.0, seen: ReviewGuard, reviewer: String
    ) throws -> ReviewOutcome {
        let recording = try Self.recording(url)
        try checkConfidence(confidence)
        return try decide(.replace, key, seen: seen, reviewer: reviewer,
                          replacement: Replacement(platform: recording.platform.rawValue, url: recording.url,
                                                   confidence: confidence))
    }

    /// The URL as it will be stored and its platform, or `ReviewError.invalidURL` with `RecordingURL`'s reason.
    private static func recording(_ url: String) throws -> (url: String, platform: Platform) {
        switch RecordingURL.validate(url) {
        case .valid(let stored, let platform): return (stored, platform)
        case .invalid(let reason): throw ReviewError.invalidURL(reason)
        }
    }

    private func checkConfidence(_ confidence: Double) throws {
        guard confidence.isFinite, (0...1).contains(confidence) else { throw ReviewError.invalidConfidence(confidence) }
    }

    /// The URL a replace or reject-with-replacement stores.
    struct Replacement {
        var platform: String
        var url: String
        var confidence: Double
    }

    /// Runs one decision through `rotation_review_decide` (migrations 0004, 0007, 0010): the guard, the row change,
    /// the rejection and the log entry in one statement, so in one implicit transaction. Then the cache. The request
    /// id finds the decision again after a lost connection (the function returns a logged id's first outcome).
    func decide(
        _ action: ReviewAction, _ key: TrackKey, seen: ReviewGuard, reviewer: String, replacement: Replacement? = nil
    ) throws -> ReviewOutcome {
        try refuseWhenReadOnly()
        if service.postgresReachable { service.cacheWriter.repairIfNeeded() }
        let requestID = UUID()
        let cacheBefore = cacheSnapshot(key)
        let (guardMode, guardTime) = guardParameters(seen)
        let parameters: [any PostgresEncodable] = [
            key.releaseID, key.trackIndex, guardMode, guardTime, reviewer, action.rawValue, cacheBefore,
            requestID.uuidString, replacement?.platform, replacement?.url, replacement?.confidence,
        ]
        let result: PostgresRow
        do {
            guard let row = try service.withDatabase({
                try $0.query("""
                    SELECT passed, had_row, row_before, row_after, review_id, logged_at
                    FROM rotation_review_decide($1::bigint, $2::integer, $3::text, $4::timestamptz, $5::text, $6::text,
                                                $7::jsonb, $8::uuid, $9::text, $10::text, $11::real)
                    """, parameters: parameters)
            }).first else {
                throw PostgresError(.server, message: "the review function returned no row")
            }
            result = row
        } catch let error as PostgresError {
            if error.kind == .connectionLost && !Self.serverTerminatedBeforeCommit(error) {
                return try resolveLostCommit(requestID: requestID, action: action, key: key, reviewer: reviewer, error: error)
            }
            throw translate(error)
        }
        let before = try TrackMatch.fromJSON(result.decode("row_before", as: PostgresJSON?.self))
        guard try result.decode("passed", as: Bool.self) else {
            // No row before means one appeared under a replace: show the one that is there now.
            throw ReviewError.conflict(try conflict(for: key, current: try before ?? service.row(key)))
        }
        guard let reviewID = try result.decode("review_id", as: Int64?.self) else {
            throw ReviewError.noMatch(key)
        }
        let afterRow = try TrackMatch.fromJSON(result.decode("row_after", as: PostgresJSON?.self))
        let cache = service.cacheWriter.apply(key, row: afterRow)
        return ReviewOutcome(
            reviewID: reviewID, action: action, reviewer: reviewer, key: key, before: before, after: afterRow,
            loggedAt: try result.decode("logged_at", as: Date?.self), cache: cache, rowsAffected: 1, rowsSkipped: 0,
            undoes: nil, resolvedAfterConnectionLoss: false)
    }

    private func guardParameters(_ seen: ReviewGuard) -> (String, String?) {
        switch seen {
        case .none: ("none", nil)
        case .absent: ("absent", nil)
        case .updatedAt(let date): ("at", PostgresTimestamp.format(date))
        case .rowWithoutUpdatedAt: ("at", nil)
        }
    }

    /// The cache value before the action, for the log (JSON; an unusable value is logged as text).
    private func cacheSnapshot(_ key: TrackKey) -> PostgresJSON? {
        guard let redis = service.redis, service.cacheWriter.redisUsable else { return nil }
        do {
            guard let bytes = try redis.getBytes(key.cacheKey) else { return nil }
            switch CachedMatchDecoder.decode(bytes) {
            case .value(let value): return PostgresJSON(value.json)
            case .missing: return nil
            case .invalid(let reason):
                return try? PostgresJSON(encoding: ["unusable": reason])
            }
        } catch {
            service.cacheWriter.backoff.recordFailure()
            return nil
        }
    }

    private func refuseWhenReadOnly() throws {
        if service.readOnly { throw ReviewError.readOnly }
    }

    /// Maps the database's refusals to what a reviewer is told.
    func translate(_ error: PostgresError) -> Error {
        switch error.kind {
        case .readOnlyTransaction: ReviewError.readOnly
        case .insufficientPrivilege: ReviewError.notPermitted(error.message)
        case .connectionFailed, .connectionLost: ReviewError.databaseUnavailable(error.message)
        default: error
        }
    }

    /// The server said it terminated the session (shutdown, crash of another backend, starting up): whatever the
    /// statement did was rolled back, so there is nothing to re-read.
    static func serverTerminatedBeforeCommit(_ error: PostgresError) -> Bool {
        // The client drops the SQLSTATE once the connection is gone, so the server's message is checked too.
        ["57P01", "57P02", "57P03"].contains(error.sqlState ?? "")
            || ["terminating connection due to administrator command", "terminating connection because of crash",
                "the database system is shutting down"].contains { error.message.contains($0) }
    }

    /// The commit's answer was lost with the connection: the log says whether it happened.
    private func resolveLostCommit(
        requestID: UUID, action: ReviewAction, key: TrackKey?, reviewer: String, error: PostgresError
    ) throws -> ReviewOutcome {
        let logged: PostgresRow?
        do {
            logged = try service.withDatabase { db in
                try db.query("""
                    SELECT id, created_at, row_before, row_after, undoes FROM match_reviews WHERE request_id = $1::uuid
                    """, requestID.uuidString).first
            }
        } catch {
            throw ReviewError.outcomeUnknown("\(error)")
        }
        guard let logged else {
            throw ReviewError.databaseUnavailable("the connection was lost and the change did not commit: \(error.message)")
        }
        let after = try TrackMatch.fromJSON(logged.decode("row_after", as: PostgresJSON?.self))
        let cache = key.map { service.cacheWriter.apply($0, row: after) } ?? .skipped
        return ReviewOutcome(
            reviewID: try logged.decode("id", as: Int64.self), action: action, reviewer: reviewer, key: key,
            before: try? TrackMatch.fromJSON(logged.decode("row_before", as: PostgresJSON?.self)), after: after,
            loggedAt: try logged.decode("created_at", as: Date?.self), cache: cache, rowsAffected: 1, rowsSkipped: 0,
            undoes: try logged.decode("undoes", as: Int64?.self), resolvedAfterConnectionLoss: true)
    }

    /// Who changed the row last: our latest logged decision when it made the current state (its `created_at`
    /// equals the row's `updated_at`, both being the transaction's `now()`), else the row's own `verified_by`.
    func conflict(for key: TrackKey, current: TrackMatch?) throws -> ReviewConflict {
        let latest = try database.query("""
            SELECT reviewer, action, created_at FROM match_reviews
            WHERE release_id = $1 AND track_index = $2 ORDER BY id DESC LIMIT 1
            """, key.releaseID, key.trackIndex).first
        let reviewer = try latest?.decode("reviewer", as: String.self)
        let action = try latest?.decode("action", as: String.self)
        let loggedAt = try latest?.decode("created_at", as: Date?.self)
        guard let current else {
            return ReviewConflict(key: key, current: nil, changedBy: reviewer, changedAt: loggedAt, action: action)
        }
        if let loggedAt, let updatedAt = current.updatedAt, abs(loggedAt.timeIntervalSince(updatedAt)) < 0.000_001 {
            return ReviewConflict(key: key, current: current, changedBy: reviewer, changedAt: loggedAt, action: action)
        }
        return ReviewConflict(key: key, current: current, changedBy: current.verifiedBy, changedAt: current.updatedAt, action: nil)
    }
}
