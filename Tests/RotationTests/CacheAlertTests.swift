import Foundation
import LocalServers
import Redis
import Rotation
import XCTest

/// The cache's alert thresholds (`CacheAlertThresholds`): their settings, and the alerts from known figures.
final class CacheAlertTests: XCTestCase {
    private func fleet(hits: Int, misses: Int, invalid: Int = 0, lookups: Int? = nil, lookupMilliseconds: Int = 1) -> FleetLookups {
        let count = lookups ?? hits + misses
        return FleetLookups(windowMinutes: 60, minutes: [
            LookupMinute(minute: 100, hits: hits, misses: misses, invalid: invalid, lookups: count,
                         lookupMicroseconds: count * lookupMilliseconds * 1000),
        ])
    }

    func testDefaultsAreTheSeedsThresholds() {
        let thresholds = CacheAlertThresholds(environment: [:])
        XCTAssertEqual(thresholds, .defaults)
        XCTAssertEqual(thresholds[.hitRate], 50)
        XCTAssertEqual(thresholds[.lookupTime], 200)
        XCTAssertEqual(thresholds[.memory], 90)
        XCTAssertEqual(thresholds[.invalidValues], 5)
    }

    func testEnvironmentThenConfigFileSetTheThresholds() {
        var thresholds = CacheAlertThresholds(environment: [
            "CACHE_ALERT_HIT_RATE_PERCENT": "70", "CACHE_ALERT_LOOKUP_MS": " 150 ", "CACHE_ALERT_MEMORY_PERCENT": "lots",
            "CACHE_ALERT_INVALID_PERCENT": "-1",
        ])
        XCTAssertEqual(thresholds[.hitRate], 70)
        XCTAssertEqual(thresholds[.lookupTime], 150)
        XCTAssertEqual(thresholds[.memory], 90, "not a number: the default stays")
        XCTAssertEqual(thresholds[.invalidValues], 5, "negative: the default stays")
        let problems = thresholds.apply(configValues: [
            (key: "hit_rate_percent", value: 60, line: 2), (key: "memory_percent", value: 80, line: 3),
            (key: "hit_rate", value: 1, line: 4), (key: "lookup_ms", value: nil, line: 5),
        ])
        XCTAssertEqual(thresholds[.hitRate], 60, "the config file overrides the environment")
        XCTAssertEqual(thresholds[.memory], 80)
        XCTAssertEqual(thresholds[.lookupTime], 150, "a bad entry is skipped")
        XCTAssertEqual(problems.count, 2)
        XCTAssertTrue(problems[0].hasPrefix("line 4: unknown key \"hit_rate\""), problems[0])
        XCTAssertTrue(problems[1].hasPrefix("line 5: [cache.alerts] lookup_ms must be a non-negative number"), problems[1])
    }

    func testEachFigurePastItsThresholdIsNamed() {
        let alerts = CacheAlertThresholds.defaults.alerts(
            fleet: fleet(hits: 40, misses: 60, invalid: 6, lookupMilliseconds: 250), usedMemoryBytes: 950, maxMemoryBytes: 1000)
        XCTAssertEqual(alerts.map(\.figure), [.hitRate, .lookupTime, .memory, .invalidValues])
        XCTAssertEqual(alerts.map(\.message), [
            "low hit rate 40% < 50%", "slow lookups 250 ms > 200 ms", "memory high 95% > 90% of maxmemory",
            "invalid values 6% > 5%",
        ])
    }

    func testFiguresWithinTheirThresholdsAreQuiet() {
        let thresholds = CacheAlertThresholds.defaults
        XCTAssertEqual(thresholds.alerts(fleet: fleet(hits: 50, misses: 50, invalid: 5, lookupMilliseconds: 200),
                                         usedMemoryBytes: 900, maxMemoryBytes: 1000), [])
        XCTAssertEqual(thresholds.alerts(fleet: nil, usedMemoryBytes: 5000, maxMemoryBytes: 0), [], "no maxmemory: no memory alert")
        XCTAssertEqual(thresholds.alerts(fleet: nil, usedMemoryBytes: nil, maxMemoryBytes: nil), [], "INFO refused: nothing known")
        XCTAssertEqual(thresholds.alerts(fleet: fleet(hits: 1, misses: 18, invalid: 18), usedMemoryBytes: nil, maxMemoryBytes: nil), [],
                       "rates wait for \(CacheAlertThresholds.minimumReads) reads")
    }

    /// The sampler reads seeded counters of the last hour and flags them with the thresholds it was given.
    func testSamplerShowsTheFleetAndItsAlertsFromSeededCounters() throws {
        let servers = try LocalServers.start(postgres: false, redis: true)
        defer { servers.stop() }
        let redis = try RedisConnection(url: try XCTUnwrap(servers.redisURL))
        let now = LookupCounterKeys.minute(of: Date())
        for (minute, hits, misses) in [(now - 90, 1000, 0), (now - 30, 10, 30), (now - 1, 20, 20)] {
            let key = LookupCounterKeys.key(minute: minute)
            _ = try redis.pipeline([
                ["HINCRBY", key, "hits", hits], ["HINCRBY", key, "misses", misses], ["HINCRBY", key, "lookups", hits + misses],
                ["HINCRBY", key, "lookup_us", (hits + misses) * 5_000], ["EXPIRE", key, 600],
            ])
        }
        let thresholds = CacheAlertThresholds(values: [.hitRate: 60, .lookupTime: 200, .memory: 90, .invalidValues: 5])
        let stats = try CacheStatsSampler(redis: redis, alertThresholds: thresholds).sample(startScan: false)
        let fleet = try XCTUnwrap(stats.fleet)
        XCTAssertEqual(fleet.total.hits, 30, "the minute 90 minutes ago is outside the hour")
        XCTAssertEqual(fleet.total.misses, 50)
        XCTAssertEqual(fleet.hitRate, 30.0 / 80.0)
        XCTAssertEqual(fleet.meanLookupMilliseconds, 5)
        XCTAssertEqual(fleet.minutes.compactMap(\.hitRate), [0.25, 0.5])
        XCTAssertEqual(stats.alerts.map(\.message), ["low hit rate 37.5% < 60%"])

        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(stats)) as? [String: Any]
        let alerts = try XCTUnwrap(json?["alerts"] as? [[String: Any]])
        XCTAssertEqual(alerts.first?["figure"] as? String, "hit_rate")
    }
}
