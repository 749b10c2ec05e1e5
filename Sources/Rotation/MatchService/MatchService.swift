import Foundation
import Postgres
import Redis
import Synchronization

/// The read path over the two tiers and the state the review actions share with it.
///
/// `getOrComputeMatch` asks Redis, then Postgres (re-caching what it finds), then the compute tier, and says which
/// answered. Cache values are read tolerantly: an unusable one is a reported miss. All calls block on the network:
/// run them off the UI thread.
public final class MatchService: Sendable {
    public let database: PostgresConnection
    /// One server or a cluster (`RedisClient`); nil runs without a cache.
    public let redis: (any RedisClient)?
    public let readOnly: Bool
    /// The service's own `match:*` hits and misses, for the cache pane.
    public let counters = MatchCacheCounters()
    /// The fleet's per-minute lookup counters in Redis (`LookupCounters`); nil without a cache, and in read-only mode
    /// (no Redis writes there).
    public let lookupCounters: LookupCounters?
    public let cacheWriter: MatchCacheWriter
    let computer: (any TrackMatchComputing)?

    /// The last call's Postgres connection problem; nil once a call succeeds.
    private let lastPostgresFailure = Mutex<String?>(nil)

    /// `redis` nil runs without a cache (reads go to Postgres, nothing is written to Redis).
    public init(
        database: PostgresConnection, redis: (any RedisClient)?, cacheTTL: Int = 86_400,
        ttlJitterPercent: Int = RotationSettings.defaultTTLJitterPercent, readOnly: Bool = false,
        computer: (any TrackMatchComputing)? = nil
    ) {
        self.database = database
        self.redis = redis
        self.readOnly = readOnly || database.configuration.readOnly
        self.computer = computer
        lookupCounters = self.readOnly ? nil : redis.map { LookupCounters(redis: $0) }
        cacheWriter = MatchCacheWriter(database: database, redis: redis, ttl: cacheTTL, ttlJitterPercent: ttlJitterPercent,
                                       readOnly: self.readOnly)
    }

    /// Connects to the tiers named by `settings` (Redis optional: one server or a cluster; Postgres required).
    public convenience init(settings: RotationSettings, computer: (any TrackMatchComputing)? = nil) throws {
        let database = try TierConnections.openPrimary(settings, purpose: "rotation review")
        let redis = try TierConnections.openRedis(settings)
        self.init(database: database, redis: redis, cacheTTL: settings.cacheTTL, ttlJitterPercent: settings.cacheTTLJitterPercent,
                  readOnly: settings.readOnly, computer: computer)
    }

    /// False after a call found Postgres unreachable, until one succeeds again.
    public var postgresReachable: Bool {
        lastPostgresFailure.withLock { $0 == nil }
    }

