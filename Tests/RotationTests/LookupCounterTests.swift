import Foundation
import LocalServers
import Postgres
import Redis
import Rotation
import Synchronization
import XCTest

/// The fleet's per-minute lookup counters (`LookupCounters`, `FleetLookups`) on a private Redis of their own, so no
/// other test's lookups land in the totals.
final class LookupCounterTests: XCTestCase {
    private var servers: LocalServers!
    private var redisURL = ""

    override func setUpWithError() throws {
        servers = try LocalServers.start(postgres: false, redis: true)
        redisURL = try XCTUnwrap(servers.redisURL)
    }

    override func tearDown() {
        servers?.stop()
        servers = nil
    }

    private static let value = #"{"platform":"youtube","match_url":"https://www.youtube.com/watch?v=abc","confidence":0.9,"approved":true,"verified_at":"2024-01-01T00:00:00.000Z"}"#

    private func counterKeys(_ redis: RedisConnection) throws -> [String] {
        var keys: [String] = []
        try redis.scanAllKeyBytes(match: LookupCounterKeys.prefix + "*", count: 100, type: nil) { batch in
            keys += batch.map { String(decoding: $0, as: UTF8.self) }
            return true
        }
        return keys
    }

    /// Several readers, each with its own service and connections as separate processes would have, read known hit,
    /// miss and garbage keys at once: the fleet's totals are exact.
    func testConcurrentReadersCountExactTotals() throws {
        let (databaseURL, _) = try TestDatabase.fresh()
        let redis = try RedisConnection(url: redisURL)
        let release = Int64.random(in: 1_000_000_000...9_000_000_000)
        let hitKeys = (0..<5).map { TrackKey(releaseID: release, trackIndex: $0) }
        let missKeys = (5..<8).map { TrackKey(releaseID: release, trackIndex: $0) }
        let garbageKeys = (8..<10).map { TrackKey(releaseID: release, trackIndex: $0) }
        for key in hitKeys { try redis.set(key.cacheKey, Self.value, expireSeconds: 3600) }
        // No row in Postgres: the read path has nothing to repair them with, so every read finds the garbage again.
        for key in garbageKeys { try redis.set(key.cacheKey, "{not json", expireSeconds: 3600) }

        let readers = 4, rounds = 6
        let services = try (0..<readers).map { _ in
            MatchService(database: try PostgresConnection(url: databaseURL), redis: try RedisConnection(url: redisURL))
        }
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: readers) { reader in
            for _ in 0..<rounds {
                for key in hitKeys + missKeys + garbageKeys {
                    do {
                        let lookup = try services[reader].getOrComputeMatch(key)
                        if hitKeys.contains(key) != (lookup.tier == .cache) {
                            failures.withLock { $0.append("\(key.cacheKey) answered by \(lookup.tier)") }
                        }
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                }
            }
        }
        XCTAssertEqual(failures.withLock { $0 }, [])
        for service in services { XCTAssertTrue(try XCTUnwrap(service.lookupCounters).flush()) }

        let fleet = try FleetLookups.read(from: redis)
        let reads = readers * rounds
        XCTAssertEqual(fleet.total.hits, reads * hitKeys.count)
        XCTAssertEqual(fleet.total.misses, reads * (missKeys.count + garbageKeys.count))
        XCTAssertEqual(fleet.total.invalid, reads * garbageKeys.count)
        XCTAssertEqual(fleet.total.lookups, reads * 10)
        XCTAssertGreaterThan(fleet.total.lookupMicroseconds, 0)
        XCTAssertEqual(fleet.hitRate, 0.5)
        XCTAssertEqual(fleet.invalidRate, 0.2)
        XCTAssertEqual(fleet.minutes.count, 60)
        XCTAssertTrue(try counterKeys(redis).allSatisfy { $0.hasPrefix("rotation:{lookups}:") })
    }

