import Redis
import XCTest

/// Key slots by the Redis Cluster specification; no server needed.
final class ClusterSlotTests: XCTestCase {
    func testCRC16MatchesTheSpecificationsReferenceValue() {
        XCTAssertEqual(ClusterSlot.crc16(Array("123456789".utf8)[...]), 0x31C3)
    }

    func testSlotsOfKnownKeys() {
        // Values `CLUSTER KEYSLOT` gives for these keys.
        XCTAssertEqual(ClusterSlot.of("foo"), 12182)
        XCTAssertEqual(ClusterSlot.of("123456789"), 0x31C3 % 16384)
    }

    func testHashTagsPutKeysInOneSlot() {
        XCTAssertEqual(ClusterSlot.of("{user1000}.following"), ClusterSlot.of("{user1000}.followers"))
        XCTAssertEqual(ClusterSlot.of("match:{123456}:0"), ClusterSlot.of("123456"))
        // Only the first `{`…`}` counts, and an empty tag means the whole key is hashed.
        XCTAssertEqual(ClusterSlot.of("foo{}{bar}"), Int(ClusterSlot.crc16(Array("foo{}{bar}".utf8)[...]) & 0x3FFF))
        XCTAssertEqual(ClusterSlot.of("foo{{bar}}zap"), ClusterSlot.of("{bar"))
        XCTAssertEqual(ClusterSlot.of("foo{bar}{zap}"), ClusterSlot.of("bar"))
        XCTAssertEqual(ClusterSlot.of("no-closing{brace"), Int(ClusterSlot.crc16(Array("no-closing{brace".utf8)[...]) & 0x3FFF))
    }

    func testNodeAddressesParseAsRedisWritesThem() {
        XCTAssertEqual(ClusterNode(address: "127.0.0.1:7001"), ClusterNode(host: "127.0.0.1", port: 7001))
        XCTAssertEqual(ClusterNode(address: "::1:7001")?.host, "::1")
        XCTAssertNil(ClusterNode(address: "127.0.0.1"))
        XCTAssertNil(ClusterNode(address: ":7001"))
    }

    func testSeveralURLsAreSplitWhereTheNextURLStartsNotAtACommaInAPassword() throws {
        let configurations = try RedisDeployment.configurations(
            url: "redis://:pa,ss@10.0.0.1:7000, redis://10.0.0.2:7001,rediss://u:x,y@node3:7002")
        XCTAssertEqual(configurations.count, 3)
        XCTAssertEqual(configurations[0].password, "pa,ss")
        XCTAssertEqual(configurations[1].password, "pa,ss", "a URL without a password takes the first one's")
        XCTAssertEqual(configurations[2].password, "x,y")
        guard case .tcp(let host, let port) = configurations[1].endpoint else { return XCTFail("not TCP") }
        XCTAssertEqual(host, "10.0.0.2")
        XCTAssertEqual(port, 7001)
    }
}
