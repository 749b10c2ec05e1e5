import Foundation
import Redis
import XCTest

final class RedisCommandTests: XCTestCase {
    private var redis: RedisConnection!
    private var prefix = ""

    override func setUpWithError() throws {
        redis = try RedisTestSupport.connection()
        prefix = RedisTestSupport.uniquePrefix(name)
    }

    override func tearDownWithError() throws {
        if let redis { try RedisTestSupport.removeKeys(withPrefix: prefix, using: redis) }
        redis = nil
    }

    func testBinaryValuesRoundTripExactly() throws {
        var megabyte = [UInt8](repeating: 0, count: 1 << 20)
        for index in megabyte.indices { megabyte[index] = UInt8(truncatingIfNeeded: index &* 31 &+ 7) }
        let values: [[UInt8]] = [
            [],
            [0],
            [0x61, 0x00, 0x62, 0x00],  // NUL bytes inside
            [0xFF, 0xFE, 0xC3, 0x28, 0x80],  // invalid UTF-8
            Array("Ünïcødé ✓ 漢字 🎛️ \u{202E}rtl".utf8),
            Array("\r\n*3\r\n$3\r\nSET\r\n".utf8),  // protocol-looking text
            megabyte,
        ]
        for (index, value) in values.enumerated() {
            let key = prefix + "value-\(index)"
            try redis.set(key, value)
            XCTAssertEqual(try redis.getBytes(key), value, "value \(index)")
            XCTAssertEqual(try redis.command("STRLEN", key).int, value.count)
        }
        let data = Data([0, 1, 2, 255])
        try redis.set(prefix + "data", data)
        XCTAssertEqual(try redis.command("GET", prefix + "data").data, data)

        let text = "Ünïcødé ✓ 漢字 🎛️"
        try redis.set(prefix + "text", text)
        XCTAssertEqual(try redis.get(prefix + "text"), text)
        XCTAssertEqual(try redis.command("GET", prefix + "text").string, text)
        XCTAssertNil(try redis.command("GET", prefix + "value-3").string, "invalid UTF-8 is not returned as text")
    }

    func testHostileKeysStayData() throws {
        let hostile: [[UInt8]] = [
            Array((prefix + "a b\r\nFLUSHALL\r\n").utf8),
            Array((prefix + "*").utf8),
            Array((prefix + "\"; DEL x; \"").utf8),
            Array(prefix.utf8) + [0x00, 0x0A, 0xFF, 0x1B, 0x5B, 0x32, 0x4A],  // NUL, newline, invalid UTF-8, ESC[2J
            Array((prefix + "$-1\r\n").utf8),
        ]
        let canary = prefix + "canary"
        try redis.set(canary, "still here")
        for (index, key) in hostile.enumerated() {
            try redis.command("SET", key, "v\(index)")
            XCTAssertEqual(try redis.command("GET", key).string, "v\(index)")
        }
        XCTAssertEqual(try redis.get(canary), "still here", "no key was interpreted as a command")
        var seen: Set<[UInt8]> = []
        try redis.scanAllKeyBytes(match: RedisTestSupport.globEscaped(prefix) + "*") { batch in
            seen.formUnion(batch)
            return true
        }
        XCTAssertEqual(seen, Set(hostile + [Array(canary.utf8)]))
        XCTAssertEqual(try redis.command(["DEL"] + hostile.map { $0 as any RedisArgument }).int, hostile.count)
    }

    func testPipelinedRepliesComeBackInOrder() throws {
        let count = 500
        var commands: [[any RedisArgument]] = (0..<count).map { ["SET", prefix + "p\($0)", "value-\($0)"] }
        commands += (0..<count).map { ["GET", prefix + "p\($0)"] }
        commands.append(["INCR", prefix + "p0"])  // an error reply stays in place
        commands.append(["GET", prefix + "missing"])
        commands.append(["RPUSH", prefix + "list", "a", "b"])
        commands.append(["LRANGE", prefix + "list", 0, -1])
        let replies = try redis.pipeline(commands)
        XCTAssertEqual(replies.count, commands.count)
        for index in 0..<count {
            XCTAssertEqual(replies[index], .status("OK"))
            XCTAssertEqual(replies[count + index].string, "value-\(index)")
        }
        XCTAssertTrue(replies[2 * count].errorMessage?.hasPrefix("ERR") == true, "\(replies[2 * count])")
        XCTAssertTrue(replies[2 * count + 1].isNull)
        XCTAssertEqual(replies[2 * count + 2], .integer(2))
        XCTAssertEqual(replies[2 * count + 3], .array([.bulk(Array("a".utf8)), .bulk(Array("b".utf8))]))
        XCTAssertEqual(try redis.pipeline([]), [])
        XCTAssertEqual(try redis.ping() >= .zero, true, "the connection is usable after a pipeline")
    }

    func testServerErrorReplyThrows() throws {
        try redis.command("RPUSH", prefix + "list", "x")
        XCTAssertThrowsError(try redis.get(prefix + "list")) { error in
            guard case RedisError.server(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.hasPrefix("WRONGTYPE"), message)
            XCTAssertFalse((error as! RedisError).isConnectionProblem)
        }
        XCTAssertThrowsError(try redis.command("NOSUCHCOMMAND", "x")) { error in
            guard case RedisError.server = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try redis.send(["NOSUCHCOMMAND"]).errorMessage?.hasPrefix("ERR") , true)
        XCTAssertEqual(try redis.command("PING"), .status("PONG"), "an error reply does not break the connection")
    }

