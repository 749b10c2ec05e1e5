import Foundation
import LocalServers
import Postgres
import Redis
import Rotation
import XCTest

/// Servers going away: each test owns private servers it can stop.
final class ServiceFailureTests: XCTestCase {
    /// Redis stops between actions (its data kept, as a real restart keeps it), the actions still commit, and
    /// once Redis is back no stale value survives, even for a service created after the failure (a restart).
    func testRedisKilledBetweenActionsThenRestartedLeavesNoStaleKey() throws {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("rotation-redis-\(UUID().uuidString)")
        let servers = try LocalServers.start(postgres: false, redis: true, directory: directory, keepData: true)
        defer { servers.stop(); try? FileManager.default.removeItem(at: directory) }
        let h = try ServiceHarness.make(redisURL: servers.redisURL)
        let approved = randomKey(), cleared = randomKey(), replaced = randomKey()
        var seen: [TrackKey: TrackMatch] = [:]
        for key in [approved, cleared, replaced] {
            seen[key] = try h.insertMatch(key, confidence: 0.6)
            _ = try h.service.getOrComputeMatch(key)  // cached: approved=false
        }

        servers.stopRedis()
        let a = try h.actions.approve(approved, seen: .seen(seen[approved]), reviewer: "ops")
        let c = try h.actions.clear(cleared, seen: .seen(seen[cleared]), reviewer: "ops")
        let r = try h.actions.replace(replaced, url: "https://youtu.be/fixed", seen: .seen(seen[replaced]), reviewer: "ops")
        XCTAssertEqual([a.cache, c.cache, r.cache], [.repairQueued, .repairQueued, .repairQueued])
        XCTAssertEqual(try h.service.row(approved)?.approved, true, "Postgres committed while Redis was down")
        XCTAssertNil(try h.service.row(cleared))
        XCTAssertEqual(try h.service.cacheWriter.pendingRepairCount(), 3)
        // Reads still answer, from Postgres.
        XCTAssertEqual(try h.service.getOrComputeMatch(approved).tier, .database)

        try servers.startRedis()
        let probe = try RedisConnection(url: try XCTUnwrap(servers.redisURL))
        XCTAssertTrue(try probe.exists(approved.cacheKey), "the restarted Redis came back with the old values")

        // A new service (a console restarted meanwhile) finds the persisted repairs.
        let restarted = try ServiceHarness.make(databaseURL: h.url, redisURL: servers.redisURL)
        XCTAssertEqual(try restarted.service.repairCache(), 3)
        XCTAssertEqual(try restarted.service.cacheWriter.pendingRepairCount(), 0)
        for key in [approved, cleared, replaced] {
            let lookup = try restarted.service.getOrComputeMatch(key)
            let row = try restarted.service.row(key)
            XCTAssertEqual(lookup.match?.approved, row?.approved, "\(key)")
            XCTAssertEqual(lookup.match?.matchURL, row?.matchURL, "\(key)")
        }
        XCTAssertFalse(try probe.exists(cleared.cacheKey))
        XCTAssertEqual(try restarted.cached(approved)?.approved, true)
    }

    /// Postgres stops: writes are refused with a clear error and change nothing anywhere; cached reads are still
    /// served, marked stale.
    func testPostgresStoppedRefusesWritesAndServesStaleCachedReads() throws {
        let servers = try LocalServers.start(postgres: true, redis: false)
        defer { servers.stop() }
        let url = try XCTUnwrap(servers.postgresURL)
        let admin = try PostgresConnection(url: url)
        try MigrationRunner(connection: admin, directory: TestDatabase.migrationsDirectory).apply()
        let h = try ServiceHarness.make(databaseURL: url)
        let key = randomKey()
        let seen = try h.insertMatch(key, confidence: 0.6)
        _ = try h.service.getOrComputeMatch(key)
        let cachedBefore = try h.redis.get(key.cacheKey)

        servers.stopPostgres()
        XCTAssertThrowsError(try h.actions.approve(key, seen: .seen(seen), reviewer: "ops")) { error in
            guard case ReviewError.databaseUnavailable = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try h.actions.clearStore("any", reviewer: "ops"))
        XCTAssertThrowsError(try h.actions.undo(reviewer: "ops"))
        XCTAssertEqual(try h.redis.get(key.cacheKey), cachedBefore, "the cache is untouched")
        let lookup = try h.service.getOrComputeMatch(key)
        XCTAssertEqual(lookup.tier, .cache)
        XCTAssertTrue(lookup.stale)
        XCTAssertThrowsError(try h.service.getOrComputeMatch(randomKey())) { error in
            XCTAssertTrue(error is MatchReadError, "\(error)")
        }

        try servers.startPostgres()
        _ = try? h.db.query("SELECT 1")  // the test's own connection notices the restart
        XCTAssertEqual(try h.service.row(key), seen, "nothing was half-applied")
        XCTAssertEqual(try h.db.query("SELECT count(*) FROM match_reviews").scalar(Int.self), 0)
        try h.actions.approve(key, seen: .seen(seen), reviewer: "ops")
        XCTAssertFalse(try h.service.getOrComputeMatch(key).stale)
    }

    /// The connection dies under an action: the service re-reads the log before answering, and a retry works.
    func testConnectionLostMidActionIsResolvedByReReading() throws {
        let h = try ServiceHarness.make()
        let key = randomKey()
        let seen = try h.insertMatch(key)
        let pid = try h.service.database.query("SELECT pg_backend_pid()").scalar(Int.self)
        try h.db.query("SELECT pg_terminate_backend($1::integer)", pid)
        do {
            let outcome = try h.actions.approve(key, seen: .seen(seen), reviewer: "ops")
            // The statement may have been sent on a new connection: then it simply applied.
            XCTAssertEqual(try h.service.row(key)?.approved, true)
            XCTAssertEqual(outcome.reviewID, try h.reviews(key).first?.decode("id", as: Int64.self))
        } catch ReviewError.databaseUnavailable {
            XCTAssertEqual(try h.service.row(key), seen, "reported as not applied, and it was not")
            XCTAssertEqual(try h.reviews(key).count, 0)
            try h.actions.approve(key, seen: .seen(seen), reviewer: "ops")
        }
        XCTAssertEqual(try h.service.row(key)?.approved, true)
        XCTAssertEqual(try h.reviews(key).count, 1)
    }
}
