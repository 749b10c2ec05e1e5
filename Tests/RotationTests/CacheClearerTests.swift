import Foundation
import LocalServers
import Redis
import Rotation
import XCTest

final class CacheClearerTests: XCTestCase {
    private var servers: LocalServers!

    override func setUpWithError() throws {
        servers = try LocalServers.start(postgres: false, redis: true)
    }

    override func tearDown() {
        servers.stop()
    }

    func testDryRunCountsAndSamplesThenClearAllUnlinksOnlyMatchKeysInBatches() throws {
        let h = try ServiceHarness.make(redisURL: servers.redisURL)
        for i in 0..<1234 { try h.redis.set("match:\(i):0", "{}") }
        try h.redis.set("session:1", "keep")
        let clearer = CacheClearer(redis: h.redis, database: h.db, batchSize: 100)
        let plan = try clearer.dryRun(.allMatches)
        XCTAssertEqual(plan.count, 1234)
        XCTAssertEqual(plan.sample.count, 10)
        XCTAssertTrue(plan.sample.allSatisfy { $0.hasPrefix("match:") })
        XCTAssertEqual(try h.redis.dbsize(), 1235, "a dry run changes nothing")

        var progress: [CacheClearProgress] = []
        let result = try clearer.clear(.allMatches) { progress.append($0) }
        XCTAssertEqual(result.unlinked, 1234)
        XCTAssertEqual(progress.last?.unlinked, 1234)
        XCTAssertGreaterThan(progress.count, 1)
        XCTAssertEqual(try h.redis.dbsize(), 1)
        XCTAssertEqual(try h.redis.get("session:1"), "keep")
        XCTAssertNil(try h.redis.info(section: "commandstats").commandStats["keys"])
    }

    func testKeyReleaseAndStoreClearsTouchOnlyTheirKeysAndNeverPostgres() throws {
        let h = try ServiceHarness.make(redisURL: servers.redisURL)
        let store = "s-\(UUID().uuidString.prefix(6))"
        let r1 = randomKey().releaseID, r2 = randomKey().releaseID, other = randomKey().releaseID
        try h.insertRelease(r1, store: store, tracks: 4)
        try h.insertRelease(r2, store: store, tracks: 2)
        try h.insertRelease(other, store: "elsewhere-\(store)", tracks: 2)
        for release in [r1, r2, other] {
            for t in 0..<2 {
                let key = TrackKey(releaseID: release, trackIndex: t)
                try h.insertMatch(key)
                _ = try h.service.getOrComputeMatch(key)
            }
        }
        // A key the web app cached for a track that has no row any more is part of the release too.
        try h.redis.set(TrackKey(releaseID: r1, trackIndex: 3).cacheKey, "{}")
        let clearer = CacheClearer(redis: h.redis, database: h.db)

        XCTAssertEqual(try clearer.clear(.key(TrackKey(releaseID: r2, trackIndex: 1))).unlinked, 1)
        XCTAssertEqual(try clearer.dryRun(.release(r1)).count, 3)
        XCTAssertEqual(try clearer.clear(.release(r1)).unlinked, 3)
        XCTAssertEqual(try clearer.dryRun(.store(store)).count, 1)
        XCTAssertEqual(try clearer.clear(.store(store)).unlinked, 1)
        XCTAssertEqual(try h.redis.exists([0, 1].map { TrackKey(releaseID: other, trackIndex: $0).cacheKey }), 2)
        XCTAssertEqual(try h.db.query("SELECT count(*) FROM track_matches").scalar(Int.self), 6, "Postgres untouched")
    }

    func testAReleaseClearFindsItsTracksInTheStoredBodyWhenTheWebAppEmptiedTheTracklist() throws {
        let h = try ServiceHarness.make(redisURL: servers.redisURL)
        let release = randomKey().releaseID
        try h.insertRelease(release, store: "s-\(release)", tracks: 3)
        try h.db.query("""
            INSERT INTO discogs_release_bodies (discogs_id, body)
            SELECT discogs_id, jsonb_build_object('id', discogs_id, 'tracklist', tracklist) FROM releases WHERE discogs_id = $1
            """, release)
        try h.db.query("UPDATE releases SET tracklist = '[]' WHERE discogs_id = $1", release)
        // Keys the web app cached for tracks that have no row here.
        for track in 0..<3 { try h.redis.set(TrackKey(releaseID: release, trackIndex: track).cacheKey, "{}") }
        XCTAssertEqual(try CacheClearer(redis: h.redis, database: h.db).clear(.release(release)).unlinked, 3)
    }

    func testDriftClearRemovesOnlyValuesThatDisagreeWithPostgres() throws {
        let h = try ServiceHarness.make(redisURL: servers.redisURL)
        let good = randomKey(), changed = randomKey(), orphan = randomKey(), garbage = randomKey()
        for key in [good, changed, garbage] {
            try h.insertMatch(key)
            _ = try h.service.getOrComputeMatch(key)
        }
        try h.db.query("UPDATE track_matches SET approved = true WHERE release_id = $1", changed.releaseID)
        try h.redis.set(orphan.cacheKey, TrackMatch(releaseID: orphan.releaseID, trackIndex: 0, platform: "youtube",
                                                    matchURL: "https://youtu.be/o", confidence: 0.7, approved: true).cachedValue.json)
        try h.redis.set(garbage.cacheKey, "{{{")
        let clearer = CacheClearer(redis: h.redis, database: h.db)
        let plan = try clearer.dryRun(.drift)
        XCTAssertEqual(Set(plan.sample), Set([changed, orphan, garbage].map(\.cacheKey)))
        XCTAssertEqual(try clearer.clear(.drift).unlinked, 3)
        XCTAssertTrue(try h.redis.exists(good.cacheKey))
        XCTAssertEqual(try h.redis.dbsize(), 1)
    }
}