    func testHelpers() throws {
        let key = prefix + "helper"
        XCTAssertNil(try redis.get(key))
        XCTAssertFalse(try redis.exists(key))
        XCTAssertEqual(try redis.ttl(key), .missing)

        try redis.set(key, "v")
        XCTAssertTrue(try redis.exists(key))
        XCTAssertEqual(try redis.ttl(key), .persistent)
        XCTAssertEqual(try redis.exists([key, key, prefix + "none"]), 2)

        try redis.set(key, "w", expireSeconds: 86_400)
        let ttl = try redis.ttl(key)
        XCTAssertTrue((86_390...86_400).contains(ttl.seconds ?? -1), "\(ttl)")
        XCTAssertThrowsError(try redis.set(key, "x", expireSeconds: 0))

        try redis.set(prefix + "other", 42)
        XCTAssertEqual(try redis.mget([key, prefix + "nothing", prefix + "other"]), ["w", nil, "42"])
        XCTAssertEqual(try redis.command("GET", prefix + "other").int, 42)

        XCTAssertGreaterThanOrEqual(try redis.dbsize(), 2)
        XCTAssertEqual(try redis.unlink([key, prefix + "other", prefix + "never"]), 2)
        XCTAssertEqual(try redis.unlink([]), 0)
        XCTAssertFalse(try redis.exists(key))

        XCTAssertEqual(try redis.publish(prefix + "channel", "hello"), 0)
        XCTAssertGreaterThan(try redis.ping(), .zero)
        XCTAssertTrue(try redis.expire(prefix + "none", seconds: 10) == false)
    }

    func testScanStepAndEmptyMatch() throws {
        var batches = 0
        let completed = try redis.scanAll(match: RedisTestSupport.globEscaped(prefix) + "*") { _ in
            batches += 1
            return true
        }
        XCTAssertTrue(completed)
        XCTAssertEqual(batches, 0, "no keys with this prefix, so the body is never called")

        // One step at a time, with a TYPE filter.
        try redis.set(prefix + "string", "s")
        try redis.command("RPUSH", prefix + "list", "l")
        var cursor: UInt64 = 0
        var found: [String] = []
        repeat {
            let page = try redis.scan(
                cursor: cursor, match: RedisTestSupport.globEscaped(prefix) + "*", count: 100, type: "list")
            found += page.keyStrings
            cursor = page.cursor
        } while cursor != 0
        XCTAssertEqual(found, [prefix + "list"])
    }

    func testNumericArguments() throws {
        let key = prefix + "number"
        try redis.set(key, 1.5)
        XCTAssertEqual(try redis.command("INCRBYFLOAT", key, 0.25).string, "1.75")
        try redis.set(key, Int64(-9_000_000_000))
        XCTAssertEqual(try redis.command("INCRBY", key, Int32(1)).int, -8_999_999_999)
        try redis.set(key, UInt64.max)
        XCTAssertEqual(try redis.get(key), String(UInt64.max))
        try redis.set(key, "")
        XCTAssertEqual(try redis.getBytes(key), [], "an empty value is a value, not nil")
    }

    func testInfoFromTheServer() throws {
        try redis.set(prefix + "k", "v")
        _ = try redis.get(prefix + "k")
        let info = try redis.info()
        XCTAssertTrue(info.sectionOrder.contains("server"))
        XCTAssertTrue(info.sectionOrder.contains("stats"))
        XCTAssertNotNil(info.version)
        XCTAssertGreaterThan(info.uptimeSeconds ?? -1, -1)
        XCTAssertGreaterThanOrEqual(info.connectedClients ?? 0, 1)
        XCTAssertGreaterThan(info.usedMemory ?? 0, 0)
        XCTAssertNotNil(info.maxMemory)
        XCTAssertNotNil(info.evictedKeys)
        XCTAssertNotNil(info.expiredKeys)
        XCTAssertGreaterThanOrEqual(info.keyspaceHits ?? 0, 1)
        XCTAssertNotNil(info.keyspaceMisses)
        XCTAssertNotNil(info.instantaneousOpsPerSec)
        XCTAssertGreaterThan(info.totalCommandsProcessed ?? 0, 0)
        XCTAssertGreaterThanOrEqual(info.databases[RedisTestSupport.database]?.keys ?? 0, 1)
        XCTAssertTrue(info.commandStats.isEmpty, "commandstats is not a default section")

        let stats = try redis.info(section: "commandstats")
        XCTAssertEqual(stats.sectionOrder, ["commandstats"])
        let get = try XCTUnwrap(stats.commandStats["get"])
        XCTAssertGreaterThanOrEqual(get.calls, 1)
        XCTAssertGreaterThanOrEqual(get.totalMicroseconds, 0)
        XCTAssertGreaterThanOrEqual(get.microsecondsPerCall, 0)

        let several = try redis.info(sections: ["memory", "keyspace"])
        XCTAssertEqual(Set(several.sectionOrder), ["memory", "keyspace"])
    }

    func testConcurrentCallersShareOneConnection() throws {
        let connection = try XCTUnwrap(redis)
        let keyPrefix = prefix
        let failures = LockedList()
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for index in 0..<100 {
                let key = "\(keyPrefix)c\(worker)-\(index)"
                do {
                    try connection.set(key, "\(worker)-\(index)")
                    let value = try connection.get(key)
                    if value != "\(worker)-\(index)" { failures.append("\(key) read back \(value ?? "nil")") }
                } catch {
                    failures.append("\(key): \(error)")
                }
            }
        }
        XCTAssertEqual(failures.items, [])
        var count = 0
        try connection.scanAll(match: RedisTestSupport.globEscaped(prefix) + "*") { count += $0.count; return true }
        XCTAssertEqual(count, 800)
    }
}

private final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []
    func append(_ item: String) { lock.lock(); storage.append(item); lock.unlock() }
    var items: [String] { lock.lock(); defer { lock.unlock() }; return storage }
}
