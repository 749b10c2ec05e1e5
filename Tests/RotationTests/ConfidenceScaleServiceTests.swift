import Foundation
import Postgres
import Redis
import Rotation
import XCTest

/// Confidences stored on the web app's 0-100 scale, against real Postgres and Redis: read as percentages
/// everywhere, never re-cached as is, and rewritten in [0, 1] by the logged, guarded `normalize_confidence` action.
final class ConfidenceScaleServiceTests: XCTestCase {
    /// The web app's own cache value from `fixtures/webapp/cache-values.txt` (its confidence is 87).
    static let webAppPercentValue = #"{"platform":"soundcloud","match_url":"https://soundcloud.com/web-artist/track","confidence":87,"approved":true,"verified_by":null,"verified_at":"2025-03-01T10:00:00.000Z"}"#

    private func cacheConfidence(_ h: ServiceHarness, _ key: TrackKey) throws -> Double? {
        guard let text = try h.redis.get(key.cacheKey) else { return nil }
        try StrictWebAppReader.check(text)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return object["confidence"] as? Double
    }

    private func loggedConfidence(_ json: String?) throws -> Double? {
        guard let json else { return nil }
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return object["confidence"] as? Double
    }

    // MARK: Reading

    func testARowAt87ReadsAs087AndIsReCachedInTheUnitScale() throws {
        let h = try ServiceHarness.make()
        let key = randomKey()
        let row = try h.insertMatch(key, confidence: 87)
        XCTAssertEqual(row.confidence, 0.87, accuracy: 1e-6)
        XCTAssertEqual(row.confidenceScale, .percent)

        let lookup = try h.service.getOrComputeMatch(key)
        XCTAssertEqual(lookup.tier, .database)
        XCTAssertEqual(try XCTUnwrap(lookup.match?.confidence), 0.87, accuracy: 1e-6)
        XCTAssertEqual(lookup.match?.confidenceScale, .percent)
        XCTAssertEqual(try XCTUnwrap(try cacheConfidence(h, key)), 0.87, accuracy: 1e-6, "re-cached in [0, 1], not as 87")

        let again = try h.service.getOrComputeMatch(key)
        XCTAssertEqual(again.tier, .cache, "the re-cached value is usable: no re-cache on every read")
        XCTAssertEqual(try XCTUnwrap(again.match?.confidence), 0.87, accuracy: 1e-6)
        XCTAssertEqual(try h.db.query("SELECT confidence FROM track_matches WHERE release_id = $1", key.releaseID)
                        .scalar(Double.self), 87, "reading never changes the row")
    }

    func testTheWebAppsPercentCacheValueIsACacheHitAndIsNotWrittenBack() throws {
        let h = try ServiceHarness.make()
        let key = randomKey()
        try h.insertMatch(key, url: "https://soundcloud.com/web-artist/track", confidence: 87, approved: true)
        // A TTL longer than the service's own (3600 s): any write by the read path would shorten it.
        try h.redis.set(key.cacheKey, Self.webAppPercentValue, expireSeconds: 100_000)

        let lookup = try h.service.getOrComputeMatch(key)
        XCTAssertEqual(lookup.tier, .cache, "87 is a percentage, not garbage")
        XCTAssertNil(lookup.cacheProblem)
        XCTAssertEqual(try XCTUnwrap(lookup.match?.confidence), 0.87, accuracy: 1e-9)
        XCTAssertEqual(lookup.match?.confidenceScale, .percent)
        XCTAssertEqual(h.service.counters.snapshot.hits, 1)
        XCTAssertEqual(try h.redis.get(key.cacheKey), Self.webAppPercentValue, "the read path wrote nothing")
        XCTAssertGreaterThan(try XCTUnwrap(h.redis.ttl(key.cacheKey).seconds), 3600, "the read path wrote nothing")
    }

