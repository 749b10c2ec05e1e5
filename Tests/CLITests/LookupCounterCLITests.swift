import Foundation
import Redis
import Synchronization
import XCTest

/// The fleet's lookup counters from separate processes (`rotation matches show`), and `rotation cache stats`
/// printing them with their alerts, in text and JSON.
final class LookupCounterCLITests: CLITestCase {
    private static let value = #"{"platform":"youtube","match_url":"https://www.youtube.com/watch?v=abc","confidence":0.9,"approved":true,"verified_at":"2024-01-01T00:00:00.000Z"}"#

    /// Twelve processes at once, each one lookup: the counters add up exactly.
    func testConcurrentProcessesCountExactTotalsAndCacheStatsShowsThem() throws {
        try redis.set("match:700:0", Self.value, expireSeconds: 3600)
        try redis.set("match:700:1", Self.value, expireSeconds: 3600)
        let tracks = Array(repeating: ["0", "1", "2"], count: 4).flatMap { $0 }  // 2 cached, track 2 missing
        let statuses = Mutex<[Int32]>([])
        nonisolated(unsafe) let test = self
        DispatchQueue.concurrentPerform(iterations: tracks.count) { index in
            let status = (try? test.rotation(["matches", "show", "700", tracks[index]]))?.status ?? -1
            statuses.withLock { $0.append(status) }
        }
        XCTAssertEqual(statuses.withLock { $0 }, Array(repeating: 0, count: 12))

        let stats = try ok(["cache", "stats", "--json", "--no-scan", "--window", "0"]).object()
        let fleet = try XCTUnwrap(stats["fleet"] as? [String: Any])
        XCTAssertEqual(fleet["hits"] as? Int, 8)
        XCTAssertEqual(fleet["misses"] as? Int, 4)
        XCTAssertEqual(fleet["lookups"] as? Int, 12)
        XCTAssertEqual(fleet["windowMinutes"] as? Int, 60)
        XCTAssertEqual((fleet["minutes"] as? [Any])?.count, 60)
        let rate = try XCTUnwrap(fleet["hitRate"] as? Double)
        XCTAssertEqual(rate, 8.0 / 12.0, accuracy: 1e-9)
        XCTAssertEqual((stats["alerts"] as? [Any])?.count, 0, "12 reads are too few for a rate alert")

        let text = try ok(["cache", "stats", "--no-scan", "--window", "0"]).stdout
        XCTAssertTrue(text.contains("ours           66.7% hit rate of 12 match lookups in the last 60 min"), text)
        XCTAssertTrue(text.contains("the web app's reads are not counted"), text)
        XCTAssertFalse(text.contains("ALERT"), text)
    }

    /// Seeded counters under a threshold set in config.toml's `[cache.alerts]` (over the environment's) are flagged
    /// in words, in text and in JSON.
    func testCacheStatsFlagsTheThresholdsOfTheConfigFile() throws {
        let minute = Int(Date().timeIntervalSince1970 / 60)
        let key = "rotation:{lookups}:\(minute)"
        _ = try redis.pipeline([["HINCRBY", key, "hits", 70], ["HINCRBY", key, "misses", 30], ["HINCRBY", key, "lookups", 100],
                                ["HINCRBY", key, "lookup_us", 100 * 3_000], ["EXPIRE", key, 600]])
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("rotation-alerts-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: config.appendingPathComponent("rotation"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: config) }
        try "[cache.alerts]\nhit_rate_percent = 80\nlookup_ms = 2.5\nbogus = 1\n"
            .write(to: config.appendingPathComponent("rotation/config.toml"), atomically: true, encoding: .utf8)
        let environment = ["XDG_CONFIG_HOME": config.path, "CACHE_ALERT_HIT_RATE_PERCENT": "10"]

        let text = try ok(["cache", "stats", "--no-scan", "--window", "0"], environment: environment)
        XCTAssertTrue(text.stdout.contains("ALERT          low hit rate 70% < 80%"), text.stdout)
        XCTAssertTrue(text.stdout.contains("ALERT          slow lookups 3.0 ms > 2.5 ms"), text.stdout)
        XCTAssertTrue(text.stderr.contains("unknown key \"bogus\" in [cache.alerts]"), text.stderr)

        let json = try ok(["cache", "stats", "--json", "--no-scan", "--window", "0"], environment: environment).object()
        let alerts = try XCTUnwrap(json["alerts"] as? [[String: Any]])
        XCTAssertEqual(alerts.map { $0["figure"] as? String }, ["hit_rate", "lookup_time"])
        XCTAssertEqual(alerts.first?["threshold"] as? Double, 80)
    }
}
