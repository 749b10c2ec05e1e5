import Foundation
import XCTest

/// `rotation queue stats` names the jobs that wait with a reason (issue 10, item 1), sanitized, in both outputs.
final class QueueStatsCLITests: CLITestCase {
    func testQueueStatsListsTheJobsWaitingWithTheirReasonAndDueTime() throws {
        try db.query("""
            INSERT INTO processing_queue (store_username, discogs_id, error_message, next_attempt_at) VALUES
              ('s', 501, 'search postponed: YouTube quota spent' || chr(27) || '[2J', NOW() + interval '3 hours'),
              ('s', 502, NULL, NULL),
              ('s', 503, 'old reason, due now', NOW() - interval '1 minute')
            """)
        let human = try ok(["queue", "stats"]).stdout
        XCTAssertTrue(human.contains("waiting with a reason: 1"), human)
        XCTAssertTrue(human.contains("  501 due in 2h 59m: search postponed: YouTube quota spent") ||
                      human.contains("  501 due in 3h 0m: search postponed: YouTube quota spent"), human)
        XCTAssertFalse(human.contains("\u{1B}"), "the reason reached the terminal unsanitized: \(human)")
        XCTAssertFalse(human.contains("503"), human)

        let json = try ok(["queue", "stats", "--json"]).object()
        XCTAssertEqual(json["postponed"] as? Int, 1, "\(json)")
        let latest = try XCTUnwrap(json["latestPostponed"] as? [[String: Any]], "\(json)")
        XCTAssertEqual(latest.map { $0["discogsID"] as? Int }, [501])
        XCTAssertNotNil(latest.first?["nextAttemptAt"], "\(latest)")
    }
}