    func testPendingFiltersReadPercentagesAsTheSameScale() throws {
        let h = try ServiceHarness.make()
        let release = randomKey().releaseID
        try h.insertMatch(TrackKey(releaseID: release, trackIndex: 0), confidence: 0.6)
        try h.insertMatch(TrackKey(releaseID: release, trackIndex: 1), confidence: 87)
        try h.insertMatch(TrackKey(releaseID: release, trackIndex: 2), confidence: 0.95)
        try h.insertMatch(TrackKey(releaseID: release, trackIndex: 3), confidence: 55)
        let queries = ReviewQueries(database: h.db)
        func tracks(min: Double? = nil, max: Double? = nil) throws -> [Int] {
            try queries.pending(PendingFilter(releaseID: release, minConfidence: min, maxConfidence: max)).items
                .map(\.match.trackIndex).sorted()
        }
        XCTAssertEqual(try tracks(), [0, 1, 2, 3])
        XCTAssertEqual(try tracks(max: 0.9), [0, 1, 3], "87 is 0.87, below 0.9")
        XCTAssertEqual(try tracks(max: 0.56), [3], "55 is 0.55")
        XCTAssertEqual(try tracks(max: 0.5), [])
        XCTAssertEqual(try tracks(min: 0.9), [2], "87 is not above 0.9")
        XCTAssertEqual(try tracks(min: 0.8), [1, 2])
        XCTAssertEqual(try tracks(min: 0.5, max: 0.7), [0, 3])
        XCTAssertEqual(try tracks(min: 0.87, max: 0.87), [1], "the bounds compare at REAL precision on both scales")
        let item = try XCTUnwrap(queries.pending(PendingFilter(releaseID: release, minConfidence: 0.8, maxConfidence: 0.9)).items.first)
        XCTAssertEqual(item.match.confidence, 0.87, accuracy: 1e-6)
        XCTAssertEqual(item.match.confidenceScale, .percent)
    }

    func testTheOrdinaryFilterStillUsesThePartialIndex() throws {
        let h = try ServiceHarness.make()
        // Whether the index can serve the predicate at all, whatever the (empty) table's statistics suggest.
        try h.db.query("SET enable_seqscan = off")
        let plan = try h.db.query("""
            EXPLAIN SELECT id FROM track_matches m
            WHERE m.approved = false AND \(StoredConfidence.sqlAtMost("m.confidence", "$1::real"))
              AND \(StoredConfidence.sqlAtLeast("m.confidence", "$2::real"))
            """, 0.7, 0.5).rows.map { try $0.decode("QUERY PLAN", as: String.self) }.joined(separator: "\n")
        XCTAssertTrue(plan.contains("track_matches_pending_confidence_idx"), plan)
    }

    // MARK: Our writes

    func testAnApprovalOfAPercentRowWritesAndLogsTheCacheValueInTheUnitScale() throws {
        let h = try ServiceHarness.make()
        let key = randomKey()
        let row = try h.insertMatch(key, confidence: 87)
        let outcome = try h.actions.approve(key, seen: .seen(row), reviewer: "ana")
        XCTAssertEqual(outcome.cache, .written)
        XCTAssertEqual(try XCTUnwrap(try cacheConfidence(h, key)), 0.87, accuracy: 1e-6)
        let logged = try XCTUnwrap(h.reviews(key).last)
        XCTAssertEqual(try XCTUnwrap(try loggedConfidence(logged["cache_after"])), 0.87, accuracy: 1e-6,
                       "the log says what was written to Redis")
        XCTAssertEqual(try XCTUnwrap(try loggedConfidence(logged["row_after"])), 87, "the row itself is as stored")
    }

