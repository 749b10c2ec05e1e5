import Foundation
import LocalServers
import Postgres
import Redis
import Rotation
import XCTest

/// The match service's cache tier on a real private Redis Cluster (3 masters, a replica each): the read path,
/// the review actions' write-through, the worker's pipelined writes and the repair of queued keys, with keys
/// spread over every master.
final class ClusterCacheTierTests: XCTestCase {
    nonisolated(unsafe) static var cluster: LocalRedisCluster?

    override class func setUp() {
        super.setUp()
        cluster = try? LocalServers.startRedisCluster()
    }

    override class func tearDown() {
        cluster?.stop()
        cluster = nil
        super.tearDown()
    }

    private struct Harness {
        let db: PostgresConnection
        let redis: RedisCluster
        let service: MatchService
        let actions: ReviewActions
    }

    private func harness() throws -> Harness {
        let cluster = try XCTUnwrap(Self.cluster, "the private Redis Cluster did not start")
        let (url, db) = try TestDatabase.fresh()
        let redis = try XCTUnwrap(try RedisDeployment.connect(url: cluster.url) as? RedisCluster)
        let service = MatchService(database: try PostgresConnection(url: url), redis: redis, cacheTTL: 3600)
        return Harness(db: db, redis: redis, service: service, actions: ReviewActions(service: service))
    }

    private func insertMatch(_ h: Harness, _ key: TrackKey, confidence: Double, approved: Bool) throws -> TrackMatch {
        try h.db.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved)
            VALUES ($1, $2, 'youtube', 'https://www.youtube.com/watch?v=abc', $3::real, $4)
            """, key.releaseID, key.trackIndex, confidence, approved)
        return try XCTUnwrap(h.service.row(key))
    }

    private func spreadKeys(_ count: Int) -> [TrackKey] {
        (0..<count).map { _ in randomKey(track: Int.random(in: 0...12)) }
    }

    func testReadPathRecachesOnTheSlotsMasterAndThenAnswersFromTheCache() throws {
        let h = try harness()
        let keys = spreadKeys(24)
        for key in keys { _ = try insertMatch(h, key, confidence: 0.9, approved: true) }
        for key in keys { XCTAssertEqual(try h.service.getOrComputeMatch(key).tier, .database) }
        for key in keys {
            let lookup = try h.service.getOrComputeMatch(key)
            XCTAssertEqual(lookup.tier, .cache)
            XCTAssertEqual(lookup.match?.approved, true)
            let master = try XCTUnwrap(h.redis.slotMap.master(ofSlot: ClusterSlot.of(key.cacheKey)))
            XCTAssertNotNil(try h.redis.connection(to: master).get(key.cacheKey))
        }
        XCTAssertEqual(Set(keys.map { h.redis.slotMap.master(ofSlot: ClusterSlot.of($0.cacheKey))! }).count, 3)
        XCTAssertEqual(try h.redis.unlink(keys.map(\.cacheKey)), keys.count)
    }

    func testReviewActionsWriteThroughAndUnlinkOnTheCluster() throws {
        let h = try harness()
        let key = randomKey()
        let seen = try insertMatch(h, key, confidence: 0.6, approved: false)
        let approved = try h.actions.approve(key, seen: .seen(seen), reviewer: "ana")
        XCTAssertEqual(approved.cache, .written)
        guard case .value(let value) = try h.service.cachedValue(key) else { return XCTFail("no cache value") }
        XCTAssertEqual(value.verifiedBy, "ana")
        XCTAssertTrue(value.approved)
        XCTAssertEqual(try h.redis.ttl(key.cacheKey).seconds.map { $0 > 3500 }, true)

        let after = try XCTUnwrap(h.service.row(key))
        let cleared = try h.actions.clear(key, seen: .seen(after), reviewer: "ana")
        XCTAssertEqual(cleared.cache, .unlinked)
        XCTAssertNil(try h.redis.get(key.cacheKey))
    }

    func testWorkerWritesAndRepairsSpanEverySlot() throws {
        let h = try harness()
        let keys = spreadKeys(40)
        var rows: [TrackMatch] = []
        for (index, key) in keys.enumerated() {
            rows.append(try insertMatch(h, key, confidence: index.isMultiple(of: 4) ? 0.6 : 0.95,
                                        approved: !index.isMultiple(of: 4)))
        }
        // One pipeline per master; unapproved rows are unlinked, approved ones set.
        XCTAssertEqual(MatchCacheWriter(redis: h.redis, ttlSeconds: 3600).write(rows), [])
        for row in rows {
            XCTAssertEqual(try h.redis.get(row.key.cacheKey) != nil, row.approved, row.key.cacheKey)
        }

        // Keys queued for repair (as after an outage) are unlinked across every slot.
        let queue = CacheRepairQueue(database: h.db)
        try queue.record(keys, reason: "test")
        XCTAssertEqual(try queue.repair(using: h.redis), keys.count)
        XCTAssertEqual(try h.redis.mget(keys.map(\.cacheKey)), Array(repeating: nil, count: keys.count))
        XCTAssertEqual(try queue.pendingCount(), 0)
    }

    func testCacheStatsSumTheMastersAndScanEveryOne() throws {
        let h = try harness()
        let keys = spreadKeys(30)
        for key in keys { try h.redis.set(key.cacheKey, "{}", expireSeconds: 3000) }
        defer { _ = try? h.redis.unlink(keys.map(\.cacheKey)) }
        let sampler = CacheStatsSampler(redis: h.redis)
        defer { sampler.stop() }
        let stats = try sampler.sample(startScan: false)
        let perNode = try h.redis.dbsizeByNode()
        XCTAssertEqual(perNode.count, 3)
        XCTAssertEqual(stats.totalKeys, perNode.reduce(0) { $0 + $1.keys })
        let memory = try h.redis.infoByNode(sections: ["memory"]).compactMap(\.info.usedMemory)
        XCTAssertEqual(memory.count, 3)
        XCTAssertGreaterThan(stats.usedMemoryBytes ?? 0, memory.max() ?? 0, "used memory is the masters' sum")

        let scan = try XCTUnwrap(try sampler.scanNow())
        XCTAssertGreaterThanOrEqual(scan.matchKeys, keys.count)
        XCTAssertGreaterThanOrEqual(scan.ttlSpread.underOneHour, keys.count, "TTLs sampled on every master")
    }
}