    /// Runs a database call, keeping track of whether Postgres is reachable.
    func withDatabase<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        do {
            let value = try body(database)
            lastPostgresFailure.withLock { $0 = nil }
            return value
        } catch let error as PostgresError where error.isConnectionProblem {
            lastPostgresFailure.withLock { $0 = error.description }
            throw error
        }
    }

    // MARK: Reading

    /// The match of one track and the tier that answered. Every answered lookup is counted in the fleet's counters
    /// (`LookupCounters`: in memory now, in Redis a moment later), with what the cache said and how long it took.
    public func getOrComputeMatch(_ key: TrackKey) throws -> MatchLookup {
        let started = ContinuousClock.now
        var cacheResult: LookupResult?
        let lookup = try lookUp(key, cacheResult: &cacheResult)
        lookupCounters?.record(cacheResult, duration: ContinuousClock.now - started)
        return lookup
    }

    private func lookUp(_ key: TrackKey, cacheResult: inout LookupResult?) throws -> MatchLookup {
        // With Postgres known down a repair would only wait out a connect timeout before the cached answer.
        if postgresReachable { cacheWriter.repairIfNeeded() }
        var cacheProblem: String?
        var overwriteCache = false
        if let redis, !cacheWriter.backoff.shouldSkip {
            do {
                switch CachedMatchDecoder.decode(try redis.getBytes(key.cacheKey)) {
                case .value(let value):
                    cacheWriter.backoff.recordSuccess()
                    counters.recordHit()
                    cacheResult = .hit
                    return MatchLookup(key: key, tier: .cache, match: value, row: nil, stale: !postgresReachable)
                case .missing:
                    counters.recordMiss()
                    cacheResult = .miss
                case .invalid(let reason):
                    counters.recordInvalid(key: key.cacheKey, reason: reason)
                    cacheResult = .invalid
                    cacheProblem = "unusable cache value for \(key.cacheKey): \(reason)"
                    overwriteCache = true
                }
                cacheWriter.backoff.recordSuccess()
            } catch {
                cacheWriter.backoff.recordFailure()
                cacheProblem = "Redis unavailable: \(error)"
            }
        } else if redis != nil {
            cacheProblem = "Redis unavailable (retrying later)"
        }

        let row: TrackMatch?
        do {
            row = try self.row(key)
        } catch {
            throw MatchReadError(redis: cacheProblem, postgres: "\(error)")
        }
        if let row {
            cacheWriter.recache(row, overwrite: overwriteCache)
            return MatchLookup(key: key, tier: .database, match: row.cachedValue, row: row, stale: false, cacheProblem: cacheProblem)
        }
        guard let computer, let computed = try computer.computeMatch(for: key) else {
            return MatchLookup(key: key, tier: computer == nil ? .database : .computed, match: nil, row: nil, stale: false,
                               cacheProblem: cacheProblem)
        }
        let stored = readOnly ? nil : try store(computed, for: key)
        if let stored { cacheWriter.recache(stored, overwrite: overwriteCache) }
        let value = stored?.cachedValue ?? CachedMatch(platform: computed.platform, matchURL: computed.matchURL,
                                                       confidence: computed.confidence, approved: computed.approved,
                                                       verifiedBy: nil, verifiedAt: Date())
        return MatchLookup(key: key, tier: .computed, match: value, row: stored, stale: false, cacheProblem: cacheProblem)
    }

    /// The `track_matches` row of one track, from Postgres.
    public func row(_ key: TrackKey) throws -> TrackMatch? {
        try withDatabase { db in
            try db.query("SELECT \(TrackMatch.columns) FROM track_matches WHERE release_id = $1 AND track_index = $2",
                         key.releaseID, key.trackIndex).first.map(TrackMatch.init(row:))
        }
    }

    /// The cache value of one track, read tolerantly (no counters, no fallback).
    public func cachedValue(_ key: TrackKey) throws -> CacheReadOutcome {
        guard let redis else { return .missing }
        return CachedMatchDecoder.decode(try redis.getBytes(key.cacheKey))
    }

    /// Stores a computed match unless a row appeared meanwhile, and returns the row that is there.
    private func store(_ computed: ComputedMatch, for key: TrackKey) throws -> TrackMatch? {
        try withDatabase { db in
            // The matcher's row: it may refresh it later, until someone else writes it (MatcherOwnership).
            let inserted = try db.query("""
                WITH written AS (
                  INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved)
                  VALUES ($1, $2, $3, $4, $5::real, $6) ON CONFLICT (release_id, track_index) DO NOTHING
                  RETURNING \(TrackMatch.columns)
                ), \(MatcherOwnership.recordWritten(from: "written"))
                SELECT * FROM written
                """, key.releaseID, key.trackIndex, computed.platform, computed.matchURL, computed.confidence, computed.approved)
            if let row = inserted.first { return try TrackMatch(row: row) }
            return try row(key)
        }
    }

    /// Unlinks cache keys left stale by writes that happened while Redis was down. Returns how many.
    @discardableResult
    public func repairCache() throws -> Int {
        try cacheWriter.repairPending()
    }
}