    func testTheDatabasesCacheValueReadsTheScaleLikeRotation() throws {
        let h = try ServiceHarness.make()
        let percent = randomKey(track: 0)
        let unit = TrackKey(releaseID: percent.releaseID, trackIndex: 1)
        let percentRow = try h.insertMatch(percent, confidence: 87)
        let unitRow = try h.insertMatch(unit, confidence: 0.73)
        func fromSQL(_ key: TrackKey) throws -> String {
            try h.db.query("""
                SELECT rotation_cache_value(m)->>'confidence' FROM track_matches m WHERE release_id = $1 AND track_index = $2
                """, key.releaseID, key.trackIndex).scalar(String.self)
        }
        XCTAssertEqual(try fromSQL(percent), "0.87")
        XCTAssertEqual(try fromSQL(unit), "0.73", "REAL stays REAL: no double widening in the log")
        XCTAssertEqual(Double(try fromSQL(percent)) ?? 0, percentRow.cachedValue.confidence, accuracy: 1e-6)
        XCTAssertEqual(Double(try fromSQL(unit)) ?? 0, unitRow.cachedValue.confidence, accuracy: 1e-6)
    }

    func testTheWorkersCacheWriterWritesAPercentRowInTheUnitScale() throws {
        let h = try ServiceHarness.make()
        let key = randomKey()
        let row = try h.insertMatch(key, confidence: 87, approved: true)
        XCTAssertEqual(MatchCacheWriter(redis: h.redis, ttlSeconds: 600).write([row]), [], "no failed keys")
        XCTAssertEqual(try XCTUnwrap(try cacheConfidence(h, key)), 0.87, accuracy: 1e-6)
    }

    // MARK: normalize_confidence

    func testPlanCountsAndSamplesWithoutChangingAnything() throws {
        let h = try ServiceHarness.make()
        let release = randomKey().releaseID
        try h.insertMatch(TrackKey(releaseID: release, trackIndex: 0), confidence: 87)
        try h.insertMatch(TrackKey(releaseID: release, trackIndex: 1), confidence: 92, approved: true)
        try h.insertMatch(TrackKey(releaseID: release, trackIndex: 2), confidence: 0.7)
        let plan = try h.actions.planNormalizeConfidences()
        XCTAssertEqual(plan.rows, 2)
        XCTAssertEqual(plan.sample.map(\.trackIndex), [0, 1])
        XCTAssertEqual(try h.db.query("SELECT count(*) FROM track_matches WHERE confidence > 1").scalar(Int.self), 2)
        XCTAssertEqual(try h.db.query("SELECT count(*) FROM match_reviews").scalar(Int.self), 0)
    }

    func testNormalizeRewritesLogsWritesThroughAndUndoRestores87() throws {
        let h = try ServiceHarness.make()
        let release = randomKey().releaseID
        let pending = TrackKey(releaseID: release, trackIndex: 0)
        let approved = TrackKey(releaseID: release, trackIndex: 1)
        let ordinary = TrackKey(releaseID: release, trackIndex: 2)
        try h.insertMatch(pending, confidence: 87)
        try h.insertMatch(approved, confidence: 92, approved: true)
        let untouched = try h.insertMatch(ordinary, confidence: 0.7)
        try h.redis.set(pending.cacheKey, Self.webAppPercentValue, expireSeconds: 100_000)

        var progress: [Int] = []
        let result = try h.actions.normalizeConfidences(reviewer: "admin", batchSize: 1) { done, total in
            XCTAssertEqual(total, 2)
            progress.append(done)
        }
        XCTAssertEqual(result.rewritten, 2)
        XCTAssertEqual(result.conflicts.count, 0)
        XCTAssertEqual(result.skipped, 0)
        XCTAssertEqual(progress, [1, 2])

        let normalized = try XCTUnwrap(h.service.row(pending))
        XCTAssertEqual(normalized.storedConfidence.stored, 0.87, accuracy: 1e-6)
        XCTAssertEqual(normalized.confidenceScale, .unit)
        XCTAssertEqual(try XCTUnwrap(h.service.row(approved)).storedConfidence.stored, 0.92, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(h.service.row(approved)).approved, true, "only the confidence changes")
        XCTAssertEqual(try h.service.row(ordinary)?.updatedAt, untouched.updatedAt, "rows in [0, 1] are left alone")
        XCTAssertEqual(try XCTUnwrap(try cacheConfidence(h, pending)), 0.87, accuracy: 1e-6, "written through")
        XCTAssertEqual(try XCTUnwrap(try cacheConfidence(h, approved)), 0.92, accuracy: 1e-6, "written through")

        let log = try XCTUnwrap(h.reviews(pending).last)
        XCTAssertEqual(log["action"], "normalize_confidence")
        XCTAssertEqual(log["reviewer"], "admin")
        XCTAssertEqual(try loggedConfidence(log["row_before"]), 87)
        XCTAssertEqual(try XCTUnwrap(try loggedConfidence(log["row_after"])), 0.87, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(try loggedConfidence(log["cache_before"])), 0.87, accuracy: 1e-6,
                       "the web app's value as read (normalized)")

        // Undo walks back one row per call, latest first, restoring exactly what was stored.
        let undoneApproved = try h.actions.undo(reviewer: "admin")
        XCTAssertEqual(undoneApproved.key, approved)
        XCTAssertEqual(try XCTUnwrap(h.service.row(approved)).storedConfidence.stored, 92)
        let undonePending = try h.actions.undo(reviewer: "admin")
        XCTAssertEqual(undonePending.key, pending)
        let restored = try XCTUnwrap(h.service.row(pending))
        XCTAssertEqual(restored.storedConfidence.stored, 87, "undo restores the stored 87")
        XCTAssertEqual(restored.confidence, 0.87, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(h.reviews(pending).last)["action"], "undo")
        XCTAssertEqual(try XCTUnwrap(try cacheConfidence(h, pending)), 0.87, accuracy: 1e-6,
                       "the restored row is cached in [0, 1], never as 87")
        XCTAssertEqual(try h.actions.planNormalizeConfidences().rows, 2, "both rows are back on the 0-100 scale")
    }