    /// Every counter key carries an expiry a little over an hour past its minute; counts older than the window are
    /// never written, and a key whose minute is long past is gone.
    func testCounterKeysExpireAndNothingOlderThanTheHourIsWritten() throws {
        let redis = try RedisConnection(url: redisURL)
        let now = Date()
        let clock = Mutex(now.addingTimeInterval(-75 * 60))
        let counters = LookupCounters(redis: redis, flushDelay: 3600, clock: { clock.withLock { $0 } })
        counters.record(.hit, duration: .milliseconds(2))
        clock.withLock { $0 = now }
        XCTAssertTrue(counters.flush(), "counts older than the window are dropped, not an error")
        XCTAssertEqual(try counterKeys(redis), [], "a minute 75 minutes ago is past the hour: nothing written")

        clock.withLock { $0 = now.addingTimeInterval(-50 * 60) }
        counters.record(.miss, duration: .milliseconds(3))
        clock.withLock { $0 = now }
        counters.record(.hit, duration: .milliseconds(1))
        XCTAssertTrue(counters.flush())
        let keys = try counterKeys(redis)
        XCTAssertEqual(keys.count, 2)
        for key in keys {
            guard let ttl = try redis.ttl(key).seconds else { return XCTFail("\(key) has no expiry") }
            XCTAssertGreaterThan(ttl, 0)
            XCTAssertLessThanOrEqual(ttl, LookupCounterKeys.retentionSeconds + 60)
        }
        let fleet = try FleetLookups.read(from: redis, now: now)
        XCTAssertEqual(fleet.total.hits, 1)
        XCTAssertEqual(fleet.total.misses, 1)
        XCTAssertEqual(fleet.total.lookupMicroseconds, 4_000, "3 ms and 1 ms; the dropped 2 ms are not in it")
        XCTAssertEqual(fleet.meanLookupMilliseconds, 2)

        // A minute whose expiry has passed (written by a process whose clock is far behind) is deleted at once.
        let old = LookupCounterKeys.minute(of: now) - 120
        _ = try redis.pipeline([["HINCRBY", LookupCounterKeys.key(minute: old), "hits", 1],
                                ["EXPIREAT", LookupCounterKeys.key(minute: old), LookupCounterKeys.expiry(minute: old)]])
        XCTAssertFalse(try redis.exists(LookupCounterKeys.key(minute: old)))
    }

    /// A counter Redis refuses (here a key of the wrong type) does not fail the lookup: the reader gets its answer,
    /// the counts are dropped and the problem is noted.
    func testACounterFailureDoesNotFailTheRead() throws {
        let (databaseURL, _) = try TestDatabase.fresh()
        let redis = try RedisConnection(url: redisURL)
        let key = TrackKey(releaseID: Int64.random(in: 1_000_000_000...9_000_000_000), trackIndex: 0)
        try redis.set(key.cacheKey, Self.value, expireSeconds: 3600)
        let minute = LookupCounterKeys.minute(of: Date())
        for taken in [minute, minute + 1] { try redis.set(LookupCounterKeys.key(minute: taken), "not a hash", expireSeconds: 600) }

        let service = MatchService(database: try PostgresConnection(url: databaseURL), redis: try RedisConnection(url: redisURL))
        let lookup = try service.getOrComputeMatch(key)
        XCTAssertEqual(lookup.tier, .cache)
        XCTAssertEqual(lookup.match?.matchURL, "https://www.youtube.com/watch?v=abc")
        let counters = try XCTUnwrap(service.lookupCounters)
        XCTAssertFalse(counters.flush())
        XCTAssertTrue(try XCTUnwrap(counters.problem).contains("WRONGTYPE"), counters.problem ?? "")
        XCTAssertTrue(counters.flush(), "refused counts are dropped, not sent again")
    }

    /// Counters whose Redis cannot be reached keep their counts (this hour's) for the next flush.
    func testUnreachableCountersKeepTheirCountsForTheNextFlush() throws {
        let dead = RedisConnection(configuration: try RedisConfiguration(url: "redis://127.0.0.1:\(try LocalServers.freePort())"))
        let counters = LookupCounters(redis: dead, flushDelay: 3600)
        counters.record(.hit, duration: .milliseconds(1))
        counters.record(.miss, duration: .milliseconds(1))
        XCTAssertFalse(counters.flush())
        XCTAssertNotNil(counters.problem)

        // The same counts, once a reachable Redis takes them (a second client over the live server).
        let live = LookupCounters(redis: try RedisConnection(url: redisURL), flushDelay: 3600)
        live.record(.hit, duration: .milliseconds(1))
        XCTAssertTrue(live.flush())
        XCTAssertNil(live.problem)
        XCTAssertFalse(counters.flush(), "still unreachable: still kept")
        XCTAssertEqual(try FleetLookups.read(from: try RedisConnection(url: redisURL)).total.hits, 1)
    }

