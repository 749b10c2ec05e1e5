import Foundation
import Postgres
import Redis

/// Writes the worker's results through to Redis: approved matches are `SET` with the TTL, and keys of tracks the
/// worker stored unapproved are removed so no stale approved value survives. It uses the match service's pieces:
/// values are `CachedMatch` JSON (the web app's exact format), Redis is skipped for a while after a failure
/// (`RedisBackoff`), and keys whose write failed go to the service's `cache_repairs` table
/// (`MatchCacheWriter.recordRepairs`), so its repair pass covers the worker's keys too.
public struct WorkerCacheWriter: Sendable {
    public let redis: RedisConnection
    public let ttlSeconds: Int
    private let backoff = RedisBackoff()
    private let repairs = BackgroundCacheRepair()

    public init(redis: RedisConnection, ttlSeconds: Int) {
        self.redis = redis; self.ttlSeconds = ttlSeconds
    }

    /// Sends one pipeline for all rows. Keys whose update failed (all of them when Redis is down) are returned
    /// and, when `repairs` is given, recorded for repair, whose pass unlinks them once Redis is back, so no stale
    /// value survives. After a connection failure Redis is skipped for a few seconds rather than waiting out a
    /// connect timeout on every batch.
    @discardableResult
    public func write(_ rows: [TrackMatch], repairs: PostgresConnection? = nil) -> [String] {
        guard !rows.isEmpty else { return [] }
        var failed: [TrackMatch] = []
        if backoff.shouldSkip {
            failed = rows
        } else {
            let commands: [[any RedisArgument]] = rows.map { row in
                row.approved ? ["SET", row.key.cacheKey, row.cachedValue.json, "EX", ttlSeconds] : ["UNLINK", row.key.cacheKey]
            }
            do {
                let replies = try redis.pipeline(commands)
                backoff.recordSuccess()
                failed = zip(rows, replies).compactMap { row, reply in
                    if case .error = reply { return row }
                    return nil
                }
            } catch {
                backoff.recordFailure()
                failed = rows
            }
        }
        if let repairs, !failed.isEmpty { recordRepairs(failed.map(\.key), on: repairs) }
        return failed.map(\.key.cacheKey)
    }

    /// Applies the repairs pending in `cache_repairs` (anyone's: a console's, this worker's earlier batches) once
    /// Redis answers again; called between batches (`BackgroundCacheRepair`: a probe a second at most, skipped
    /// while Redis is backing off). Never throws.
    @discardableResult
    public func repairPending(on db: PostgresConnection) -> Int {
        repairs.runIfDue(database: db, redis: redis)
    }

    private func recordRepairs(_ keys: [TrackKey], on db: PostgresConnection) {
        // The table belongs to the match service (migration 0004); without it there is nobody to repair keys.
        guard (try? db.query("SELECT to_regclass('cache_repairs') IS NOT NULL").scalar(Bool.self)) == true else { return }
        try? MatchCacheWriter.recordRepairs(keys, reason: "worker write-through failed", on: db)
    }
}
