import Foundation
import LocalServers
import Redis
import Rotation
import XCTest

/// Stats and wide clears walk every `match:*` key, so each test has a private Redis.
final class CacheStatsTests: XCTestCase {
    func testCacheStatsAtOneHundredThousandKeysNeverCallKEYS() throws {
        let servers = try LocalServers.start(postgres: false, redis: true)
        defer { servers.stop() }
        let redis = try RedisConnection(url: try XCTUnwrap(servers.redisURL))
        for batch in stride(from: 0, to: 100_000, by: 2000) {
            _ = try redis.pipeline((batch..<batch + 2000).map { i in
                ["SET", "match:\(i / 10):\(i % 10)", #"{"platform":"youtube","match_url":"u","confidence":0.9,"approved":true,"verified_at":"2024-01-01T00:00:00.000Z"}"#, "EX", 86_400]
            })
        }
        try redis.command("SET", "other:key", "x")
        try redis.command("CONFIG", "RESETSTAT")

        let counters = MatchCacheCounters()
        let sampler = CacheStatsSampler(redis: redis, counters: counters)
        _ = try sampler.sample(startScan: false)
        let scan = try XCTUnwrap(sampler.scanNow())
        let stats = try sampler.sample(startScan: false)
        XCTAssertEqual(stats.totalKeys, 100_001)
        XCTAssertEqual(scan.matchKeys, 100_000)
        XCTAssertEqual(stats.matchKeys, 100_000)
        XCTAssertNotNil(stats.scanAgeSeconds)
        XCTAssertEqual(stats.ttlSpread?.twelveToTwentyFourHours, scan.ttlSpread.sampled)
        XCTAssertGreaterThan(scan.ttlSpread.sampled, 0)
        XCTAssertNotNil(stats.usedMemoryBytes)

        let commands = try redis.info(section: "commandstats").commandStats
        XCTAssertNil(commands["keys"], "cache stats must never call KEYS")
        XCTAssertNil(commands["flushdb"])
        XCTAssertNotNil(commands["scan"])
    }

    func testServerHitRateComesFromInfoDeltas() throws {
        let servers = try LocalServers.start(postgres: false, redis: true)
        defer { servers.stop() }
        let redis = try RedisConnection(url: try XCTUnwrap(servers.redisURL))
        let sampler = CacheStatsSampler(redis: redis)
        XCTAssertNil(try sampler.sample(startScan: false).serverHitRate, "no window before the second sample")
        try redis.command("SET", "match:1:0", "x")
        for _ in 0..<3 { _ = try redis.get("match:1:0") }
        _ = try redis.get("match:1:1")
        XCTAssertEqual(try sampler.sample(startScan: false).serverHitRate, 0.75)
    }
}
