import Foundation
import Postgres
import Redis
import Synchronization

/// The `cache_repairs` table: keys whose cache value may be stale because a write-through failed (Redis down or
/// paused), and the one home of "apply pending repairs". Every Rotation process that runs anyway applies them
/// through here: the match service before its reads and actions, the console's live feeds and the worker as soon
/// as Redis answers again, and `rotation cache repair` on demand.
///
/// A repair unlinks the key rather than rewriting it: a delete can never race a newer write into a stale value, and
/// the next read re-caches from Postgres.
public struct CacheRepairQueue: Sendable {
    public let database: PostgresConnection

    public init(database: PostgresConnection) {
        self.database = database
    }

    /// Records keys whose cache value may be stale (a key already queued gets the newer time and reason).
    public func record(_ keys: [TrackKey], reason: String) throws {
        for start in stride(from: 0, to: keys.count, by: 5000) {
            let batch = keys[start..<min(start + 5000, keys.count)]
            try database.query("""
                INSERT INTO cache_repairs (release_id, track_index, reason)
                SELECT DISTINCT r, t, $3 FROM unnest($1::bigint[], $2::integer[]) AS u(r, t)
                ON CONFLICT (release_id, track_index) DO UPDATE SET queued_at = now(), reason = EXCLUDED.reason
                """, batch.map(\.releaseID), batch.map(\.trackIndex), String(reason.prefix(500)))
        }
    }

    /// Whether any key waits for repair (one indexed probe: cheap enough to ask every second).
    public func hasPending() throws -> Bool {
        try database.query("SELECT EXISTS (SELECT 1 FROM cache_repairs)").scalar(Bool.self)
    }

    public func pendingCount() throws -> Int {
        try database.query("SELECT count(*) FROM cache_repairs").scalar(Int.self)
    }

    /// Why the pending keys were queued, most frequent first.
    public func pendingReasons(limit: Int = 10) throws -> [CacheRepairReason] {
        try database.query("""
            SELECT COALESCE(reason, 'unknown') AS reason, count(*) AS keys FROM cache_repairs
            GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $1
            """, limit).rows.map { CacheRepairReason(reason: try $0.decode("reason"), keys: try $0.decode("keys")) }
    }

    /// Unlinks every queued key, oldest first, in batches; returns how many were repaired. Throws when Redis or
    /// Postgres fails: what was not repaired stays queued (an entry queued again meanwhile stays too).
    @discardableResult
    public func repair(using redis: any RedisClient, batchSize: Int = 500) throws -> Int {
        var repaired = 0
        while true {
            let rows = try database.query("""
                SELECT release_id, track_index, queued_at::text AS queued_at FROM cache_repairs
                ORDER BY queued_at, release_id, track_index LIMIT $1
                """, batchSize).rows
            if rows.isEmpty { break }
            let keys = try rows.map {
                TrackKey(releaseID: try $0.decode("release_id", as: Int64.self), trackIndex: try $0.decode("track_index", as: Int.self))
            }
            try redis.unlink(keys.map(\.cacheKey))
            let stamps = try rows.map { try $0.decode("queued_at", as: String.self) }
            // An entry queued again after it was read stays, for the next round.
            try database.query("""
                DELETE FROM cache_repairs c USING unnest($1::bigint[], $2::integer[], $3::timestamptz[]) AS u(r, t, q)
                WHERE c.release_id = u.r AND c.track_index = u.t AND c.queued_at <= u.q
                """, keys.map(\.releaseID), keys.map(\.trackIndex), stamps)
            repaired += keys.count
            if rows.count < batchSize { break }
        }
        return repaired
    }

    /// Repairs everything it can and says what is left and why: `rotation cache repair`. Never throws for a server
    /// that is down; the report carries the error.
    public func repairReport(using redis: (any RedisClient)?) -> CacheRepairReport {
        var report = CacheRepairReport()
        if let redis {
            do {
                report.repaired = try repair(using: redis)
            } catch {
                report.error = "\(error)"
            }
        } else {
            report.error = "no Redis configured (REDIS_URL)"
        }
        do {
            let pending = try pendingCount()
            report.pending = pending
            report.reasons = pending > 0 ? try pendingReasons() : []
        } catch {
            report.pending = nil
            report.error = [report.error, "cannot count the pending repairs: \(error)"].compactMap { $0 }.joined(separator: "; ")
        }
        return report
    }
}

/// One reason keys were queued for repair, with how many keys it covers.
public struct CacheRepairReason: Codable, Sendable, Equatable {
    public var reason: String
    public var keys: Int
}

/// What a repair pass did: keys repaired, keys still pending (nil when Postgres could not say) and why.
public struct CacheRepairReport: Codable, Sendable, Equatable {
    public var repaired = 0
    public var pending: Int? = 0
    public var reasons: [CacheRepairReason] = []
    /// Why the pass stopped early (Redis or Postgres unreachable), else nil.
    public var error: String?

    /// True when nothing is left to repair.
    public var complete: Bool { pending == 0 }
}

/// Applies pending repairs from a process that runs anyway (the console's live feeds, the worker between batches),
/// so a key left stale while Redis was down or paused is repaired within seconds of Redis answering again, with
/// no reviewer action. Cheap while nothing is pending (one indexed probe per `interval`); after a Redis failure it
/// waits (`RedisBackoff`, 1 s doubling up to 4 s) instead of stalling its caller on a timeout every time, short
/// enough that a long outage is still repaired within seconds of its end.
public final class BackgroundCacheRepair: Sendable {
    private let interval: TimeInterval
    private let backoff = RedisBackoff(maximumDelay: 4)
    private let lastProbe = Mutex<Date?>(nil)

    /// At most one probe of the table per `interval` seconds.
    public init(interval: TimeInterval = 1) {
        self.interval = interval
    }

    /// Repairs pending keys when the interval has passed, something is pending and Redis is not known to be down.
    /// Returns how many keys were repaired (0 when nothing was due); never throws.
    @discardableResult
    public func runIfDue(database: PostgresConnection, redis: any RedisClient, now: Date = Date()) -> Int {
        let due = lastProbe.withLock { lastProbe in
            if let last = lastProbe, now.timeIntervalSince(last) < interval { return false }
            lastProbe = now
            return true
        }
        guard due else { return 0 }
        guard !backoff.shouldSkip else { return 0 }
        let queue = CacheRepairQueue(database: database)
        guard (try? queue.hasPending()) == true else { return 0 }
        do {
            let repaired = try queue.repair(using: redis)
            backoff.recordSuccess()
            return repaired
        } catch {
            if (error as? RedisError)?.isConnectionProblem == true { backoff.recordFailure() }
            return 0
        }
    }
}
