import Foundation
import LocalServers
import Redis
import XCTest

/// The CLI with `REDIS_URL` naming a private Redis Cluster (3 masters, a replica each), nothing else changed: the
/// review commands write through to the key's master, `health` says it is a cluster, and the cache commands count,
/// list and clear over every master. Postgres is the class's usual one.
final class ClusterCLITests: CLITestCase {
    nonisolated(unsafe) private static var cluster: LocalRedisCluster?
    private var clusterClient: RedisCluster!

    override class func tearDown() {
        cluster?.stop()
        cluster = nil
        super.tearDown()
    }

    override func setUpWithError() throws {
        try super.setUpWithError()
        if Self.cluster == nil { Self.cluster = try LocalServers.startRedisCluster() }
        let cluster = try XCTUnwrap(Self.cluster)
        // One seed is enough; several, comma-separated, is the form for a node that may be down.
        redisURL = cluster.seedURLs
        clusterClient = try XCTUnwrap(try RedisDeployment.connect(url: cluster.url) as? RedisCluster)
        for master in clusterClient.masters { try clusterClient.connection(to: master).command("FLUSHDB") }
    }

    private func clusterValue(_ release: Int64, _ track: Int) throws -> [String: Any]? {
        guard let text = try clusterClient.get("match:\(release):\(track)") else { return nil }
        return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    }

    func testReviewCommandsWriteThroughToTheCluster() throws {
        try insertRelease(610, store: "cluster-store")
        for track in 0..<6 { try insertMatch(610, track, confidence: 0.6) }
        for track in 0..<6 {
            let outcome = try ok(["matches", "approve", "610", "\(track)", "--json"]).object()
            XCTAssertEqual(outcome.string("cache"), "written", "\(outcome)")
            XCTAssertEqual(try clusterValue(610, track)?.bool("approved"), true)
        }
        XCTAssertNil(try cached(610, 0), "nothing went to the plain Redis of the class")
        try ok(["matches", "reject", "610", "5"])
        XCTAssertNil(try clusterValue(610, 5))
        try ok(["matches", "undo"])
        XCTAssertEqual(try clusterValue(610, 5)?.bool("approved"), true, "the undo re-cached the approved match")
        // The keys landed on more than one master (keys of one release spread over slots).
        let holders = try clusterClient.dbsizeByNode().filter { $0.keys > 0 }
        XCTAssertGreaterThan(holders.count, 1, "\(holders)")
    }

    func testHealthNamesTheClusterAndStatsSumEveryMaster() throws {
        let health = try ok(["health"])
        XCTAssertTrue(health.stdout.contains("cluster of 3 masters"), "\(health)")
        XCTAssertFalse(health.stdout.contains(try XCTUnwrap(Self.cluster).password), "the password is never printed")

        for index in 0..<90 { try clusterClient.set("match:\(700 + index):0", "{}", expireSeconds: 3600) }
        try clusterClient.set("other:key", "keep", expireSeconds: nil)
        let stats = try ok(["cache", "stats", "--json", "--window", "0"]).object()
        XCTAssertEqual(stats.int("totalKeys"), 91, "\(stats)")
        XCTAssertEqual(stats.int("matchKeys"), 90, "\(stats)")
        XCTAssertEqual(stats.array("limits")?.count, 0, "\(stats)")
    }

    func testCacheKeysAndClearsWalkEveryMaster() throws {
        for index in 0..<120 { try clusterClient.set("match:\(800 + index):1", "{}", expireSeconds: 3600) }
        try clusterClient.set("other:key", "keep", expireSeconds: nil)

        var listed = Set<String>()
        var after: String?
        repeat {
            var arguments = ["cache", "keys", "--json", "--limit", "50"]
            if let after { arguments += ["--after", after] }
            let page = try ok(arguments).object()
            for item in page.array("keys") ?? [] { if let key = (item as? [String: Any])?.string("key") { listed.insert(key) } }
            after = page.string("next")
        } while after != nil
        XCTAssertEqual(listed.count, 120, "every master's keys are listed once")

        let dry = try ok(["cache", "clear", "all", "--dry-run", "--json"]).object()
        XCTAssertEqual(dry.int("count"), 120, "\(dry)")
        let all = try ok(["cache", "clear", "all", "--yes"])
        XCTAssertTrue(all.stdout.contains("unlinked 120 keys"), "\(all)")
        XCTAssertEqual(try clusterClient.totalKeys(), 1)
        XCTAssertEqual(try clusterClient.get("other:key"), "keep")
    }
}
