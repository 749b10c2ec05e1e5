import Foundation
import XCTest

/// `rotation stats reviews` after decisions made through the CLI itself: the JSON's figures and the text's tables.
final class ReviewStatsCLITests: CLITestCase {
    func testStatisticsAfterTwoDecisions() throws {
        try insertRelease(920, store: "stats-store")
        for track in 0..<3 { try insertMatch(920, track, confidence: 0.6) }
        try ok(["matches", "approve", "920", "0", "--reviewer", "ana"])
        try ok(["matches", "reject", "920", "1", "--reviewer", "ana"])

        let report = try ok(["stats", "reviews", "--days", "3", "--json"]).object()
        XCTAssertEqual((report["day_labels"] as? [String])?.count, 3, "\(report)")
        let reviewers = try XCTUnwrap(report["reviewers"] as? [[String: Any]])
        XCTAssertEqual(reviewers.map { $0["reviewer"] as? String }, ["ana"])
        XCTAssertEqual(reviewers.first?.int("total"), 2)
        XCTAssertEqual(report.object("time_to_decision")?.int("decisions"), 2)
        XCTAssertNotNil(report.object("time_to_decision")?.double("median_seconds"))
        let pending = try XCTUnwrap(report["pending_by_store"] as? [[String: Any]])
        XCTAssertEqual(pending.first?["store"] as? String, "stats-store")
        XCTAssertEqual((pending.first?["per_day"] as? [Int])?.last, 1, "one match still waits")
        let rejections = try XCTUnwrap(report.object("rejections"))
        XCTAssertEqual(rejections.int("total"), 1)
        XCTAssertEqual(rejections.bool("reasons_recorded"), false)

        let text = try ok(["stats", "reviews"]).stdout
        XCTAssertTrue(text.contains("Decisions per reviewer per day"), text)
        XCTAssertTrue(text.contains("(14 days, UTC"), text)
        XCTAssertTrue(text.contains("The log records no reason for a rejection"), text)
        XCTAssertTrue(text.split(separator: "\n").contains { $0.hasPrefix("stats-store") && $0.contains("1") }, text)

        let refused = try rotation(["stats", "reviews", "--days", "0"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("--days must be between 1 and 366"), "\(refused)")
    }
}
