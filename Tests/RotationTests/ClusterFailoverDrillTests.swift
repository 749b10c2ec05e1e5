import Foundation
import LocalServers
import Postgres
import Redis
import Rotation
import XCTest

/// A master of a private Redis Cluster killed in the middle of 1,000 review actions: every action either writes its
/// cache value or says the key will be repaired, and afterwards no cached value disagrees with its row. The service
/// is opened as the programs open it (`REDIS_URL` naming one node; the cluster detected). Its own cluster, since
/// the drill changes the topology.
final class ClusterFailoverDrillTests: XCTestCase {
    func testApprovalsAcrossAMasterKilledLeaveNoStaleKey() throws {
        let cluster = try LocalServers.startRedisCluster()
        defer { cluster.stop() }
        let (url, db) = try TestDatabase.fresh()
        var settings = RotationSettings(environment: [:])
        settings.databaseURL = url
        settings.redisURL = cluster.url
        settings.cacheTTL = 3600
        let service = try MatchService(settings: settings)
        let detecting = try XCTUnwrap(service.redis as? DetectingRedisClient)
        let redis = try XCTUnwrap(try detecting.client() as? RedisCluster, "REDIS_URL names a cluster node")
        let actions = ReviewActions(service: service)

        let releaseBase = Int64.random(in: 1_000_000_000...8_000_000_000)
        let keys = (0..<1000).map { TrackKey(releaseID: releaseBase + Int64($0 / 4), trackIndex: $0 % 4) }
        var rows: [TrackMatch] = []
        for key in keys {
            try db.query("""
                INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved)
                VALUES ($1, $2, 'youtube', 'https://www.youtube.com/watch?v=drill', 0.6::real, false)
                """, key.releaseID, key.trackIndex)
            rows.append(try XCTUnwrap(service.row(key)))
        }
        // A value for every key first (approved, by nobody): a write lost in the failover would leave it there,
        // disagreeing with the row the approval wrote.
        XCTAssertEqual(MatchCacheWriter(redis: redis, ttlSeconds: 3600).write(rows.map { row in
            var approvedCopy = row
            approvedCopy.approved = true
            return approvedCopy
        }), [])

        let killAt = 300
        var outcomes: [CacheWriteResult: Int] = [:]
        var victim: ClusterNode?
        for (index, row) in rows.enumerated() {
            if index == killAt {
                let master = try XCTUnwrap(redis.slotMap.master(ofSlot: ClusterSlot.of(row.key.cacheKey)))
                // Replication is asynchronous: a write the master acknowledged just before dying can be lost with
                // it (a property of Redis Cluster). The drill kills it once its replica has what it acknowledged.
                XCTAssertEqual(try redis.connection(to: master).command("WAIT", 1, 5000).int, 1)
                cluster.killNode(port: master.port)
                victim = master
            }
            let outcome = try actions.approve(row.key, seen: .seen(row), reviewer: "drill")
            outcomes[outcome.cache, default: 0] += 1
        }
        XCTAssertEqual(outcomes[.written, default: 0] + outcomes[.repairQueued, default: 0], rows.count,
                       "every action wrote its value or queued a repair: \(outcomes)")
        try service.repairCache()

        var stale = 0, missing = 0
        for key in keys {
            let row = try XCTUnwrap(service.row(key))
            switch try service.cachedValue(key) {
            case .value(let cached):
                if cached.approved != row.approved || cached.verifiedBy != row.verifiedBy { stale += 1 }
            case .missing: missing += 1
            case .invalid: stale += 1
            }
        }
        XCTAssertEqual(stale, 0)
        XCTAssertFalse(redis.masters.contains(try XCTUnwrap(victim)), "the killed master's replica took over")
        print("DRILL cluster failover: \(rows.count) approvals, master \(victim!.address) killed before #\(killAt + 1);"
              + " cache written \(outcomes[.written, default: 0]), repair queued \(outcomes[.repairQueued, default: 0]);"
              + " afterwards \(stale) stale, \(missing) missing (re-read from Postgres)")
    }
}
