import Foundation
import Postgres
import Redis
@testable import Rotation
import XCTest

/// The repair pass the fault drills rely on (`CacheRepairQueue`, `BackgroundCacheRepair`), against real servers:
/// what a running process applies when Redis answers again, and what `rotation cache repair` reports when it
/// does not. The drills themselves, with real processes and server faults, are in CLITests and ConsoleTests.
final class FaultDrillTests: XCTestCase {
    /// A key left stale by a decision taken while Redis was unreachable.
    private func staleKey(_ h: ServiceHarness, track: Int = 0, release: Int64? = nil) throws -> TrackKey {
        var key = randomKey(track: track)
        if let release { key = TrackKey(releaseID: release, trackIndex: track) }
        let row = try h.insertMatch(key)
        try h.redis.set(key.cacheKey, row.cachedValue.json, expireSeconds: 600)
        let away = MatchService(database: try PostgresConnection(url: h.url), redis: try RedisConnection(url: "redis://127.0.0.1:1/0"))
        XCTAssertEqual(try ReviewActions(service: away).approve(key, seen: .none, reviewer: "away").cache, .repairQueued)
        XCTAssertEqual(try h.cached(key)?.approved, false, "the cache still says pending")
        return key
    }

    func testBackgroundRepairAppliesPendingRepairsAtMostOncePerInterval() throws {
        let h = try ServiceHarness.make()
        let first = try staleKey(h)
        let repairs = BackgroundCacheRepair(interval: 1)
        let start = Date()
        XCTAssertEqual(repairs.runIfDue(database: h.db, redis: h.redis, now: start), 1)
        XCTAssertNil(try h.cached(first), "repaired: unlinked, the next read re-caches from Postgres")

        let second = try staleKey(h, release: first.releaseID + 1)
        XCTAssertEqual(repairs.runIfDue(database: h.db, redis: h.redis, now: start.addingTimeInterval(0.5)), 0, "not due yet")
        XCTAssertEqual(try h.cached(second)?.approved, false)
        XCTAssertEqual(repairs.runIfDue(database: h.db, redis: h.redis, now: start.addingTimeInterval(1.5)), 1)
        XCTAssertNil(try h.cached(second))
        XCTAssertEqual(try CacheRepairQueue(database: h.db).pendingCount(), 0)
        XCTAssertEqual(repairs.runIfDue(database: h.db, redis: h.redis, now: start.addingTimeInterval(3)), 0, "nothing pending")
    }

    func testRepairReportSaysWhatIsLeftAndWhyWhenRedisIsAway() throws {
        let h = try ServiceHarness.make()
        let keys = [try staleKey(h, track: 0), try staleKey(h, track: 1)]
        let queue = CacheRepairQueue(database: h.db)

        let away = queue.repairReport(using: try RedisConnection(url: "redis://127.0.0.1:1/0"))
        XCTAssertEqual(away.repaired, 0)
        XCTAssertEqual(away.pending, 2)
        XCTAssertFalse(away.complete)
        XCTAssertNotNil(away.error)
        XCTAssertEqual(away.reasons.map(\.keys).reduce(0, +), 2, "\(away.reasons)")

        let back = queue.repairReport(using: h.redis)
        XCTAssertEqual(back, CacheRepairReport(repaired: 2, pending: 0, reasons: [], error: nil))
        for key in keys { XCTAssertNil(try h.cached(key)) }
    }
}