    /// Reading the counters (60 keys a read) leaves the server-wide hit rate to everyone else's reads: the keys that
    /// exist are found with `MEMORY USAGE` (which counts nothing) and the sampler takes its own reads out.
    func testReadingTheCountersDoesNotMoveTheServerWideHitRate() throws {
        let redis = try RedisConnection(url: redisURL)
        let now = LookupCounterKeys.minute(of: Date())
        for minute in [now - 20, now - 10, now - 2, now - 1] {
            _ = try redis.pipeline([["HINCRBY", LookupCounterKeys.key(minute: minute), "hits", 5],
                                    ["EXPIRE", LookupCounterKeys.key(minute: minute), 600]])
        }
        let sampler = CacheStatsSampler(redis: redis, fleetReadInterval: 0)
        XCTAssertEqual(try sampler.sample(startScan: false).fleet?.total.hits, 20)
        try redis.set("match:1:0", "x", expireSeconds: 60)
        for _ in 0..<3 { _ = try redis.get("match:1:0") }
        _ = try redis.get("match:1:1")
        let stats = try sampler.sample(startScan: false)
        XCTAssertEqual(stats.fleet?.total.hits, 20)
        XCTAssertEqual(stats.serverHitRate, 0.75)
        XCTAssertEqual(try sampler.sample(startScan: false).serverHitRate, nil, "nothing but our own reads in between")
    }

    /// A read-only service writes nothing to Redis, counters included.
    func testReadOnlyServiceDoesNotCount() throws {
        let (databaseURL, _) = try TestDatabase.fresh()
        let service = MatchService(database: try PostgresConnection(url: databaseURL), redis: try RedisConnection(url: redisURL),
                                   readOnly: true)
        XCTAssertNil(service.lookupCounters)
    }
}

/// The same counters when `REDIS_URL` names a cluster: every minute's key on the one slot of its hash tag, the hour
/// read back in one pipeline, the totals exact.
final class LookupCounterClusterTests: XCTestCase {
    func testCountersLiveOnOneSlotOfAClusterAndAddUp() throws {
        let cluster = try LocalServers.startRedisCluster()
        defer { cluster.stop() }
        let (databaseURL, _) = try TestDatabase.fresh()
        let redis = try RedisDeployment.connect(url: cluster.url)
        XCTAssertTrue(redis.isCluster)
        let keys = (0..<6).map { TrackKey(releaseID: Int64.random(in: 1_000_000_000...9_000_000_000), trackIndex: $0) }
        for key in keys.prefix(4) {
            try redis.set(key.cacheKey, #"{"platform":"youtube","match_url":"https://www.youtube.com/watch?v=abc","confidence":0.9,"approved":true,"verified_at":"2024-01-01T00:00:00.000Z"}"#, expireSeconds: 600)
        }
        let services = try (0..<2).map { _ in
            MatchService(database: try PostgresConnection(url: databaseURL), redis: try RedisDeployment.connect(url: cluster.url))
        }
        for service in services {
            for key in keys { _ = try service.getOrComputeMatch(key) }
            XCTAssertTrue(try XCTUnwrap(service.lookupCounters).flush())
        }
        let fleet = try FleetLookups.read(from: redis)
        XCTAssertEqual(fleet.total.hits, 8)
        XCTAssertEqual(fleet.total.misses, 4)
        let slots = Set(fleet.minutes.map { ClusterSlot.of(LookupCounterKeys.key(minute: $0.minute)) })
        XCTAssertEqual(slots, [ClusterSlot.of("{lookups}")])
    }
}
