import Foundation
import Postgres
import Redis
import Synchronization

/// The one writer of `match:*` values: the review actions' write-through (`SET ... EX` or `UNLINK`), the worker's
/// results, the read path's re-cache, and the repair of keys it could not write.
///
/// Every write goes through the same three rules: a value is the web app's JSON (`CachedMatch.json`) set with the
/// configured TTL less a random jitter (`setCommand`); after a connection failure Redis is skipped for a while (`RedisBackoff`); and a
/// key whose write failed, or was skipped while Redis backs off, is queued in `cache_repairs` (`CacheRepairQueue`),
/// so a restarted console still repairs it; when Postgres cannot take the entry either, it is kept in memory until
/// it can. Repair unlinks the key rather than rewriting it: a delete can never race a newer write into a stale
/// value, and the next read re-caches from Postgres.
public final class MatchCacheWriter: Sendable {
    /// One server or a cluster: on a cluster each command goes to its key's master, batches grouped by node.
    let redis: (any RedisClient)?
    /// Where repairs are recorded; nil for the worker, which names its own connection with each batch.
    let database: PostgresConnection?
    /// Seconds a written key lives at most.
    public let ttl: Int
    /// Each write's TTL is shortened by a random 0 to this percent (`CACHE_TTL_JITTER_PERCENT`), so that keys written
    /// together (a store warmed at once) do not expire together; never lengthened, so no key outlives `ttl`.
    public let ttlJitterPercent: Int
    let readOnly: Bool
    let backoff = RedisBackoff()
    /// The worker's between-batch repair pass (throttled; the service repairs before its reads and actions).
    private let backgroundRepair = BackgroundCacheRepair()

    private struct RepairState {
        /// Starts true so that the first read or action of a new process looks for repairs left by an earlier one.
        var repairsMayBePending = true
        /// Keys to repair that Postgres could not record yet.
        var unsaved: Set<TrackKey> = []
    }

    private let repairState = Mutex(RepairState())

    init(database: PostgresConnection?, redis: (any RedisClient)?, ttl: Int, ttlJitterPercent: Int, readOnly: Bool) {
        self.database = database
        self.redis = redis
        self.ttl = max(1, ttl)
        self.ttlJitterPercent = min(max(0, ttlJitterPercent), 50)
        self.readOnly = readOnly
    }

    /// The worker's writer: keys whose write failed are recorded on the connection given to `write(_:repairs:)`.
    public convenience init(redis: any RedisClient, ttlSeconds: Int,
                            ttlJitterPercent: Int = RotationSettings.defaultTTLJitterPercent) {
        self.init(database: nil, redis: redis, ttl: ttlSeconds, ttlJitterPercent: ttlJitterPercent, readOnly: false)
    }

    /// The TTL of one write: `ttl` less a random share of at most `ttlJitterPercent`.
    func expirySeconds() -> Int {
        let largestCut = ttl * ttlJitterPercent / 100
        return largestCut > 0 ? ttl - Int.random(in: 0...largestCut) : ttl
    }

    /// Whether Redis is usable right now, as far as the last calls showed.
    var redisUsable: Bool { redis != nil && !backoff.shouldSkip }

    /// The one `SET` of a cache value: the web app's JSON with the TTL; `NX` when `onlyIfAbsent`.
    func setCommand(_ row: TrackMatch, onlyIfAbsent: Bool = false) -> [any RedisArgument] {
        var arguments: [any RedisArgument] = ["SET", row.key.cacheKey, row.cachedValue.json, "EX", expirySeconds()]
        if onlyIfAbsent { arguments.append("NX") }
        return arguments
    }

    private func unlinkCommand(_ key: TrackKey) -> [any RedisArgument] {
        ["UNLINK", key.cacheKey]
    }

    // MARK: Writing

