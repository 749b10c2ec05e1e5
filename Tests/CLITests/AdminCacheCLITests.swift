import Foundation
import Postgres
import Redis
import XCTest

/// `rotation stores list|clear`, `rotation releases clear`, `rotation cache stats|clear`.
final class AdminCacheCLITests: CLITestCase {
    /// Caches every match of `release` through the CLI's own read path (show fills the cache).
    private func cacheThroughShow(_ release: Int64, tracks: Range<Int>) throws {
        for track in tracks { _ = try ok(["matches", "show", String(release), String(track)]) }
    }

    func testStoresList() throws {
        try insertRelease(1, store: "aaa-store", tracks: 4)
        try insertRelease(2, store: "aaa-store", tracks: 2)
        try insertRelease(3, store: "bbb-store", tracks: 3)
        try insertMatch(1, 0, approved: true)
        try insertMatch(1, 1)
        try insertMatch(3, 0)
        let page = try ok(["stores", "list", "--json"]).object()
        let stores = try XCTUnwrap(page.array("items") as? [[String: Any]])
        XCTAssertEqual(stores.compactMap { $0.string("store") }, ["aaa-store", "bbb-store"])
        let aaa = stores[0]
        XCTAssertEqual(aaa.int("releaseCount"), 2)
        XCTAssertEqual(aaa.int("matchedCount"), 2)
        XCTAssertEqual(aaa.int("pendingCount"), 1)
        XCTAssertEqual(stores[1].int("pendingCount"), 1)

        let first = try ok(["stores", "list", "--json", "--limit", "1"]).object()
        let cursor = try XCTUnwrap(first.string("nextCursor"))
        let second = try ok(["stores", "list", "--json", "--limit", "1", "--after", cursor]).object()
        XCTAssertEqual((second.array("items") as? [[String: Any]])?.compactMap { $0.string("store") }, ["bbb-store"])

        let human = try ok(["stores", "list"])
        XCTAssertTrue(human.stdout.contains("aaa-store"), "\(human)")
    }

    func testReleasesClearRefusesOffATerminalHonoursDryRunAndUnlinksExactlyItsKeys() throws {
        try insertRelease(10, store: "s1")
        try insertRelease(11, store: "s1")
        for track in 0..<3 { try insertMatch(10, track) }
        try insertMatch(11, 0)
        try cacheThroughShow(10, tracks: 0..<3)
        try cacheThroughShow(11, tracks: 0..<1)

        let refused = try rotation(["releases", "clear", "10"])
        XCTAssertEqual(refused.status, 1, "\(refused)")
        XCTAssertTrue(refused.stderr.contains("--yes"), "\(refused)")
        XCTAssertEqual(try count("SELECT count(*) FROM track_matches WHERE release_id = 10"), 3)

        let dry = try ok(["releases", "clear", "10", "--dry-run", "--json"]).object()
        XCTAssertEqual(dry.int("rows"), 3)
        XCTAssertEqual((dry.array("sample"))?.count, 3)
        let dryHuman = try ok(["releases", "clear", "10", "--dry-run"])
        XCTAssertTrue(dryHuman.stdout.contains("3 matches of release 10 would be deleted"), "\(dryHuman)")
        XCTAssertEqual(try count("SELECT count(*) FROM track_matches WHERE release_id = 10"), 3)
        XCTAssertEqual(try redis.exists((0..<3).map { "match:10:\($0)" }), 3)

        let outcome = try ok(["releases", "clear", "10", "--yes", "--json"]).object()
        XCTAssertEqual(outcome.string("action"), "clear_release")
        XCTAssertEqual(outcome.int("rowsAffected"), 3)
        XCTAssertEqual(try count("SELECT count(*) FROM track_matches WHERE release_id = 10"), 0)
        XCTAssertEqual(try redis.exists((0..<3).map { "match:10:\($0)" }), 0)
        // The other release is untouched.
        XCTAssertEqual(try count("SELECT count(*) FROM track_matches WHERE release_id = 11"), 1)
        XCTAssertTrue(try redis.exists("match:11:0"))

        // Undo restores them.
        _ = try ok(["matches", "undo"])
        XCTAssertEqual(try count("SELECT count(*) FROM track_matches WHERE release_id = 10"), 3)
    }

