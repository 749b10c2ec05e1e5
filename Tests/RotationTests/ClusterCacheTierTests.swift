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
        XCTAssertEqual(try h.redis.ttl(key.cacheKey).seconds.map { $0 > 3200 }, true)

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

    func testBrowseAndClearsWalkEveryMaster() throws {
        let h = try harness()
        // Nothing else writes match:* keys on this cluster while the test runs (its other tests remove theirs).
        let releaseID = Int64.random(in: 1_000_000_000...9_000_000_000)
        let releaseKeys = (0..<12).map { TrackKey(releaseID: releaseID, trackIndex: $0) }
        let otherKeys = spreadKeys(48)
        for key in releaseKeys + otherKeys { try h.redis.set(key.cacheKey, "{}", expireSeconds: 3000) }
        let all = Set((releaseKeys + otherKeys).map(\.cacheKey))
        XCTAssertEqual(Set(releaseKeys.map { h.redis.slotMap.master(ofSlot: ClusterSlot.of($0.cacheKey))! }).count, 3)

        // Small steps, so pages end inside a master's walk and at the moves from one master to the next.
        let browser = CacheKeyBrowser(redis: h.redis, database: h.db, budget: ScanBudget(callsPerStep: 2, countPerCall: 10))
        var seen: Set<String> = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try browser.page(after: cursor, limit: 10)
            seen.formUnion(page.items.map(\.key))
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil && pages < 1000
        XCTAssertEqual(seen, all)
        XCTAssertTrue(pages > 3, "\(pages) pages")

        let clearer = CacheClearer(redis: h.redis, database: h.db, batchSize: 7,
                                   budget: ScanBudget(callsPerStep: 3, countPerCall: 10))
        XCTAssertEqual(try clearer.fullDryRun(.allMatches).count, all.count)
        // A release's keys span the masters: EXISTS and UNLINK grouped by master and slot (no CROSSSLOT).
        for key in releaseKeys { _ = try insertMatch(h, key, confidence: 0.9, approved: true) }
        XCTAssertEqual(try clearer.clear(.release(releaseID)).unlinked, releaseKeys.count)
        XCTAssertEqual(try clearer.clear(.key(otherKeys[0])).unlinked, 1)
        let everything = try clearer.clear(.allMatches)
        XCTAssertEqual(everything.unlinked, all.count - releaseKeys.count - 1)
        XCTAssertEqual(try h.redis.mget(Array(all)), Array(repeating: nil, count: all.count))
        XCTAssertEqual(try clearer.fullDryRun(.allMatches).count, 0)
    }
}
