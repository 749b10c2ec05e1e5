import Foundation
import Postgres
import XCTest

/// `rotation matcher calibrate` and `rotation matcher threshold`, run as the built binary against a private Postgres.
final class CalibrationCLITests: CLITestCase {
    /// `count` decisions logged as the review functions write them, one track each, at `confidence`.
    private func logDecisions(_ action: String, confidence: Double, count: Int, firstRelease: Int64,
                              at: String = "2024-06-01T12:00:00Z") throws {
        try db.query("""
            INSERT INTO match_reviews (reviewer, action, release_id, track_index, row_before, created_at)
            SELECT 'ana', $1, $2::bigint + n, 0,
                   jsonb_build_object('release_id', $2::bigint + n, 'track_index', 0, 'platform', 'youtube',
                                      'match_url', 'https://youtu.be/v' || n, 'confidence', $3::real, 'approved', false),
                   $5::timestamptz
            FROM generate_series(1, $4::integer) AS n
            """, action, firstRelease, confidence, count, at)
    }

    func testCalibrateReportsBandsThresholdsAndTheSuggestionAsJSONAndText() throws {
        try logDecisions("approve", confidence: 0.62, count: 6, firstRelease: 1_000)
        try logDecisions("reject", confidence: 0.62, count: 4, firstRelease: 2_000)
        try logDecisions("approve", confidence: 0.86, count: 200, firstRelease: 3_000)
        try logDecisions("reject", confidence: 0.86, count: 50, firstRelease: 4_000, at: "2020-01-01T00:00:00Z")
        try insertMatch(9_001, 0, confidence: 0.71)

        let json = try ok(["matcher", "calibrate", "--json", "--since", "2021-01-01"]).object()
        XCTAssertEqual(json.int("decided"), 210)
        XCTAssertEqual(json.string("since"), "2021-01-01T00:00:00Z")
        let bands = try XCTUnwrap(json.array("bands") as? [[String: Any]])
        XCTAssertEqual(bands.count, 10)
        XCTAssertEqual(bands[2].int("approved"), 6)
        XCTAssertEqual(bands[2].int("rejected"), 4)
        XCTAssertEqual(bands[4].int("pending"), 1)
        XCTAssertEqual(bands[7].int("approved"), 200)
        let thresholds = try XCTUnwrap(json.array("thresholds") as? [[String: Any]])
        XCTAssertEqual(thresholds[0].double("precision") ?? 0, 206.0 / 210, accuracy: 1e-9)
        XCTAssertEqual(thresholds[3].int("review_load"), 10)
        XCTAssertEqual(thresholds[5].int("review_load"), 11)
        let suggestion = try XCTUnwrap(json.object("suggestion"))
        XCTAssertEqual(suggestion.string("status"), "threshold")
        XCTAssertEqual(suggestion.object("outcome")?.double("threshold"), 0.65)
        XCTAssertEqual(json.object("settings")?.double("current_threshold"), 0.8)

        // The environment's threshold is the one "now" refers to; the old rejections count without --since.
        let text = try ok(["matcher", "calibrate"], environment: ["AUTO_APPROVE_THRESHOLD": "0.9"]).stdout
        XCTAssertTrue(text.contains("auto-approve threshold now 0.90"), text)
        XCTAssertTrue(text.contains("Reliability"), text)
        XCTAssertTrue(text.contains("0.85–0.90"), text)
        XCTAssertTrue(text.contains("No suggestion: no threshold reaches precision ≥ 97.0% (now 0.90)"), text)
        XCTAssertFalse(text.contains("\u{1B}"))

        let few = try ok(["matcher", "calibrate", "--min-decisions", "1000"]).stdout
        XCTAssertTrue(few.contains("No suggestion: not enough decisions"), few)
        XCTAssertTrue(few.contains("260 in the bands; at least 1000 needed"), few)

        let bad = try rotation(["matcher", "calibrate"], environment: ["AUTO_APPROVE_THRESHOLD": "high"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("AUTO_APPROVE_THRESHOLD must be a number"), "\(bad)")
    }

    func testThresholdDryRunCountsPendingTracksByStoreAndChangesNothing() throws {
        try insertRelease(101, store: "alpha-records")
        try insertRelease(202, store: "evil\u{1B}[31m-store")
        try insertMatch(101, 0, confidence: 0.92)
        try insertMatch(101, 1, confidence: 0.75)
        try insertMatch(101, 2, confidence: 0.95, approved: true)
        try insertMatch(202, 0, confidence: 91)  // the 0-100 scale: 0.91

        let json = try ok(["matcher", "threshold", "0.9", "--dry-run", "--json"]).object()
        XCTAssertEqual(json.int("pending_total"), 3)
        XCTAssertEqual(json.int("at_or_above_threshold"), 2)
        let stores = try XCTUnwrap(json.array("by_store") as? [[String: Any]])
        XCTAssertEqual(Set(stores.compactMap { $0.string("store") }), ["alpha-records", "evil\u{1B}[31m-store"])

        let text = try ok(["matcher", "threshold", "0.9", "--dry-run"]).stdout
        XCTAssertTrue(text.contains("Dry run: 2 of 3 pending track(s) have a confidence at or above 0.9"), text)
        XCTAssertTrue(text.contains("alpha-records"), text)
        XCTAssertFalse(text.contains("\u{1B}"), "store names are sanitized: \(text)")
        XCTAssertEqual(try count("SELECT count(*) FROM track_matches WHERE approved"), 1)
        XCTAssertEqual(try count("SELECT count(*) FROM match_reviews"), 0)

        let advice = try ok(["matcher", "threshold", "0.9"]).stdout
        XCTAssertTrue(advice.contains("AUTO_APPROVE_THRESHOLD=0.9"), advice)
        XCTAssertEqual(try count("SELECT count(*) FROM track_matches WHERE approved"), 1)
        XCTAssertNotEqual(try rotation(["matcher", "threshold", "1.5"]).status, 0)
    }

    func testTheWorkerRefusesAnUnusableThreshold() throws {
        let result = try rotation(["worker", "--once"], environment: ["AUTO_APPROVE_THRESHOLD": "0.3"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("AUTO_APPROVE_THRESHOLD must be a number from 0.5 to 1"), "\(result)")
    }
}