    func testStoresClear() throws {
        try insertRelease(20, store: "gone-store")
        try insertRelease(21, store: "gone-store")
        try insertRelease(22, store: "kept-store")
        try insertMatch(20, 0)
        try insertMatch(21, 1)
        try insertMatch(22, 0)
        try cacheThroughShow(20, tracks: 0..<1)
        try cacheThroughShow(21, tracks: 1..<2)
        try cacheThroughShow(22, tracks: 0..<1)

        let refused = try rotation(["stores", "clear", "gone-store"])
        XCTAssertEqual(refused.status, 1, "\(refused)")
        XCTAssertEqual(try count("SELECT count(*) FROM track_matches"), 3)

        let human = try ok(["stores", "clear", "gone-store", "--yes"])
        XCTAssertTrue(human.stdout.contains("clear_store by \(reviewer)"), "\(human)")
        XCTAssertTrue(human.stdout.contains("2 rows"), "\(human)")
        XCTAssertEqual(try count("SELECT count(*) FROM track_matches WHERE release_id IN (20, 21)"), 0)
        XCTAssertEqual(try count("SELECT count(*) FROM track_matches WHERE release_id = 22"), 1)
        XCTAssertFalse(try redis.exists("match:20:0"))
        XCTAssertFalse(try redis.exists("match:21:1"))
        XCTAssertTrue(try redis.exists("match:22:0"))
        XCTAssertEqual(try count("SELECT count(*) FROM match_reviews WHERE action = 'clear_store' AND store_username = 'gone-store'"), 1)
    }

