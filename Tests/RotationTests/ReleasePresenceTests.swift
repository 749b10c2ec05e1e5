import Foundation
import LocalServers
import Redis
import Rotation
import XCTest

/// Presence leases (issue 14) on a real Redis: taking, renewing, deleting only one's own, reading many, and the
/// keeper's lifecycle; then the same reads and deletions on a private Redis Cluster, releases on different slots.
final class ReleasePresenceTests: XCTestCase {
    var redis: RedisConnection!

    override func setUpWithError() throws {
        redis = try RedisConnection(url: try TestEnvironment.redisURL())
    }

    override func tearDown() {
        redis?.close()
        redis = nil
    }

    private func randomRelease() -> Int64 { Int64.random(in: 1_000_000_000...9_000_000_000) }

    func testAHoldSetsAShortLivedLeaseWithTheReviewersName() throws {
        let presence = ReleasePresence(redis: redis, settings: PresenceSettings(ttlSeconds: 30))
        let release = randomRelease()
        let holder = try presence.hold(release, reviewer: "ana", session: "s1")
        XCTAssertEqual(holder?.reviewer, "ana")
        XCTAssertEqual(holder?.session, "s1")
        guard case .expiresIn(let seconds) = try redis.ttl("rotation:presence:\(release)") else {
            return XCTFail("the lease has no TTL")
        }
        XCTAssertTrue((1...30).contains(seconds), "\(seconds)")
        let leases = try presence.leases(of: [release, randomRelease()])
        XCTAssertEqual(leases.count, 1, "a release nobody holds is absent")
        XCTAssertEqual(leases[release]?.reviewer, "ana")
        XCTAssertNotNil(leases[release]?.secondsLeft)
        try presence.release(release, reviewer: "ana", session: "s1")
    }

    func testACloseDeletesOnlyItsOwnLease() throws {
        let presence = ReleasePresence(redis: redis)
        let release = randomRelease()
        try presence.hold(release, reviewer: "ana", session: "ana-console")
        // Another session, even of the same reviewer, neither takes nor deletes it.
        let second = try presence.hold(release, reviewer: "ana", session: "ana-other-console")
        XCTAssertEqual(second?.session, "ana-console", "the first holder keeps the lease")
        XCTAssertFalse(try presence.release(release, reviewer: "ana", session: "ana-other-console"))
        XCTAssertFalse(try presence.release(release, reviewer: "bob", session: "bob-console"))
        XCTAssertEqual(try presence.leases(of: [release])[release]?.session, "ana-console")
        XCTAssertTrue(try presence.release(release, reviewer: "ana", session: "ana-console"))
        XCTAssertTrue(try presence.leases(of: [release]).isEmpty)
        // Once it is gone, the next session takes it.
        XCTAssertEqual(try presence.hold(release, reviewer: "bob", session: "bob-console")?.reviewer, "bob")
        try presence.release(release, reviewer: "bob", session: "bob-console")
    }

    func testGarbageUnderAPresenceKeyIsIgnored() throws {
        let presence = ReleasePresence(redis: redis)
        let release = randomRelease()
        try redis.set("rotation:presence:\(release)", "not json", expireSeconds: 30)
        XCTAssertTrue(try presence.leases(of: [release]).isEmpty)
        XCTAssertFalse(try presence.allLeases().contains { $0.releaseID == release })
        _ = try redis.unlink(["rotation:presence:\(release)"])
    }

    func testTheKeeperMovesItsLeaseWithTheOpenReleaseAndDeletesItWhenStopped() throws {
        let presence = ReleasePresence(redis: redis, settings: PresenceSettings(ttlSeconds: 30))
        let first = randomRelease(), second = randomRelease()
        let keeper = ReleaseLeaseKeeper(presence: presence, reviewer: "ana")
        keeper.open(first)
        try waitUntil("the first release is held") { try presence.leases(of: [first])[first]?.session == keeper.session }
        keeper.open(second)
        try waitUntil("the lease moved to the second release") {
            let leases = try presence.leases(of: [first, second])
            return leases[first] == nil && leases[second]?.session == keeper.session
        }
        keeper.stop()
        XCTAssertTrue(try presence.leases(of: [first, second]).isEmpty, "stopping deletes the lease")
    }

    func testTheSettingsComeFromTheEnvironment() {
        XCTAssertEqual(PresenceSettings(environment: [:]).ttlSeconds, 30)
        XCTAssertEqual(PresenceSettings(environment: ["ROTATION_PRESENCE_TTL": "4"]).ttlSeconds, 4)
        XCTAssertEqual(PresenceSettings(environment: ["ROTATION_PRESENCE_TTL": "zero"]).ttlSeconds, 30)
        XCTAssertEqual(PresenceSettings(environment: ["ROTATION_PRESENCE_TTL": "-3"]).ttlSeconds, 30)
        XCTAssertEqual(PresenceSettings(ttlSeconds: 30).renewInterval, 10)
    }

    func testLeasesOnAClusterAreReadAndDeletedAcrossSlots() throws {
        let cluster = try LocalServers.startRedisCluster()
        defer { cluster.stop() }
        let client = try RedisDeployment.connect(url: cluster.url)
        XCTAssertTrue(client.isCluster)
        let presence = ReleasePresence(redis: client)
        let releases = (0..<12).map { _ in randomRelease() }
        XCTAssertGreaterThan(Set(releases.map { ClusterSlot.of(ReleasePresence.key(of: $0)) }).count, 1)
        for (index, release) in releases.enumerated() {
            try presence.hold(release, reviewer: index.isMultiple(of: 2) ? "ana" : "bob", session: "s\(index)")
        }
        let leases = try presence.leases(of: releases)
        XCTAssertEqual(leases.count, releases.count)
        XCTAssertEqual(leases[releases[1]]?.reviewer, "bob")
        XCTAssertEqual(Set(try presence.allLeases().map(\.releaseID)), Set(releases), "SCAN visits every master")
        XCTAssertFalse(try presence.release(releases[0], reviewer: "ana", session: "s1"), "not that session's lease")
        XCTAssertTrue(try presence.release(releases[0], reviewer: "ana", session: "s0"))
        XCTAssertEqual(try presence.leases(of: releases).count, releases.count - 1)
    }

    /// Polls `condition` until it holds, at most `seconds` (waiting for a thread's work, not timing it).
    private func waitUntil(_ what: String, seconds: TimeInterval = 20, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTFail("gave up waiting: \(what)")
    }
}
