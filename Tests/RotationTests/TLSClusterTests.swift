import Foundation
import LocalServers
import Postgres
import Redis
import Rotation
import XCTest

/// `rediss://` to a Redis Cluster: a private TLS-only cluster (`tls-cluster yes`, `tls-replication yes`, a throwaway
/// CA; LocalServers+Cluster.swift) reached as the programs reach it, from `REDIS_URL` alone. A review action writes
/// through to the key's master, the stats sum every master, a store clear unlinks exactly its keys on every
/// master, and `health` names both the TLS session and the cluster.
final class TLSClusterTests: XCTestCase {
    nonisolated(unsafe) static var cluster: LocalRedisCluster?
    nonisolated(unsafe) static var startError: Error?

    override class func setUp() {
        super.setUp()
        do { cluster = try LocalServers.startRedisCluster(tls: LocalServers.TLSShape()) } catch { startError = error }
    }

    override class func tearDown() {
        cluster?.stop()
        cluster = nil
        super.tearDown()
    }

    private func tlsCluster() throws -> LocalRedisCluster {
        if let error = Self.startError { throw error }
        let cluster = try XCTUnwrap(Self.cluster)
        XCTAssertTrue(cluster.url.hasPrefix("rediss://"), "the URL handed out is TLS")
        return cluster
    }

    func testAReviewActionStatsAndAStoreClearOverTLS() throws {
        let cluster = try tlsCluster()
        let (url, db) = try TestDatabase.fresh()
        defer { db.close() }
        let redis = try DetectingRedisClient(url: cluster.seedURLs)
        XCTAssertTrue(redis.isCluster, "detected as a cluster over TLS")
        let service = MatchService(database: try PostgresConnection(url: url), redis: redis, cacheTTL: 3600)
        let actions = ReviewActions(service: service)

        // One store's release of 12 tracks (their keys spread over the three masters) and another store's.
        let store = "tls-cluster-store", otherStore = "tls-cluster-other"
        let release = randomKey().releaseID, other = randomKey().releaseID
        for (id, owner) in [(release, store), (other, otherStore)] {
            let tracks = (0..<12).map { #"{"type_":"track","title":"Track \#($0)","position":"A\#($0)"}"# }
            try db.query("""
                INSERT INTO releases (discogs_id, store_username, title, artist, tracklist)
                VALUES ($1, $2, 'Title', 'Artist', $3::jsonb)
                """, id, owner, "[" + tracks.joined(separator: ",") + "]")
            for track in 0..<12 {
                try db.query("""
                    INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved)
                    VALUES ($1, $2, 'youtube', $3, 0.95, true)
                    """, id, track, "https://www.youtube.com/watch?v=r\(id)t\(track)")
            }
        }
        let keys = (0..<12).map { TrackKey(releaseID: release, trackIndex: $0) }
        let otherKeys = (0..<12).map { TrackKey(releaseID: other, trackIndex: $0) }
        let cacheWrites = MatchCacheWriter(redis: redis, ttlSeconds: 3600)
            .write(try (keys + otherKeys).map { try XCTUnwrap(service.row($0)) })
        XCTAssertEqual(cacheWrites, [], "every key written")
        let nodes = try redis.dbsizeByNode()
        XCTAssertEqual(nodes.count, 3)
        XCTAssertEqual(nodes.filter { $0.keys > 0 }.count, 3, "the keys landed on every master: \(nodes)")

        // A review action: the row changes in Postgres and its key is written through over TLS.
        try db.query("UPDATE track_matches SET approved = false, confidence = 0.6 WHERE release_id = $1 AND track_index = 0",
                     release)
        let pending = try XCTUnwrap(service.row(keys[0]))
        let approved = try actions.approve(keys[0], seen: .seen(pending), reviewer: "tls-curator")
        XCTAssertEqual(approved.cache, .written)
        guard case .value(let value) = try service.cachedValue(keys[0]) else { return XCTFail("no cache value") }
        XCTAssertEqual(value.verifiedBy, "tls-curator")

        // Stats: DBSIZE and INFO summed over the masters.
        let sampler = CacheStatsSampler(redis: redis)
        defer { sampler.stop() }
        let stats = try sampler.sample(startScan: false)
        XCTAssertEqual(stats.totalKeys, try redis.dbsizeByNode().reduce(0) { $0 + $1.keys })
        XCTAssertGreaterThanOrEqual(stats.totalKeys ?? 0, 24)
        XCTAssertEqual(stats.limits, [], "every master answered INFO and DBSIZE")
        XCTAssertNotNil(stats.usedMemoryBytes)

        // A store clear: its rows deleted and logged, exactly their keys unlinked on every master.
        let cleared = try actions.clearStore(store, reviewer: "tls-admin")
        XCTAssertEqual(cleared.rowsAffected, 12)
        XCTAssertEqual(try redis.mget(keys.map(\.cacheKey)), Array(repeating: nil, count: keys.count))
        XCTAssertEqual(try redis.mget(otherKeys.map(\.cacheKey)).compactMap { $0 }.count, 12, "the other store's keys stay")
        _ = try redis.unlink(otherKeys.map(\.cacheKey))
    }

    func testHealthSaysTLSAndCluster() throws {
        let cluster = try tlsCluster()
        let health = HealthCheck.redis(cluster.seedURLs, timeoutSeconds: 5)
        XCTAssertTrue(health.up, "\(health)")
        XCTAssertEqual(health.deployment, "cluster of 3 masters", "\(health)")
        XCTAssertTrue(health.tlsVersion?.hasPrefix("TLSv1.") ?? false, "\(health)")
        XCTAssertEqual(health.tlsVerifiedPeer, "127.0.0.1", "\(health)")
        XCTAssertFalse("\(health)".contains(cluster.password), "the password is never shown")
    }
}