    func testCacheStatsNeverUsesKEYS() throws {
        for track in 0..<5 {
            try redis.set("match:30:\(track)", #"{"platform":"youtube","match_url":"https://youtu.be/x","confidence":0.9,"approved":true,"verified_at":"2024-01-01T00:00:00.000Z"}"#, expireSeconds: 3600)
        }
        try redis.set("unrelated", "1")
        let stats = try ok(["cache", "stats", "--json", "--window", "0"]).object()
        XCTAssertEqual(stats.int("totalKeys"), 6, "\(stats)")
        XCTAssertEqual(stats.int("matchKeys"), 5, "\(stats)")
        XCTAssertNotNil(stats.string("redisVersion"))
        XCTAssertNotNil(stats.object("ttlSpread"), "\(stats)")
        let human = try ok(["cache", "stats", "--window", "0"])
        XCTAssertTrue(human.stdout.contains("5 match:*"), "\(human)")

        let info = try redis.info(section: "commandstats")
        XCTAssertNil(info.value("cmdstat_keys", in: "commandstats"), "rotation cache stats ran KEYS")
        XCTAssertNotNil(info.value("cmdstat_scan", in: "commandstats"), "the scan is expected to use SCAN: \(info.sections)")
    }

    func testCacheClearKeyAllDryRunAndAll() throws {
        for release in [40, 41] as [Int64] {
            for track in 0..<3 { try redis.set("match:\(release):\(track)", "{}", expireSeconds: 3600) }
        }
        try redis.set("other:key", "keep")

        let refused = try rotation(["cache", "clear", "key", "40", "0"])
        XCTAssertEqual(refused.status, 1, "\(refused)")
        XCTAssertTrue(try redis.exists("match:40:0"))

        let key = try ok(["cache", "clear", "key", "40", "0", "--yes", "--json"]).object()
        XCTAssertEqual(key.int("unlinked"), 1)
        XCTAssertFalse(try redis.exists("match:40:0"))
        XCTAssertTrue(try redis.exists("match:40:1"))

        let dry = try ok(["cache", "clear", "all", "--dry-run", "--json"]).object()
        XCTAssertEqual(dry.int("count"), 5, "\(dry)")
        XCTAssertEqual(try redis.dbsize(), 6)
        let dryHuman = try ok(["cache", "clear", "all", "--dry-run"])
        XCTAssertTrue(dryHuman.stdout.contains("5 keys"), "\(dryHuman)")

        let refusedAll = try rotation(["cache", "clear", "all"])
        XCTAssertEqual(refusedAll.status, 1, "\(refusedAll)")
        XCTAssertEqual(try redis.dbsize(), 6)

        let all = try ok(["cache", "clear", "all", "--yes"])
        XCTAssertTrue(all.stdout.contains("unlinked 5 keys"), "\(all)")
        XCTAssertEqual(try redis.dbsize(), 1)
        XCTAssertTrue(try redis.exists("other:key"))

        let bad = try rotation(["cache", "clear", "everything", "--yes"])
        XCTAssertNotEqual(bad.status, 0, "\(bad)")
        XCTAssertTrue(bad.stderr.contains("unknown target"), "\(bad)")
    }

    func testCacheClearReleaseAndStoreUnlinkOnlyTheirKeys() throws {
        try insertRelease(60, store: "cache-store", tracks: 3)
        try insertRelease(61, store: "cache-store", tracks: 2)
        try insertRelease(62, store: "other-store", tracks: 2)
        for (release, tracks) in [(60, 3), (61, 2), (62, 2)] as [(Int64, Int)] {
            for track in 0..<tracks { try redis.set("match:\(release):\(track)", "{}", expireSeconds: 3600) }
        }
        let release = try ok(["cache", "clear", "release", "60", "--yes", "--json"]).object()
        XCTAssertEqual(release.int("unlinked"), 3, "\(release)")
        XCTAssertEqual(try redis.exists((0..<3).map { "match:60:\($0)" }), 0)
        XCTAssertEqual(try redis.dbsize(), 4)

        let refused = try rotation(["cache", "clear", "store", "cache-store"])
        XCTAssertEqual(refused.status, 1, "\(refused)")
        XCTAssertEqual(try redis.dbsize(), 4)
        let store = try ok(["cache", "clear", "store", "cache-store", "--yes"])
        XCTAssertTrue(store.stdout.contains("unlinked 2 keys"), "\(store)")
        XCTAssertEqual(try redis.exists(["match:62:0", "match:62:1"]), 2)
        XCTAssertEqual(try redis.dbsize(), 2)
    }

    func testReadOnlyRefusesWrites() throws {
        try insertRelease(70, store: "ro-store")
        try insertMatch(70, 0)
        try redis.set("match:70:0", "{}", expireSeconds: 3600)
        let approve = try rotation(["matches", "approve", "70", "0", "--read-only"])
        XCTAssertEqual(approve.status, 1, "\(approve)")
        XCTAssertTrue(approve.stderr.contains("read-only"), "\(approve)")
        let clear = try rotation(["releases", "clear", "70", "--read-only", "--yes"])
        XCTAssertNotEqual(clear.status, 0, "\(clear)")
        let cache = try rotation(["cache", "clear", "all", "--read-only", "--yes"])
        XCTAssertNotEqual(cache.status, 0, "\(cache)")
        XCTAssertEqual(try matchRow(70, 0)?.decode("approved", as: Bool.self), false)
        XCTAssertEqual(try count("SELECT count(*) FROM match_reviews"), 0)
        XCTAssertTrue(try redis.exists("match:70:0"))
        _ = try ok(["matches", "list", "--read-only"])
    }

    func testCacheClearDriftRemovesGarbageAndDisagreeingValuesOnly() throws {
        try insertRelease(50, store: "drift-store")
        try insertMatch(50, 0, confidence: 0.6)
        try insertMatch(50, 1, confidence: 0.6)
        try insertMatch(50, 2, confidence: 0.6)
        // Agreeing: written by the CLI's own read path from the row.
        _ = try ok(["matches", "show", "50", "0"])
        let agreeing = try XCTUnwrap(try redis.get("match:50:0"))
        // Garbage.
        try redis.set("match:50:1", "not json {", expireSeconds: 3600)
        // Disagreeing: a well-formed value with another URL.
        var other = try XCTUnwrap(try cached(50, 0))
        other["match_url"] = "https://www.youtube.com/watch?v=somethingElse"
        try redis.set("match:50:2", String(decoding: try JSONSerialization.data(withJSONObject: other), as: UTF8.self), expireSeconds: 3600)

        let dry = try ok(["cache", "clear", "drift", "--dry-run", "--json"]).object()
        XCTAssertEqual(dry.int("count"), 2, "\(dry)")
        XCTAssertEqual(Set((dry.array("sample") as? [String]) ?? []), ["match:50:1", "match:50:2"])

        let cleared = try ok(["cache", "clear", "drift", "--yes", "--json"]).object()
        XCTAssertEqual(cleared.int("unlinked"), 2, "\(cleared)")
        XCTAssertEqual(try redis.get("match:50:0"), agreeing)
        XCTAssertFalse(try redis.exists("match:50:1"))
        XCTAssertFalse(try redis.exists("match:50:2"))
        // Postgres is untouched.
        XCTAssertEqual(try count("SELECT count(*) FROM track_matches WHERE release_id = 50"), 3)
    }
}
