import Foundation
import Matching
import Postgres
import Rotation
import XCTest

/// Calibration read from a real decision log: decisions taken through the review actions, and a seeded log of
/// direct inserts in the shape the review functions write (`row_before` is the `track_matches` row as JSONB).
final class CalibrationLogTests: XCTestCase {
    private var nextRelease: Int64 = 5_000_000_000

    /// One `match_reviews` row as `rotation_review_decide` writes it; returns its id.
    @discardableResult
    private func log(_ db: PostgresConnection, _ action: String, release: Int64, track: Int = 0, url: String,
                     confidence: Double, approvedBefore: Bool = false, afterURL: String? = nil,
                     undoes: Int64? = nil, at: String = "2024-06-01T12:00:00Z") throws -> Int64 {
        try db.query("""
            INSERT INTO match_reviews (reviewer, action, release_id, track_index, row_before, row_after, undoes, created_at)
            VALUES ('ana', $1, $2, $3::integer,
                    jsonb_build_object('id', 1, 'release_id', $2::bigint, 'track_index', $3::integer, 'platform', 'youtube',
                                       'match_url', $4::text, 'confidence', $5::real, 'approved', $6::boolean,
                                       'verified_by', NULL, 'verified_at', NULL, 'created_at', $8::timestamptz,
                                       'updated_at', $8::timestamptz),
                    CASE WHEN $7::text IS NULL THEN NULL ELSE jsonb_build_object('match_url', $7::text, 'approved', true) END,
                    $9::bigint, $8::timestamptz)
            RETURNING id
            """, action, release, track, url, confidence, approvedBefore, afterURL, at, undoes).scalar(Int64.self)
    }

    private func release() -> Int64 {
        nextRelease += 1
        return nextRelease
    }

    /// The known log of `CalibrationReportTests.knownDecisions` (MatchingTests), plus what calibration must leave out or fold.
    private func seedKnownLog(_ db: PostgresConnection) throws {
        func many(_ confidence: Double, approved: Int, replaced: Int, rejected: Int) throws {
            for _ in 0..<approved { try log(db, "approve", release: release(), url: "https://youtu.be/a", confidence: confidence) }
            for n in 0..<replaced {
                try log(db, n % 2 == 0 ? "replace" : "reject_replace", release: release(), url: "https://youtu.be/p",
                        confidence: confidence, afterURL: "https://youtu.be/person")
            }
            for _ in 0..<rejected { try log(db, "reject", release: release(), url: "https://youtu.be/r", confidence: confidence) }
        }
        try many(0.52, approved: 2, replaced: 3, rejected: 4)
        // The fifth rejection at 0.52: approved first, rejected later: the latest decision on the proposal counts.
        let changedMind = release()
        try log(db, "approve", release: changedMind, url: "https://youtu.be/m", confidence: 0.52, at: "2024-06-01T10:00:00Z")
        try log(db, "reject", release: changedMind, url: "https://youtu.be/m", confidence: 0.52, approvedBefore: true)
        try many(0.62, approved: 6, replaced: 1, rejected: 2)  // the second replacement at 0.62 is below
        try many(0.7, approved: 18, replaced: 1, rejected: 1)
        try many(0.85, approved: 120, replaced: 0, rejected: 0)
        try many(0.97, approved: 60, replaced: 0, rejected: 0)

        // Left out: an undone approval, needs review, clears, a normalization, and a decision on a URL a person supplied.
        let undone = try log(db, "approve", release: release(), url: "https://youtu.be/u", confidence: 0.52)
        try db.query("""
            INSERT INTO match_reviews (reviewer, action, release_id, track_index, undoes, created_at)
            SELECT 'ana', 'undo', release_id, track_index, id, created_at FROM match_reviews WHERE id = $1
            """, undone)
        try log(db, "needs_review", release: release(), url: "https://youtu.be/n", confidence: 0.9, approvedBefore: true)
        try log(db, "clear", release: release(), url: "https://youtu.be/c", confidence: 0.52)
        try log(db, "normalize_confidence", release: release(), url: "https://youtu.be/z", confidence: 52)
        let supplied = release()
        try log(db, "replace", release: supplied, url: "https://youtu.be/x", confidence: 0.62, afterURL: "https://youtu.be/mine")
        try log(db, "reject", release: supplied, url: "https://youtu.be/mine", confidence: 1.0, approvedBefore: true)
        // Older than --since: ten rejections at 0.85.
        for _ in 0..<10 {
            try log(db, "reject", release: release(), url: "https://youtu.be/old", confidence: 0.85, at: "2020-01-01T00:00:00Z")
        }
        // Pending now: 0.56 ×3, 0.72 ×4, 74 on the 0-100 scale (0.74), 0.78 ×2, and 0.30 (in no band).
        for (confidence, count) in [(0.56, 3), (0.72, 4), (74.0, 1), (0.78, 2), (0.3, 1)] {
            for _ in 0..<count {
                try db.query("""
                    INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved)
                    VALUES ($1, 0, 'youtube', 'https://youtu.be/pending', $2::real, false)
                    """, release(), confidence)
            }
        }
    }

