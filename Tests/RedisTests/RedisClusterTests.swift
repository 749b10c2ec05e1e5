import Foundation
import LocalServers
import Redis
import XCTest

/// The cluster-aware client against a real private Redis Cluster (3 masters, a replica each) that this class
/// starts and stops. Each test uses keys of its own prefix.
final class RedisClusterTests: XCTestCase {
    nonisolated(unsafe) static var cluster: LocalRedisCluster?

    override class func setUp() {
        super.setUp()
        cluster = try? LocalServers.startRedisCluster()
    }

    override class func tearDown() {
        cluster?.stop()
        cluster = nil
        super.tearDown()
    }

    private func privateCluster() throws -> LocalRedisCluster {
        try XCTUnwrap(Self.cluster, "the private Redis Cluster did not start")
    }

    private func client() throws -> RedisCluster {
        let client = try RedisDeployment.connect(url: try privateCluster().url)
        return try XCTUnwrap(client as? RedisCluster, "a cluster node's URL should give a cluster client")
    }

    private func keys(_ count: Int, _ name: String = #function) -> [String] {
        let prefix = "cluster-tests:\(name.prefix(while: { $0 != "(" })):\(UUID().uuidString):"
        return (0..<count).map { "\(prefix)\($0)" }
    }

    func testModeIsDetectedFromAnyNodeOrSeveral() throws {
        let cluster = try privateCluster()
        let fromLastNode = try RedisDeployment.connect(url: cluster.url(port: cluster.ports.last!))
        XCTAssertTrue(fromLastNode.isCluster)
        // Several seeds, the first one down: the next one answers, and the password carries over.
        let deadSeed = "redis://:\(cluster.password)@127.0.0.1:1"
        let seeds = deadSeed + "," + cluster.ports.map { "redis://127.0.0.1:\($0)" }.joined(separator: ",")
        let fromSeeds = try RedisDeployment.connect(url: seeds)
        XCTAssertTrue(fromSeeds.isCluster)
        XCTAssertEqual((fromSeeds as? RedisCluster)?.masters.count, 3)
    }

    func testCommandsGoToTheMasterOfTheKeysSlot() throws {
        let client = try client()
        let keys = keys(60)
        for key in keys { try client.set(key, "value of \(key)", expireSeconds: 600) }
        for key in keys {
            XCTAssertEqual(try client.get(key), "value of \(key)")
            let master = try XCTUnwrap(client.slotMap.master(ofSlot: ClusterSlot.of(key)))
            // Asked directly, the slot's master holds the key (any other master would answer MOVED).
            XCTAssertEqual(try client.connection(to: master).get(key), "value of \(key)")
            XCTAssertEqual(try client.ttl(key).seconds.map { $0 > 500 }, true)
        }
        XCTAssertEqual(try client.mget(keys + ["\(keys[0])-missing"]), keys.map { "value of \($0)" } + [nil])
        XCTAssertEqual(Set(keys.map { client.slotMap.master(ofSlot: ClusterSlot.of($0))! }).count, 3,
                       "60 keys should spread over the 3 masters")
        XCTAssertEqual(try client.unlink(keys), keys.count)
    }

    func testScanOverEveryMasterFindsEveryKeyAndDbsizeIsTheirSum() throws {
        let client = try client()
        let keys = keys(300)
        for key in keys { try client.set(key, "x", expireSeconds: 600) }
        let prefix = String(keys[0].dropLast(1))
        var seen: Set<String> = []
        let completed = try client.scanAllKeyBytes(match: prefix + "*", count: 50, type: nil) { batch in
            seen.formUnion(batch.map { String(decoding: $0, as: UTF8.self) })
            return true
        }
        XCTAssertTrue(completed)
        XCTAssertEqual(seen, Set(keys))

        let perNode = try client.dbsizeByNode()
        XCTAssertEqual(perNode.count, 3)
        XCTAssertTrue(perNode.allSatisfy { $0.keys > 0 }, "every master holds some of the keys")
        XCTAssertEqual(try client.totalKeys(), perNode.reduce(0) { $0 + $1.keys })
        XCTAssertGreaterThanOrEqual(try client.totalKeys(), keys.count)
        XCTAssertEqual(try client.infoByNode(sections: ["keyspace"]).count, 3)

        // UNLINK grouped by node and slot removes every one of them.
        XCTAssertEqual(try client.unlink(keys), keys.count)
        seen = []
        try client.scanAllKeyBytes(match: prefix + "*", count: 50, type: nil) { batch in
            seen.formUnion(batch.map { String(decoding: $0, as: UTF8.self) })
            return true
        }
        XCTAssertEqual(seen, [])
    }

    func testMovedAfterASlotIsReshardedUpdatesTheMap() throws {
        let cluster = try privateCluster()
        let client = try client()
        let key = keys(1)[0]
        try client.set(key, "before the move", expireSeconds: 600)
        let slot = ClusterSlot.of(key)
        let source = try XCTUnwrap(client.slotMap.master(ofSlot: slot))
        let target = try XCTUnwrap(client.masters.first { $0 != source })

        try move(slot: slot, keys: [key], from: source, to: target, in: cluster, finish: true)

        // The client still has the old map: the source answers MOVED, the client follows and learns.
        XCTAssertEqual(client.slotMap.master(ofSlot: slot), source)
        XCTAssertEqual(try client.get(key), "before the move")
        XCTAssertEqual(client.slotMap.master(ofSlot: slot), target)
        try client.set(key, "after the move", expireSeconds: 600)
        XCTAssertEqual(try client.connection(to: target).get(key), "after the move")
        try client.unlink([key])
    }

    func testAskDuringAMigrationIsFollowedForThatCommand() throws {
        let cluster = try privateCluster()
        let client = try client()
        let tagged = keys(2)
        // Two keys in one slot: one is migrated, the other stays behind on the source for now.
        let moved = "{\(tagged[0])}:moved", stays = "{\(tagged[0])}:stays"
        try client.set(moved, "migrated", expireSeconds: 600)
        try client.set(stays, "not yet", expireSeconds: 600)
        let slot = ClusterSlot.of(moved)
        let source = try XCTUnwrap(client.slotMap.master(ofSlot: slot))
        let target = try XCTUnwrap(client.masters.first { $0 != source })

        try move(slot: slot, keys: [moved], from: source, to: target, in: cluster, finish: false)
        let direct = try client.connection(to: source).send(["GET", moved])
        XCTAssertEqual(direct.errorMessage?.hasPrefix("ASK \(slot) "), true, "the source should answer ASK: \(direct)")

        XCTAssertEqual(try client.get(moved), "migrated")
        XCTAssertEqual(try client.get(stays), "not yet")
        // ASK is for one command: the map still names the source.
        XCTAssertEqual(client.slotMap.master(ofSlot: slot), source)

        try move(slot: slot, keys: [stays], from: source, to: target, in: cluster, finish: true)
        XCTAssertEqual(try client.mget([moved, stays]), ["migrated", "not yet"])
        XCTAssertEqual(try client.unlink([moved, stays]), 2)
    }

    /// Moves `slot` from `source` to `target` the way `redis-cli --cluster reshard` does: IMPORTING / MIGRATING,
    /// `MIGRATE` of the keys, then (when `finish`) `SETSLOT NODE` on every master.
    private func move(slot: Int, keys: [String], from source: ClusterNode, to target: ClusterNode,
                      in cluster: LocalRedisCluster, finish: Bool) throws {
        let sourceID = try cli(cluster, source, ["CLUSTER", "MYID"])
        let targetID = try cli(cluster, target, ["CLUSTER", "MYID"])
        XCTAssertEqual(try cli(cluster, target, ["CLUSTER", "SETSLOT", String(slot), "IMPORTING", sourceID]), "OK")
        XCTAssertEqual(try cli(cluster, source, ["CLUSTER", "SETSLOT", String(slot), "MIGRATING", targetID]), "OK")
        // Through the client, not redis-cli: the password would show on redis-cli's command line.
        let migrate: [any RedisArgument] = ["MIGRATE", "127.0.0.1", target.port, "", 0, 5000, "AUTH", cluster.password, "KEYS"]
        let migrated = try RedisConnection(url: cluster.url(port: source.port)).command(migrate + keys.map { $0 as any RedisArgument })
        XCTAssertEqual(migrated.string, "OK")
        if finish {
            for port in cluster.ports {
                // Replicas refuse SETSLOT; the masters spread it to them.
                _ = try? cluster.redisCLI(port: port, ["CLUSTER", "SETSLOT", String(slot), "NODE", targetID])
            }
        }
    }

    private func cli(_ cluster: LocalRedisCluster, _ node: ClusterNode, _ arguments: [String]) throws -> String {
        try cluster.redisCLI(port: node.port, arguments).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A master killed under the client: its replica takes over and reads and writes continue. Its own cluster,
/// since the drill changes the topology.
final class RedisClusterFailoverTests: XCTestCase {
    func testReadsAndWritesSurviveAMasterKilled() throws {
        let cluster = try LocalServers.startRedisCluster()
        defer { cluster.stop() }
        let client = try XCTUnwrap(try RedisDeployment.connect(url: cluster.url) as? RedisCluster)
        let prefix = "failover:\(UUID().uuidString):"
        let keys = (0..<90).map { "\(prefix)\($0)" }
        for key in keys { try client.set(key, "v1 \(key)", expireSeconds: 600) }
        let victimSlot = ClusterSlot.of(keys[0])
        let victim = try XCTUnwrap(client.slotMap.master(ofSlot: victimSlot))
        // Make sure the replica has every write before the crash (replication is asynchronous).
        XCTAssertEqual(try client.connection(to: victim).command("WAIT", 1, 5000).int, 1)

        cluster.killNode(port: victim.port)
        // No waiting for the failover here: the client retries until the replica has taken over.
        for key in keys { XCTAssertEqual(try client.get(key), "v1 \(key)") }
        XCTAssertNotEqual(client.slotMap.master(ofSlot: victimSlot), victim)
        for key in keys { try client.set(key, "v2 \(key)", expireSeconds: 600) }
        XCTAssertEqual(try client.mget(keys), keys.map { "v2 \($0)" })
        XCTAssertEqual(client.masters.count, 3)
        XCTAssertFalse(client.masters.contains(victim))
        XCTAssertEqual(try cluster.masterPort(ofSlot: victimSlot), client.slotMap.master(ofSlot: victimSlot)?.port)
    }
}
