import Foundation
import Postgres
import Redis

/// Writes committed changes through to Redis (`SET ... EX` or `UNLINK`) and repairs the keys it could not write.
///
/// A key whose write failed (Redis down or slow) is queued in the `cache_repairs` table, so a restarted console
/// still repairs it; when Postgres cannot take the entry either, it is kept in memory until it can. Repair
/// unlinks the key rather than rewriting it: a delete can never race a newer write into a stale value, and the
/// next read re-caches from Postgres.
public final class MatchCacheWriter: @unchecked Sendable {
    let database: PostgresConnection
    let redis: RedisConnection?
    /// Seconds a written key lives.
    public let ttl: Int
    let readOnly: Bool
    let backoff = RedisBackoff()

    private let lock = NSLock()
    /// Starts true so that the first read or action of a new process looks for repairs left by an earlier one.
    private var repairsMayBePending = true
    private var unsaved: Set<TrackKey> = []

    init(database: PostgresConnection, redis: RedisConnection?, ttl: Int, readOnly: Bool) {
        self.database = database
        self.redis = redis
        self.ttl = max(1, ttl)
        self.readOnly = readOnly
    }

    /// Whether Redis is usable right now, as far as the last calls showed.
    var redisUsable: Bool { redis != nil && !backoff.shouldSkip }

    /// Makes the cache agree with `row` (nil: no row) for `key`.
    func apply(_ key: TrackKey, row: TrackMatch?) -> CacheWriteResult {
        guard !readOnly else { return .skipped }
        guard let redis else { return .skipped }
        guard !backoff.shouldSkip else {
            queueRepair([key], reason: "Redis unavailable")
            return .repairQueued
        }
        do {
            if let row {
                try redis.set(key.cacheKey, row.cachedValue.json, expireSeconds: ttl)
            } else {
                try redis.unlink([key.cacheKey])
            }
            backoff.recordSuccess()
            return row == nil ? .unlinked : .written
        } catch {
            if (error as? RedisError)?.isConnectionProblem ?? true { backoff.recordFailure() }
            queueRepair([key], reason: "\(error)")
            return .repairQueued
        }
    }

    /// Unlinks many keys in batches, reporting `(done, total)` after each; keys left when Redis fails are queued.
    func unlink(_ keys: [TrackKey], batchSize: Int = 500, progress: (Int, Int) -> Void = { _, _ in }) -> CacheWriteResult {
        guard !readOnly else { return .skipped }
        guard let redis, !keys.isEmpty else { return keys.isEmpty ? .unlinked : .skipped }
        var done = 0
        while done < keys.count {
            let batch = Array(keys[done..<min(done + batchSize, keys.count)])
            if backoff.shouldSkip {
                queueRepair(Array(keys[done...]), reason: "Redis unavailable")
                return .repairQueued
            }
            do {
                try redis.unlink(batch.map(\.cacheKey))
                backoff.recordSuccess()
            } catch {
                backoff.recordFailure()
                queueRepair(Array(keys[done...]), reason: "\(error)")
                return .repairQueued
            }
            done += batch.count
            progress(done, keys.count)
        }
        return .unlinked
    }

    /// Writes the values of many rows (an undo of a bulk clear) in pipelined batches.
    func write(_ rows: [TrackMatch], batchSize: Int = 500) -> CacheWriteResult {
        guard !readOnly else { return .skipped }
        guard let redis, !rows.isEmpty else { return rows.isEmpty ? .written : .skipped }
        var done = 0
        while done < rows.count {
            let batch = Array(rows[done..<min(done + batchSize, rows.count)])
            do {
                guard !backoff.shouldSkip else { throw RedisError.connectionRefused("backing off") }
                let replies = try redis.pipeline(batch.map { ["SET", $0.key.cacheKey, $0.cachedValue.json, "EX", ttl] })
                if let failed = replies.firstIndex(where: { $0.errorMessage != nil }) {
                    throw RedisError.server(replies[failed].errorMessage ?? "SET failed")
                }
                backoff.recordSuccess()
            } catch {
                backoff.recordFailure()
                queueRepair(rows[done...].map(\.key), reason: "\(error)")
                return .repairQueued
            }
            done += batch.count
        }
        return .written
    }

    /// Records keys whose cache value may be stale.
    func queueRepair(_ keys: [TrackKey], reason: String) {
        guard !keys.isEmpty else { return }
        lock.lock(); repairsMayBePending = true; lock.unlock()
        do {
            try saveRepairs(keys, reason: reason)
        } catch {
            lock.lock(); unsaved.formUnion(keys); lock.unlock()
        }
    }

    private func saveRepairs(_ keys: [TrackKey], reason: String) throws {
        try Self.recordRepairs(keys, reason: reason, on: database)
    }

    /// Records in `cache_repairs` keys whose cache value may be stale, for the next repair pass of any process.
    /// For writers outside the service (the matching worker); the service itself calls `queueRepair`.
    public static func recordRepairs(_ keys: [TrackKey], reason: String, on database: PostgresConnection) throws {
        try CacheRepairQueue(database: database).record(keys, reason: reason)
    }

    /// True when some key may still need repair (cheap: no I/O).
    public var hasPendingRepairs: Bool {
        lock.lock(); defer { lock.unlock() }
        return repairsMayBePending
    }

    /// Keys queued for repair right now (persisted plus those only in memory).
    public func pendingRepairCount() throws -> Int {
        lock.lock(); let memory = unsaved.count; lock.unlock()
        return try CacheRepairQueue(database: database).pendingCount() + memory
    }

    /// Unlinks every queued key, oldest first; returns how many were repaired. Throws when Redis or Postgres
    /// fails (what was not repaired stays queued).
    @discardableResult
    public func repairPending(batchSize: Int = 500) throws -> Int {
        guard !readOnly, let redis else { return 0 }
        // The flag drops before the walk, not after it: a key queued during the walk sets it again.
        lock.lock(); let memory = Array(unsaved); unsaved.removeAll(); repairsMayBePending = false; lock.unlock()
        do {
            return try repairQueued(memory, redis: redis, batchSize: batchSize)
        } catch {
            lock.lock(); repairsMayBePending = true; lock.unlock()
            throw error
        }
    }

    private func repairQueued(_ memory: [TrackKey], redis: RedisConnection, batchSize: Int) throws -> Int {
        if !memory.isEmpty {
            do { try saveRepairs(memory, reason: "queued while Postgres was down") } catch {
                lock.lock(); unsaved.formUnion(memory); lock.unlock()
                throw error
            }
        }
        do {
            let repaired = try CacheRepairQueue(database: database).repair(using: redis, batchSize: batchSize)
            backoff.recordSuccess()
            return repaired
        } catch let error as RedisError {
            backoff.recordFailure()
            throw error
        }
    }

    /// Repairs when something may be pending and Redis is not known to be down; never throws.
    func repairIfNeeded() {
        guard hasPendingRepairs, redisUsable else { return }
        _ = try? repairPending()
    }
}
