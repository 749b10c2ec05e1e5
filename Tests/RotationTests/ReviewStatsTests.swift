import Foundation
import LocalServers
import Postgres
import Rotation
import XCTest

/// `ReviewStatistics` on a decision log with a known answer, on a fresh database: decisions written by the real
/// decision functions (`rotation_review_decide`, `rotation_review_bulk_clear`), then moved to chosen times.
final class ReviewStatsTests: XCTestCase {
    private var db: PostgresConnection!
    /// 2026-03-10 12:00 UTC: the window of 3 days is 03-08, 03-09 and 03-10 up to noon.
    private let asOf = Date(timeIntervalSince1970: 1_773_144_000)

    override func setUpWithError() throws {
        db = try TestDatabase.fresh().connection
        // The log is append-only; this test database lets its decisions be moved to the times the answer needs.
        try db.query("ALTER TABLE match_reviews DISABLE TRIGGER match_reviews_append_only")
    }

    private func time(_ text: String) -> String { "2026-03-\(text):00+00" }

    private func release(_ id: Int64, store: String) throws {
        try db.query("INSERT INTO releases (discogs_id, store_username, title, artist) VALUES ($1, $2, 'T', 'A')", id, store)
    }

    /// A match stored pending (or approved) at `storedAt` (`DD HH:MM`).
    private func match(_ release: Int64, _ track: Int, storedAt: String, approved: Bool = false) throws {
        try db.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved, created_at)
            VALUES ($1, $2::integer, 'youtube', $3, 0.6, $4, $5::timestamptz)
            """, release, track, "https://www.youtube.com/watch?v=\(release)x\(track)", approved, time(storedAt))
    }

    /// One decision through the audited function, logged at `at` (`DD HH:MM`).
    private func decide(_ release: Int64, _ track: Int, _ action: String, by reviewer: String, at: String) throws {
        let replacement = action == "reject_replace" ? "https://www.youtube.com/watch?v=right\(release)" : nil
        let id: Int64 = try db.query("""
            SELECT review_id FROM rotation_review_decide($1::bigint, $2::integer, 'none', NULL, $3::text, $4::text,
                                                         NULL, gen_random_uuid(), $5::text, $6::text, $7::real)
            """, parameters: [release, track, reviewer, action, replacement.map { _ in "youtube" }, replacement,
                              replacement.map { _ in 1.0 }]).scalar()
        try db.query("UPDATE match_reviews SET created_at = $2::timestamptz WHERE id = $1", id, time(at))
    }

    private func seedTheKnownLog() throws {
        try release(1, store: "alpha")
        try release(2, store: "beta")
        try release(3, store: "gamma")
        try match(1, 0, storedAt: "07 10:00")
        try match(1, 1, storedAt: "08 06:00")
        try match(1, 2, storedAt: "08 06:00")
        try match(1, 3, storedAt: "09 00:30")
        try match(2, 0, storedAt: "07 00:00")
        try match(2, 1, storedAt: "10 11:00")
        try match(3, 0, storedAt: "08 00:00")

        try decide(1, 0, "approve", by: "ana", at: "08 10:00")          // waited 24 h
        try decide(1, 1, "reject", by: "ana", at: "08 08:00")           // waited 2 h
        try decide(1, 2, "approve", by: "bob", at: "09 12:00")          // waited 30 h
        try decide(1, 2, "needs_review", by: "bob", at: "10 09:00")     // pending again; not a first decision
        try decide(2, 0, "reject_replace", by: "bob", at: "10 10:00")   // waited 82 h
        // A release cleared in bulk: one decision, ending its pending track's wait (not timed: no single track).
        let clear: Int64 = try db.query("""
            SELECT DISTINCT review_id FROM rotation_review_bulk_clear('clear_release', 3, NULL, 'ana', gen_random_uuid())
            """).scalar()
        try db.query("UPDATE match_reviews SET created_at = $2::timestamptz WHERE id = $1", clear, time("09 01:00"))
        // A confidence rewrite is logged but is no judgement: not counted.
        try db.query("""
            INSERT INTO match_reviews (reviewer, action, release_id, track_index, created_at)
            VALUES ('ana', 'normalize_confidence', 9, 1, $1::timestamptz)
            """, time("09 05:00"))
        // Outside the window: the day before it.
        try db.query("""
            INSERT INTO match_reviews (reviewer, action, release_id, track_index, created_at)
            VALUES ('carol', 'clear', 9, 0, $1::timestamptz)
            """, time("07 23:59"))
    }

    func testStatisticsOfASeededLogHaveTheKnownAnswer() throws {
        try seedTheKnownLog()
        let report = try ReviewStatistics(database: db).report(days: 3, asOf: asOf)

        XCTAssertEqual(report.dayLabels, ["2026-03-08", "2026-03-09", "2026-03-10"])
        XCTAssertEqual(report.reviewers, [ReviewerDecisions(reviewer: "ana", perDay: [2, 1, 0]),
                                          ReviewerDecisions(reviewer: "bob", perDay: [0, 1, 2])])
        XCTAssertEqual(report.decisionsPerDay, [2, 2, 2])

        XCTAssertEqual(report.timeToDecision.decisions, 4)
        XCTAssertEqual(try XCTUnwrap(report.timeToDecision.medianSeconds), 27 * 3600, accuracy: 1,
                       "the median of 2, 24, 30 and 82 hours")

        XCTAssertEqual(report.pendingByStore, [
            StorePendingSeries(store: "alpha", perDay: [1, 1, 2]),
            StorePendingSeries(store: "beta", perDay: [1, 1, 1]),
            StorePendingSeries(store: "gamma", perDay: [1, 0, 0]),
        ])

        XCTAssertFalse(report.rejections.reasonsRecorded)
        XCTAssertEqual(report.rejections.total, 2)
        XCTAssertEqual(report.rejections.withReplacement, 1)
        XCTAssertEqual(report.rejections.byReviewer, [NamedCount("ana", 1), NamedCount("bob", 1)])
        XCTAssertEqual(report.rejections.byStore, [NamedCount("alpha", 1), NamedCount("beta", 1)])
    }

    func testTheLastDayEndsNowAndAnEmptyLogIsAllZeros() throws {
        try release(5, store: "delta")
        try match(5, 0, storedAt: "01 00:00")
        let report = try ReviewStatistics(database: db).report(days: 2, asOf: asOf)
        XCTAssertEqual(report.dayLabels, ["2026-03-09", "2026-03-10"])
        XCTAssertEqual(report.reviewers, [])
        XCTAssertEqual(report.timeToDecision, TimeToDecision(decisions: 0, medianSeconds: nil))
        XCTAssertEqual(report.pendingByStore, [StorePendingSeries(store: "delta", perDay: [1, 1])],
                       "a match nobody decided is pending every day since it was stored")
        XCTAssertEqual(report.rejections.total, 0)
    }
}
