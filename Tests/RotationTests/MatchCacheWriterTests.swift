import Foundation
import Redis
import Rotation
import XCTest

/// The one cache writer, against real Postgres and Redis: the read path's re-cache and the worker write a row the
/// same way (the web app's JSON, the same TTL rule).
final class MatchCacheWriterTests: XCTestCase {
    func testTheReadPathsRecacheAndTheWorkerWriteTheSameValueWithTheSameTTL() throws {
        let h = try ServiceHarness.make()  // cacheTTL 3600
        let key = randomKey()
        let row = try h.insertMatch(key, confidence: 0.91, approved: true)

        XCTAssertEqual(try h.service.getOrComputeMatch(key).tier, .database)
        let recached = try XCTUnwrap(try h.redis.get(key.cacheKey), "the read path re-cached the row")
        let recachedTTL = try XCTUnwrap(try h.redis.ttl(key.cacheKey).seconds)

        try h.redis.unlink([key.cacheKey])
        XCTAssertEqual(MatchCacheWriter(redis: h.redis, ttlSeconds: 3600).write([row]), [], "no failed keys")
        let written = try XCTUnwrap(try h.redis.get(key.cacheKey), "the worker wrote the approved row")
        let writtenTTL = try XCTUnwrap(try h.redis.ttl(key.cacheKey).seconds)

        // The same object (JSONEncoder does not fix the order of the keys).
        XCTAssertEqual(try Self.object(written), try Self.object(recached))
        XCTAssertEqual(try Self.object(written), try Self.object(row.cachedValue.json))
        // The configured 3600 s less at most the default 10 % jitter: never longer, never far shorter.
        for ttl in [recachedTTL, writtenTTL] { XCTAssert((3240...3600).contains(ttl), "TTL \(ttl)") }
    }

    private static func object(_ json: String) throws -> NSDictionary {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? NSDictionary, json)
    }
}