    func testARowChangedBetweenTheReadAndTheRewriteIsAConflictAndTheRunGoesOn() throws {
        let h = try ServiceHarness.make()
        let release = randomKey().releaseID
        let first = TrackKey(releaseID: release, trackIndex: 0)
        let second = TrackKey(releaseID: release, trackIndex: 1)
        let third = TrackKey(releaseID: release, trackIndex: 2)
        for key in [first, second, third] { try h.insertMatch(key, confidence: 81) }

        // One batch is read first; after the first rewrite the web app's engine scores the second row again.
        let result = try h.actions.normalizeConfidences(reviewer: "admin") { done, _ in
            guard done == 1 else { return }
            _ = try? h.db.query("""
                UPDATE track_matches SET confidence = 90, updated_at = now() + interval '1 second'
                WHERE release_id = $1 AND track_index = $2
                """, second.releaseID, second.trackIndex)
        }
        XCTAssertEqual(result.rewritten, 2)
        XCTAssertEqual(result.conflicts.map(\.key), [second])
        XCTAssertEqual(result.conflicts.first?.current?.storedConfidence.stored, 90)
        XCTAssertEqual(try XCTUnwrap(h.service.row(second)).storedConfidence.stored, 90, "left alone")
        XCTAssertEqual(try h.reviews(second).count, 0, "nothing logged for the conflict")
        XCTAssertEqual(try XCTUnwrap(h.service.row(third)).storedConfidence.stored, 0.81, accuracy: 1e-6)
    }

    func testOneRowWithAStaleGuardIsAConflictAndOneInTheUnitScaleIsNoMatch() throws {
        let h = try ServiceHarness.make()
        let key = randomKey()
        let seen = try h.insertMatch(key, confidence: 87)
        try h.db.query("UPDATE track_matches SET updated_at = now() + interval '1 second' WHERE release_id = $1", key.releaseID)
        XCTAssertThrowsError(try h.actions.normalizeConfidence(key, seen: .seen(seen), reviewer: "admin")) { error in
            guard case ReviewError.conflict = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try XCTUnwrap(h.service.row(key)).storedConfidence.stored, 87)

        let unit = randomKey()
        let row = try h.insertMatch(unit, confidence: 0.5)
        XCTAssertThrowsError(try h.actions.normalizeConfidence(unit, seen: .seen(row), reviewer: "admin")) { error in
            guard case ReviewError.noMatch = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try h.reviews(unit).count, 0)
    }
}