    /// Makes the cache agree with `row` (nil: no row) for `key`: a review action's write-through.
    func apply(_ key: TrackKey, row: TrackMatch?) -> CacheWriteResult {
        guard !readOnly, let redis else { return .skipped }
        let sent = send(for: [key], on: redis) { redis in
            if let row { try redis.command(key: key.cacheKey, setCommand(row)) } else { try redis.unlink([key.cacheKey]) }
        }
        guard sent else { return .repairQueued }
        return row == nil ? .unlinked : .written
    }

    /// Re-caches a row read from Postgres. `NX` unless the value there is garbage (`overwrite`): a review action's
    /// newer write must not be overwritten by this older read. Nothing is tried while Redis backs off: no write was
    /// made, so nothing needs repair.
    func recache(_ row: TrackMatch, overwrite: Bool) {
        guard !readOnly, let redis, !backoff.shouldSkip else { return }
        _ = send(for: [row.key], on: redis) { try $0.command(key: row.key.cacheKey, setCommand(row, onlyIfAbsent: !overwrite)) }
    }

    /// Unlinks many keys in batches, reporting `(done, total)` after each; keys left when Redis fails are queued.
    func unlink(_ keys: [TrackKey], batchSize: Int = 500, progress: (Int, Int) -> Void = { _, _ in }) -> CacheWriteResult {
        guard !readOnly else { return .skipped }
        guard let redis, !keys.isEmpty else { return keys.isEmpty ? .unlinked : .skipped }
        var done = 0
        while done < keys.count {
            let batch = Array(keys[done..<min(done + batchSize, keys.count)])
            guard send(for: batch, on: redis, { try $0.unlink(batch.map(\.cacheKey)) }) else {
                queueRepair(Array(keys[(done + batch.count)...]), reason: "Redis unavailable")
                return .repairQueued
            }
            done += batch.count
            progress(done, keys.count)
        }
        return .unlinked
    }

    /// Writes the values of many rows (an undo of a bulk clear) in pipelined batches.
    func writeValues(_ rows: [TrackMatch], batchSize: Int = 500) -> CacheWriteResult {
        guard !readOnly else { return .skipped }
        guard let redis, !rows.isEmpty else { return rows.isEmpty ? .written : .skipped }
        var done = 0
        while done < rows.count {
            let batch = Array(rows[done..<min(done + batchSize, rows.count)])
            let failed = sendPipeline(batch.map { setCommand($0) }, for: batch.map(\.key), on: redis)
            done += batch.count
            if !failed.isEmpty {
                queueRepair(rows[done...].map(\.key), reason: "Redis unavailable")
                return .repairQueued
            }
        }
        return .written
    }

    /// The worker's results in one pipeline: approved matches are set, keys of tracks stored unapproved are
    /// unlinked so no stale approved value survives. Returns the keys whose update failed (all of them when Redis
    /// is down); they are queued for repair on `repairs` (nil: on the writer's own database, if any).
    @discardableResult
    public func write(_ rows: [TrackMatch], repairs: PostgresConnection? = nil) -> [String] {
        guard !rows.isEmpty, let redis else { return [] }
        let commands = rows.map { $0.approved ? setCommand($0) : unlinkCommand($0.key) }
        return sendPipeline(commands, for: rows.map(\.key), on: redis, repairsOn: repairs).map(\.cacheKey)
    }

    /// Runs `body` (one command, or one UNLINK of many keys) for `keys`; false when it failed (the failure rule
    /// applied).
    private func send(for keys: [TrackKey], on redis: any RedisClient, _ body: (any RedisClient) throws -> Void) -> Bool {
        guard !backoff.shouldSkip else {
            queueRepair(keys, reason: "Redis unavailable")
            return false
        }
        do {
            try body(redis)
            backoff.recordSuccess()
            return true
        } catch {
            writeFailed(keys, error: error)
            return false
        }
    }

