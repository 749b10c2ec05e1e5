import Foundation
import LocalServers
import Redis
import Rotation
import XCTest
@testable import Console
@testable import ConsoleLive

/// The console's effects and live panes with `REDIS_URL` naming a private Redis Cluster (3 masters, a replica
/// each) and nothing else changed: decisions write through to the key's master, the cache screen lists and clears
/// over every master, and the cache pane's figures are the masters' summed.
final class ClusterConsoleLiveTests: LiveTestCase {
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
        clusterClient = try XCTUnwrap(try RedisDeployment.connect(url: cluster.url) as? RedisCluster)
        for master in clusterClient.masters { try clusterClient.connection(to: master).command("FLUSHDB") }
        redisURL = cluster.url
        handler = ServiceEffectHandler(settings: settings(), reviewer: Self.reviewer)
    }

    func testADecisionWritesThroughToTheCluster() throws {
        let events = perform(.review(requestID(), ReviewCommand(decision: .approve, targets: [ReviewTarget(try track(1))])))
        guard case .reviewApplied(_, let rows, _, _)? = events.first else { return XCTFail("\(events)") }
        XCTAssertEqual(rows.first?.status, .approved)
        let value = try XCTUnwrap(try clusterClient.get("match:\(Self.release):1"), "the key is on the cluster")
        XCTAssertTrue(value.contains(#""approved":true"#), value)
        XCTAssertNil(try redis.get("match:\(Self.release):1"), "nothing went to the single Redis")
    }

    func testTheCacheScreenListsAndClearsEveryMaster() throws {
        for index in 0..<60 { try clusterClient.set("match:\(9000 + index):0", "{}", expireSeconds: 3600) }
        try clusterClient.set("other:key", "keep", expireSeconds: nil)
        var found = Set<String>()
        var cursor: String?
        var steps = 0
        repeat {
            let events = perform(.loadCacheKeys(requestID(), after: cursor))
            guard events.count == 1, case .cacheKeysLoaded(_, let rows, let next, _) = events[0] else {
                return XCTFail("\(events)")
            }
            found.formUnion(rows.map(\.key))
            cursor = next
            steps += 1
        } while cursor != nil && steps < 100
        XCTAssertEqual(found.count, 60)

        let cleared = perform(.clearCache(requestID(), .allMatchKeys))
        guard case .cacheClearFinished(_, 60)? = cleared.last else { return XCTFail("\(cleared)") }
        XCTAssertEqual(try clusterClient.totalKeys(), 1)
    }

    func testTheCachePaneSumsTheMasters() throws {
        for index in 0..<30 { try clusterClient.set("match:\(9100 + index):0", "{}", expireSeconds: 3600) }
        let feeds = LiveFeeds(settings: settings(), inbox: inbox)
        feeds.statsInterval = 0.2
        feeds.start()
        defer { feeds.stop() }
        var cache: CacheSnapshot?
        _ = collectEvents(from: inbox) { events in
            for case .cacheStatsSampled(let snapshot) in events { cache = snapshot }
            return cache != nil
        }
        XCTAssertEqual(cache?.totalKeys, 30, "DBSIZE summed over the masters")
        XCTAssertEqual(cache?.limits, [])
    }
}
