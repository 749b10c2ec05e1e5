import Foundation
import Postgres
import Redis
import Rotation
import XCTest

final class ServiceReadPathTests: XCTestCase {
    func testWebAppCacheValueIsServedFromTheCache() throws {
        let h = try ServiceHarness.make()
        let key = randomKey()
        try h.redis.set(key.cacheKey, #"{"platform":"youtube","match_url":"https://youtu.be/x","confidence":0.91,"approved":true,"verified_by":"web","verified_at":"2024-01-01T00:00:00.000Z"}"#, expireSeconds: 60)
        let lookup = try h.service.getOrComputeMatch(key)
        XCTAssertEqual(lookup.tier, .cache)
        XCTAssertEqual(lookup.match?.matchURL, "https://youtu.be/x")
        XCTAssertEqual(lookup.match?.confidence, 0.91)
        XCTAssertEqual(lookup.match?.approved, true)
        XCTAssertEqual(lookup.match?.verifiedBy, "web")
        XCTAssertEqual(lookup.match?.verifiedAt, Date(timeIntervalSince1970: 1_704_067_200))
        XCTAssertFalse(lookup.stale)
        XCTAssertEqual(h.service.counters.snapshot.hits, 1)
    }

    func testRowInsertedByPlainSQLIsServedFromTheDatabaseAndReCachedInTheWebAppsForm() throws {
        let h = try ServiceHarness.make()
        let key = randomKey(track: 3)
        try h.insertMatch(key, confidence: 0.7)
        let lookup = try h.service.getOrComputeMatch(key)
        XCTAssertEqual(lookup.tier, .database)
        XCTAssertEqual(lookup.row?.confidence, 0.7)
        let text = try XCTUnwrap(h.redis.get(key.cacheKey))
        XCTAssertNoThrow(try StrictWebAppReader.check(text), text)
        XCTAssertFalse(text.contains("verified_by"), "verified_by must be absent when none: \(text)")
        XCTAssertEqual(try h.redis.ttl(key.cacheKey).seconds.map { $0 > 0 && $0 <= 3600 }, true)
        XCTAssertEqual(try h.service.getOrComputeMatch(key).tier, .cache)
    }

    func testComputeTierStoresAndCachesItsMatch() throws {
        let proposal = ComputedMatch(platform: "soundcloud", matchURL: "https://soundcloud.com/a/b", confidence: 0.6, approved: false)
        let h = try ServiceHarness.make(computer: FixedComputer(proposal: proposal))
        let key = randomKey()
        let lookup = try h.service.getOrComputeMatch(key)
        XCTAssertEqual(lookup.tier, .computed)
        XCTAssertEqual(try h.service.row(key)?.matchURL, "https://soundcloud.com/a/b")
        XCTAssertEqual(try h.cached(key)?.matchURL, "https://soundcloud.com/a/b")

        let unmatched = try ServiceHarness.make(computer: FixedComputer(proposal: nil))
        let none = try unmatched.service.getOrComputeMatch(randomKey())
        XCTAssertEqual(none.tier, .computed)
        XCTAssertNil(none.match)
    }

    func testGarbageTruncatedOversizedAndIncompleteValuesAreReportedMisses() throws {
        let h = try ServiceHarness.make()
        let values: [(String, [UInt8])] = [
            ("garbage", Array("not json at all \u{1B}[2J".utf8)),
            ("truncated", Array(#"{"platform":"youtube","match_url":"https://youtu.be/x","confid"#.utf8)),
            ("oversized", Array(("{\"platform\":\"youtube\",\"pad\":\"" + String(repeating: "x", count: 200_000) + "\"}").utf8)),
            ("missing field", Array(#"{"platform":"youtube","match_url":"https://youtu.be/x","approved":true}"#.utf8)),
            ("wrong type", Array(#"{"platform":"youtube","match_url":"https://youtu.be/x","confidence":{},"approved":true}"#.utf8)),
            ("array", Array("[1,2,3]".utf8)),
            ("binary", [0xFF, 0xFE, 0x00, 0x01]),
        ]
        for (name, bytes) in values {
            let key = randomKey()
            try h.insertMatch(key, confidence: 0.55)
            try h.redis.command("SET", key.cacheKey, bytes)
            let lookup = try h.service.getOrComputeMatch(key)
            XCTAssertEqual(lookup.tier, .database, name)
            XCTAssertNotNil(lookup.cacheProblem, name)
            // The unusable value was replaced by the row's.
            XCTAssertEqual(try h.cached(key)?.confidence, 0.55, name)
        }
        XCTAssertEqual(h.service.counters.snapshot.invalid, values.count)
    }

    func testLooselyTypedWebAppValuesAreAccepted() {
        let loose = #"{"platform":"youtube","match_url":"https://youtu.be/x","confidence":"0.85","approved":"true"}"#
        guard case .value(let value) = CachedMatchDecoder.decode(Array(loose.utf8)) else { return XCTFail("refused") }
        XCTAssertEqual(value.confidence, 0.85)
        XCTAssertTrue(value.approved)
        XCTAssertNil(value.verifiedAt)
        XCTAssertEqual(CachedMatchDecoder.decode(nil), .missing)
        if case .invalid = CachedMatchDecoder.decode(Array(#"{"platform":"y","match_url":"u","confidence":150,"approved":true}"#.utf8)) {} else {
            XCTFail("a confidence above 100 is on neither scale and must be refused")
        }
    }

    func testOurValueMatchesWhatPostgresComputesForTheLog() throws {
        let h = try ServiceHarness.make()
        let key = randomKey()
        let row = try h.insertMatch(key, confidence: 0.73)
        let fromSQL = try h.db.query("""
            SELECT rotation_cache_value(m)::text AS v FROM track_matches m WHERE release_id = $1 AND track_index = $2
            """, key.releaseID, key.trackIndex).scalar(String.self)
        try StrictWebAppReader.check(fromSQL)
        try StrictWebAppReader.check(row.cachedValue.json)
        guard case .value(let decoded) = CachedMatchDecoder.decode(Array(fromSQL.utf8)) else { return XCTFail() }
        XCTAssertTrue(decoded.agrees(with: row.cachedValue))
    }
}
