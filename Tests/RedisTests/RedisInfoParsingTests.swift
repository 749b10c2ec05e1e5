import Redis
import XCTest

/// INFO parsing against a fixed sample, so the accessors are checked exactly; `RedisCommandTests` checks them
/// against a live server.
final class RedisInfoParsingTests: XCTestCase {
    static let sample = """
        # Server\r
        redis_version:7.0.15\r
        uptime_in_seconds:1234\r
        \r
        # Clients\r
        connected_clients:3\r
        \r
        # Memory\r
        used_memory:1048576\r
        maxmemory:268435456\r
        maxmemory_policy:allkeys-lru\r
        \r
        # Stats\r
        total_commands_processed:999\r
        instantaneous_ops_per_sec:42\r
        expired_keys:7\r
        evicted_keys:2\r
        keyspace_hits:75\r
        keyspace_misses:25\r
        \r
        # Commandstats\r
        cmdstat_get:calls=10,usec=50,usec_per_call=5.00,rejected_calls=1,failed_calls=0\r
        cmdstat_config|get:calls=2,usec=30,usec_per_call=15.00,rejected_calls=0,failed_calls=0\r
        \r
        # Keyspace\r
        db0:keys=120,expires=100,avg_ttl=86000000\r
        db3:keys=5,expires=0,avg_ttl=0\r

        """

    func testSectionsAndTypedValues() {
        let info = RedisInfo(parsing: Self.sample)
        XCTAssertEqual(info.sectionOrder, ["server", "clients", "memory", "stats", "commandstats", "keyspace"])
        XCTAssertEqual(info.version, "7.0.15")
        XCTAssertEqual(info.uptimeSeconds, 1234)
        XCTAssertEqual(info.connectedClients, 3)
        XCTAssertEqual(info.usedMemory, 1_048_576)
        XCTAssertEqual(info.maxMemory, 268_435_456)
        XCTAssertEqual(info.maxMemoryPolicy, "allkeys-lru")
        XCTAssertEqual(info.totalCommandsProcessed, 999)
        XCTAssertEqual(info.instantaneousOpsPerSec, 42)
        XCTAssertEqual(info.expiredKeys, 7)
        XCTAssertEqual(info.evictedKeys, 2)
        XCTAssertEqual(info.keyspaceHits, 75)
        XCTAssertEqual(info.keyspaceMisses, 25)
        XCTAssertEqual(info.keyspaceHitRatio, 0.75)
        XCTAssertEqual(info.value("used_memory", in: "Memory"), "1048576")
        XCTAssertNil(info.value("used_memory", in: "stats"))
        XCTAssertEqual(info["maxmemory_policy"], "allkeys-lru")
    }

    func testKeyspaceAndCommandStats() {
        let info = RedisInfo(parsing: Self.sample)
        XCTAssertEqual(
            info.databases[0], RedisDatabaseStats(keys: 120, expires: 100, averageTTLMilliseconds: 86_000_000))
        XCTAssertEqual(info.databases[3]?.keys, 5)
        XCTAssertNil(info.databases[1])
        XCTAssertEqual(
            info.commandStats["get"],
            RedisCommandStats(name: "get", calls: 10, totalMicroseconds: 50, microsecondsPerCall: 5, rejectedCalls: 1))
        XCTAssertEqual(info.commandStats["config|get"]?.calls, 2)
    }

    func testMissingFieldsAreNil() {
        let info = RedisInfo(parsing: "# Server\r\nredis_version:7.0.15\r\n")
        XCTAssertNil(info.usedMemory)
        XCTAssertNil(info.keyspaceHitRatio)
        XCTAssertTrue(info.databases.isEmpty)
        XCTAssertTrue(info.commandStats.isEmpty)
    }

    func testReplyAccessors() {
        XCTAssertEqual(RedisReply.bulk(Array("héllo".utf8)).string, "héllo")
        XCTAssertNil(RedisReply.bulk([0xFF, 0xFE]).string, "invalid UTF-8 is not silently altered")
        XCTAssertEqual(RedisReply.bulk([0x61, 0xFF]).lossyString, "a\u{FFFD}")
        XCTAssertEqual(RedisReply.integer(5).int, 5)
        XCTAssertEqual(RedisReply.bulk(Array("12".utf8)).int, 12)
        XCTAssertEqual(RedisReply.status("OK").string, "OK")
        XCTAssertTrue(RedisReply.null.isNull)
        XCTAssertNil(RedisReply.null.string)
        XCTAssertEqual(RedisReply.array([.integer(1)]).array, [.integer(1)])
        XCTAssertEqual(RedisReply.error("ERR x").errorMessage, "ERR x")
        XCTAssertNil(RedisReply.error("ERR x").string)
    }
}