    func testASeededLogGivesTheKnownCountsPrecisionAndSuggestion() throws {
        let (_, db) = try TestDatabase.fresh()
        try seedKnownLog(db)
        let since = ISO8601DateFormatter().date(from: "2021-01-01T00:00:00Z")
        let report = try CalibrationLog(database: db).report(since: since, settings: CalibrationSettings())
        XCTAssertEqual(report.bands.map(\.approved), [2, 0, 6, 0, 18, 0, 0, 120, 0, 60])
        XCTAssertEqual(report.bands.map(\.replaced), [3, 0, 2, 0, 1, 0, 0, 0, 0, 0])
        XCTAssertEqual(report.bands.map(\.rejected), [5, 0, 2, 0, 1, 0, 0, 0, 0, 0])
        XCTAssertEqual(report.bands.map(\.pending), [0, 3, 0, 0, 5, 2, 0, 0, 0, 0])
        XCTAssertEqual(report.decidedBelowReview, 0)
        XCTAssertEqual(report.thresholds.map(\.decided), [220, 210, 210, 200, 200, 180, 180, 180, 60, 60])
        XCTAssertEqual(report.thresholds.map(\.approved), [206, 204, 204, 198, 198, 180, 180, 180, 60, 60])
        XCTAssertEqual(report.thresholds.map(\.reviewLoad), [0, 10, 13, 23, 23, 48, 50, 50, 170, 170])
        let at75 = try XCTUnwrap(report.thresholds.first { $0.threshold == 0.75 })
        XCTAssertEqual([at75.decided, at75.approved, at75.reviewLoad], [180, 180, 48])
        XCTAssertEqual(at75.interval?.lower ?? 0, 0.979105, accuracy: 1e-6)
        guard case .threshold(let suggested) = report.suggestion else { return XCTFail("\(report.suggestion)") }
        XCTAssertEqual(suggested.threshold, 0.75)

        // Without --since the ten old rejections at 0.85 count, and 0.75 no longer reaches 97 %.
        let all = try CalibrationLog(database: db).report(settings: CalibrationSettings())
        XCTAssertEqual(all.bands[7].rejected, 10)
        XCTAssertEqual(all.suggestion, .targetNotReached)
        // Too few decisions for the minimum: said so, no number.
        let strict = try CalibrationLog(database: db).report(since: since, settings: CalibrationSettings(minimumDecisions: 500))
        XCTAssertEqual(strict.suggestion, .notEnoughDecisions(decided: 220, minimum: 500))
    }

