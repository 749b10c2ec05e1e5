import Foundation
import LocalServers
import Postgres
import Redis
import Rotation
import XCTest

/// A hosted Redis that refuses `INFO`, `DBSIZE`, `SCAN` and `CONFIG` to the application's user (an ACL user here,
/// as such services grant it): the stats degrade with a note of what is unknown, the key browser's refusal says
/// why in words, and the review actions' cache writes work as anywhere else. A private Redis, since the test adds
/// an ACL user.
final class HostedRedisLimitsTests: XCTestCase {
    private var servers: LocalServers!
    private var limitedURL = ""

    override func setUpWithError() throws {
        servers = try LocalServers.start(postgres: false, redis: true)
        let adminURL = try XCTUnwrap(servers.redisURL)
        let admin = try RedisConnection(url: adminURL)
        defer { admin.close() }
        let secret = "limited-\(UInt32.random(in: 0...UInt32.max))"
        try admin.command(["ACL", "SETUSER", "app", "on", ">\(secret)", "~*", "&*", "+@all",
                           "-info", "-dbsize", "-scan", "-config", "-keys"])
        let password = try XCTUnwrap(URLComponents(string: adminURL)?.password)
        limitedURL = adminURL.replacingOccurrences(of: ":\(password)@", with: "app:\(secret)@")
        XCTAssertNotEqual(limitedURL, adminURL)
    }

    override func tearDownWithError() throws {
        servers?.stop()
        servers = nil
    }

    func testStatsSayWhatTheServerRefusesInsteadOfFailing() throws {
        let redis = try XCTUnwrap(try TierConnections.openRedis(settings()))
        try redis.set("match:1:0", "{}", expireSeconds: 60)
        let sampler = CacheStatsSampler(redis: redis)
        let first = try sampler.sample(startScan: false)
        XCTAssertNil(first.totalKeys)
        XCTAssertNil(first.usedMemoryBytes)
        XCTAssertEqual(first.limits.count, 2, "\(first.limits)")
        XCTAssertTrue(first.limits.contains { $0.hasPrefix("INFO refused") }, "\(first.limits)")
        XCTAssertTrue(first.limits.contains { $0.hasPrefix("DBSIZE refused") }, "\(first.limits)")

        XCTAssertNil(try sampler.scanNow(), "a refused SCAN gives no figures, and no error")
        XCTAssertTrue(sampler.scanRefused)
        let second = try sampler.sample()
        XCTAssertTrue(second.limits.contains { $0.hasPrefix("SCAN refused") }, "\(second.limits)")
        XCTAssertNil(second.matchKeys)
    }

    func testTheKeyBrowserSaysTheServerRefusesScan() throws {
        let redis = try XCTUnwrap(try TierConnections.openRedis(settings()))
        XCTAssertThrowsError(try CacheKeyBrowser(redis: redis, database: nil).page(after: nil)) { error in
            XCTAssertTrue((error as? RedisError)?.isCommandRefused == true, "\(error)")
            XCTAssertTrue(TierFailure.message(for: error).contains("refuses the command to this user"),
                          TierFailure.message(for: error))
        }
    }

    func testReviewActionsWriteTheCacheAsAnywhereElse() throws {
        let (url, db) = try TestDatabase.fresh()
        var settings = settings()
        settings.databaseURL = url
        let service = try MatchService(settings: settings)
        let key = TrackKey(releaseID: Int64.random(in: 1_000_000...9_000_000), trackIndex: 0)
        try db.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved)
            VALUES ($1, $2, 'youtube', 'https://www.youtube.com/watch?v=hosted', 0.6::real, false)
            """, key.releaseID, key.trackIndex)
        let row = try XCTUnwrap(service.row(key))
        let outcome = try ReviewActions(service: service).approve(key, seen: .seen(row), reviewer: "hosted")
        XCTAssertEqual(outcome.cache, .written)
        guard case .value(let cached) = try service.cachedValue(key) else { return XCTFail("no cache value") }
        XCTAssertTrue(cached.approved)
    }

    private func settings() -> RotationSettings {
        var settings = RotationSettings(environment: [:])
        settings.redisURL = limitedURL
        return settings
    }
}
