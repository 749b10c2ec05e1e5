import Foundation
import Redis
import XCTest

final class RedisScanTests: XCTestCase {
    /// 100k keys loaded with pipelines; SCAN with MATCH sees each exactly once while nothing changes them.
    func testScanSeesEveryKeyExactlyOnce() throws {
        let redis = try RedisTestSupport.connection()
        let prefix = RedisTestSupport.uniquePrefix()
        defer { try? RedisTestSupport.removeKeys(withPrefix: prefix, using: redis) }
        let total = 100_000
        let batch = 5_000
        for start in stride(from: 0, to: total, by: batch) {
            let commands: [[any RedisArgument]] = (start..<min(start + batch, total)).map {
                ["SET", "\(prefix)\($0)", $0]
            }
            let replies = try redis.pipeline(commands)
            XCTAssertTrue(replies.allSatisfy { $0 == .status("OK") })
        }
        // Unrelated keys that the MATCH must leave out.
        try redis.set(prefix.dropLast() + "-other", "x")
        defer { _ = try? redis.unlink([prefix.dropLast() + "-other"]) }

        var counts = [Int](repeating: 0, count: total)
        var batches = 0
        let completed = try redis.scanAll(match: RedisTestSupport.globEscaped(prefix) + "*", count: 1000) { keys in
            batches += 1
            for key in keys {
                guard key.hasPrefix(prefix), let index = Int(key.dropFirst(prefix.count)), index < total else {
                    XCTFail("unexpected key \(key)")
                    continue
                }
                counts[index] += 1
            }
            return true
        }
        XCTAssertTrue(completed)
        XCTAssertGreaterThan(batches, 1)
        XCTAssertEqual(counts.filter { $0 == 0 }.count, 0, "every key seen")
        XCTAssertEqual(counts.filter { $0 > 1 }.count, 0, "no key seen twice")

        // Stopping early: the body's false ends the walk.
        var calls = 0
        let stopped = try redis.scanAll(match: RedisTestSupport.globEscaped(prefix) + "*", count: 100) { _ in
            calls += 1
            return false
        }
        XCTAssertFalse(stopped)
        XCTAssertEqual(calls, 1)

        // The body may use the connection: unlink as we go, like the admin clears do.
        var removed = 0
        try redis.scanAll(match: RedisTestSupport.globEscaped(prefix) + "*", count: 1000) { keys in
            removed += try redis.unlink(keys)
            return true
        }
        XCTAssertEqual(removed, total)
    }
}
