import Foundation
import LocalServers
import Postgres
import Redis
import Rotation
import XCTest

/// `CacheWarmer` against real Postgres and Redis: a store's approved matches written once (a second run writes
/// nothing), an interrupted warm resumed where it stopped, a dry run that writes nothing, and the TTL jitter's
/// spread, which only ever shortens.
final class CacheWarmTests: XCTestCase {
    private var h: ServiceHarness!
    private var releases: [Int64] = []
    private let store = "warm-\(UInt32.random(in: 0...UInt32.max))"

    override func setUpWithError() throws {
        h = try ServiceHarness.make()
        let base = Int64.random(in: 1_000_000_000...8_000_000_000)
        releases = (0..<5).map { base + Int64($0) }
        for release in releases {
            try h.insertRelease(release, store: store, tracks: 10)
            for track in 0..<10 {
                try h.insertMatch(TrackKey(releaseID: release, trackIndex: track), confidence: 0.9, approved: track < 8)
            }
        }
        // Another store's approved match: outside the scope.
        try h.insertMatch(TrackKey(releaseID: base + 100, trackIndex: 0), confidence: 0.9, approved: true)
    }

    override func tearDownWithError() throws {
        let keys = (releases + [releases[0] + 100]).flatMap { release in (0..<10).map { "match:\(release):\($0)" } }
        try h?.redis.unlink(keys)
    }

    private func warmer(batchSize: Int = 1000, jitter: Int = 10) -> CacheWarmer {
        CacheWarmer(database: h.db, redis: h.redis, ttlSeconds: 3600, ttlJitterPercent: jitter, concurrency: 3,
                    batchSize: batchSize)
    }

    private func cachedKeys() throws -> Int {
        try h.redis.exists(releases.flatMap { release in (0..<10).map { "match:\(release):\($0)" } })
    }

    func testAStoreIsWarmedOnceAndASecondRunWritesNothing() throws {
        let plan = try warmer().dryRun(.store(store))
        XCTAssertEqual(plan.approved, 40)
        XCTAssertEqual(plan.alreadyCached, 0)
        XCTAssertEqual(try cachedKeys(), 0, "a dry run writes nothing")

        // A key a reviewer's newer write left is not overwritten.
        let kept = TrackKey(releaseID: releases[0], trackIndex: 0)
        try h.redis.set(kept.cacheKey, "kept", expireSeconds: 60)
        let first = try warmer().run(.store(store))
        XCTAssertEqual(first.total, 40)
        XCTAssertEqual(first.written, 39)
        XCTAssertEqual(first.skipped, 1)
        XCTAssertEqual(first.status, "finished")
        XCTAssertEqual(try h.redis.get(kept.cacheKey), "kept")
        XCTAssertEqual(try cachedKeys(), 40, "approved only: 8 of each release's 10")
        guard case .value(let value) = try h.service.cachedValue(TrackKey(releaseID: releases[1], trackIndex: 3)) else {
            return XCTFail("the warmed value is the web app's JSON")
        }
        XCTAssertTrue(value.approved)
        XCTAssertFalse(try h.redis.exists("match:\(releases[0] + 100):0"), "another store's key is not written")

        let second = try warmer().run(.store(store))
        XCTAssertEqual(second.written, 0)
        XCTAssertEqual(second.skipped, 40)
        XCTAssertFalse(second.resumed, "a finished job is not resumed: a new one starts")
    }

    func testAnInterruptedWarmResumesWhereItStopped() throws {
        let stop = StopSignal()
        var batches = 0
        let stopped = try warmer(batchSize: 10).run(.store(store), stop: stop) { progress in
            if progress.done > 0 { batches += 1 }
            if progress.done >= 20 { stop.requestStop() }
        }
        XCTAssertEqual(stopped.status, "stopped")
        XCTAssertEqual(stopped.written, 20)
        XCTAssertEqual(try cachedKeys(), 20)

        let resumed = try warmer(batchSize: 10).run(.store(store))
        XCTAssertTrue(resumed.resumed)
        XCTAssertEqual(resumed.jobID, stopped.jobID)
        XCTAssertEqual(resumed.written, 40, "the job's count carries on from where it stopped")
        XCTAssertEqual(resumed.skipped, 0, "the resumed run starts after the last batch, not from the start")
        XCTAssertEqual(try cachedKeys(), 40)
    }

    func testARunningWarmOfTheSameScopeIsNotStartedTwice() throws {
        let stop = StopSignal()
        var refusal: Error?
        _ = try warmer(batchSize: 10).run(.release(releases[2]), stop: stop) { progress in
            guard progress.done == 0 else { return }
            do {
                _ = try self.warmer().run(.release(self.releases[2]))
            } catch {
                refusal = error
            }
            stop.requestStop()
        }
        guard case .alreadyRunning? = refusal as? CacheWarmError else { return XCTFail("\(String(describing: refusal))") }
    }

    func testTheTTLJitterOnlyShortensAndSpreadsTheExpiries() throws {
        try warmer(jitter: 10).run(.store(store))
        var ttls: [Int] = []
        for release in releases {
            for track in 0..<8 { ttls.append(try XCTUnwrap(try h.redis.ttl("match:\(release):\(track)").seconds)) }
        }
        XCTAssertTrue(ttls.allSatisfy { (3240 - 5...3600).contains($0) }, "\(ttls)")
        XCTAssertGreaterThan(Set(ttls).count, 10, "40 keys written at once expire over a spread: \(ttls)")
    }
}