    func testDecisionsTakenThroughTheReviewActionsAreReadWithTheirConfidenceBefore() throws {
        let h = try ServiceHarness.make()
        let approved = randomKey(), rejected = randomKey(track: 1), replaced = randomKey(track: 2)
        let undone = randomKey(track: 3), flagged = randomKey(track: 4), cleared = randomKey(track: 5)
        let rows = [approved: 0.65, rejected: 0.58, replaced: 0.71, undone: 0.9, flagged: 0.83, cleared: 0.6]
        var seen: [TrackKey: TrackMatch] = [:]
        for (key, confidence) in rows {
            seen[key] = try h.insertMatch(key, url: "https://www.youtube.com/watch?v=t\(key.trackIndex)",
                                          confidence: confidence, approved: key == flagged)
        }
        _ = try h.actions.approve(approved, seen: .seen(seen[approved]), reviewer: "ana")
        _ = try h.actions.reject(rejected, seen: .seen(seen[rejected]), reviewer: "ana")
        _ = try h.actions.replace(replaced, url: "https://www.youtube.com/watch?v=right", seen: .seen(seen[replaced]), reviewer: "ana")
        _ = try h.actions.markNeedsReview(flagged, seen: .seen(seen[flagged]), reviewer: "ana")
        _ = try h.actions.clear(cleared, seen: .seen(seen[cleared]), reviewer: "ana")
        _ = try h.actions.approve(undone, seen: .seen(seen[undone]), reviewer: "ana")
        _ = try h.actions.undo(reviewer: "ana")
        // A later decision on the URL a person supplied is not about the matcher's proposal.
        _ = try h.actions.reject(replaced, seen: .seen(try h.service.row(replaced)), reviewer: "ana")

        let decisions = try CalibrationLog(database: h.db).decisions()
            .sorted { $0.confidence < $1.confidence }
            .map { [String(format: "%.2f", $0.confidence), $0.verdict.rawValue] }
        XCTAssertEqual(decisions, [["0.58", "rejected"], ["0.65", "approved"], ["0.71", "replaced"]])
    }

    func testTheDryRunCountsPendingTracksAtOrAboveTheThresholdByStore() throws {
        let h = try ServiceHarness.make()
        let alpha = release(), beta = release(), orphan = release()
        try h.insertRelease(alpha, store: "alpha-records", tracks: 4)
        try h.insertRelease(beta, store: "beta-vinyl", tracks: 4)
        for (key, confidence, approved) in [
            (TrackKey(releaseID: alpha, trackIndex: 0), 0.9, false), (TrackKey(releaseID: alpha, trackIndex: 1), 0.75, false),
            (TrackKey(releaseID: alpha, trackIndex: 2), 0.95, true), (TrackKey(releaseID: alpha, trackIndex: 3), 0.6, false),
            (TrackKey(releaseID: beta, trackIndex: 0), 0.7, false), (TrackKey(releaseID: beta, trackIndex: 1), 72.0, false),
            (TrackKey(releaseID: orphan, trackIndex: 0), 0.8, false),
        ] {
            try h.insertMatch(key, confidence: confidence, approved: approved)
        }
        let run = try ThresholdDryRun.measure(threshold: 0.7, database: h.db)
        XCTAssertEqual(run.pendingTotal, 6)
        XCTAssertEqual(run.atOrAboveThreshold, 5, "0.9, 0.75, 0.7, 72 (0.72) and the orphan's 0.8; not 0.6, not the approved")
        XCTAssertEqual(run.byStore, [PendingAtThreshold(store: "alpha-records", tracks: 2),
                                     PendingAtThreshold(store: "beta-vinyl", tracks: 2), PendingAtThreshold(store: nil, tracks: 1)])
        XCTAssertEqual(try ThresholdDryRun.measure(threshold: 0.85, database: h.db).atOrAboveThreshold, 1)
        XCTAssertEqual(try h.db.query("SELECT count(*) FROM track_matches WHERE approved").scalar(Int.self), 1, "changes nothing")
    }

    func testTheAutoApproveThresholdIsConfigurationTheWorkerReads() {
        let set = RotationSettings(environment: ["AUTO_APPROVE_THRESHOLD": "0.9"])
        XCTAssertEqual(set.autoApproveThreshold, 0.9)
        XCTAssertNil(set.autoApproveThresholdProblem)
        XCTAssertEqual(WorkerConfiguration(settings: set).policy.autoApproveThreshold, 0.9)
        XCTAssertEqual(WorkerConfiguration(settings: set).policy.storeThreshold, MatchPolicy.default.storeThreshold)
        XCTAssertEqual(WorkerConfiguration(settings: RotationSettings(environment: [:])).policy, MatchPolicy.default)
        for bad in ["high", "0.3", "1.5", "nan"] {
            let settings = RotationSettings(environment: ["AUTO_APPROVE_THRESHOLD": bad])
            XCTAssertNil(settings.autoApproveThreshold, bad)
            XCTAssertEqual(settings.autoApproveThresholdProblem,
                           "AUTO_APPROVE_THRESHOLD must be a number from 0.5 to 1, got \"\(bad)\"")
        }
    }
}