    /// Sends `commands` (one per key) in one pipeline; returns the keys whose command failed (the failure rule
    /// applied to them).
    private func sendPipeline(_ commands: [[any RedisArgument]], for keys: [TrackKey], on redis: any RedisClient,
                              repairsOn database: PostgresConnection? = nil) -> [TrackKey] {
        guard !backoff.shouldSkip else {
            queueRepair(keys, reason: "Redis unavailable", on: database)
            return keys
        }
        do {
            let replies = try redis.pipeline(routedBy: keys.map(\.cacheKey), commands)
            backoff.recordSuccess()
            let failed = zip(keys, replies).filter { $0.1.errorMessage != nil }
            if let reply = failed.first?.1.errorMessage {
                queueRepair(failed.map(\.0), reason: reply, on: database)
            }
            return failed.map(\.0)
        } catch {
            writeFailed(keys, error: error, repairsOn: database)
            return keys
        }
    }

    /// The failure rule: a connection problem backs Redis off; every key of the failed write is queued for repair.
    private func writeFailed(_ keys: [TrackKey], error: any Error, repairsOn database: PostgresConnection? = nil) {
        if (error as? RedisError)?.isConnectionProblem ?? true { backoff.recordFailure() }
        queueRepair(keys, reason: "\(error)", on: database)
    }

    // MARK: Repairs

    /// Records keys whose cache value may be stale, on `database` (nil: the writer's own).
    func queueRepair(_ keys: [TrackKey], reason: String, on database: PostgresConnection? = nil) {
        guard !keys.isEmpty, let target = database ?? self.database else { return }
        repairState.withLock { $0.repairsMayBePending = true }
        do {
            try CacheRepairQueue(database: target).record(keys, reason: reason)
        } catch {
            repairState.withLock { $0.unsaved.formUnion(keys) }
        }
    }

    /// True when some key may still need repair (cheap: no I/O).
    public var hasPendingRepairs: Bool {
        repairState.withLock { $0.repairsMayBePending }
    }

    /// Keys queued for repair right now (persisted plus those only in memory).
    public func pendingRepairCount() throws -> Int {
        guard let database else { return 0 }
        let memory = repairState.withLock { $0.unsaved.count }
        return try CacheRepairQueue(database: database).pendingCount() + memory
    }

    /// Unlinks every queued key, oldest first; returns how many were repaired. Throws when Redis or Postgres
    /// fails (what was not repaired stays queued).
    @discardableResult
    public func repairPending(batchSize: Int = 500) throws -> Int {
        guard !readOnly, let redis, let database else { return 0 }
        // The flag drops before the walk, not after it: a key queued during the walk sets it again.
        let memory = repairState.withLock { state in
            let memory = Array(state.unsaved)
            state.unsaved.removeAll()
            state.repairsMayBePending = false
            return memory
        }
        do {
            try saveUnsaved(memory, on: database)
            let repaired = try CacheRepairQueue(database: database).repair(using: redis, batchSize: batchSize)
            backoff.recordSuccess()
            return repaired
        } catch {
            if error is RedisError { backoff.recordFailure() }
            repairState.withLock { $0.repairsMayBePending = true }
            throw error
        }
    }

    /// The worker's pass between batches: keys kept in memory go to the table, then pending repairs (anyone's) are
    /// applied once Redis answers again (`BackgroundCacheRepair`: a probe a second at most). Never throws.
    @discardableResult
    public func repairPending(on database: PostgresConnection) -> Int {
        guard !readOnly, let redis else { return 0 }
        let memory = repairState.withLock { state in
            let memory = Array(state.unsaved)
            state.unsaved.removeAll()
            return memory
        }
        try? saveUnsaved(memory, on: database)
        return backgroundRepair.runIfDue(database: database, redis: redis)
    }

    /// Keys that could not be recorded while Postgres was down go to the table; kept in memory again on failure.
    private func saveUnsaved(_ keys: [TrackKey], on database: PostgresConnection) throws {
        guard !keys.isEmpty else { return }
        do {
            try CacheRepairQueue(database: database).record(keys, reason: "queued while Postgres was down")
        } catch {
            repairState.withLock { $0.unsaved.formUnion(keys) }
            throw error
        }
    }

    /// Repairs when something may be pending and Redis is not known to be down; never throws.
    func repairIfNeeded() {
        guard hasPendingRepairs, redisUsable else { return }
        _ = try? repairPending()
    }
}
