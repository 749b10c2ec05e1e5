import Foundation
import Postgres
@testable import Rotation
import XCTest

/// Issue 10, item 1: jobs a worker put back with a reason (a search waiting for the quota or the API) and jobs
/// waiting out a retry backoff are counted in the queue statistics, the latest-due few with their reason and due time,
/// read through migration 0016's partial index rather than a scan of the queue.
final class QueuePostponedTests: XCTestCase {
    func testPostponedAndBackedOffJobsAreCountedLatestDueFirstWithTheirReasons() throws {
        let (_, db) = try TestDatabase.fresh()
        for id in Int64(1)...6 { try WorkerFixtures.enqueue(db, store: "s", id) }
        let queue = ProcessingQueue(connection: db)
        let jobs = try queue.claim(limit: 3, worker: "w")
        XCTAssertEqual(jobs.map(\.discogsID), [1, 2, 3])
        try db.transaction { tx in
            try queue.postpone([jobs[0].id], worker: "w", message: "search postponed: YouTube quota spent", seconds: 7200, on: tx)
            try queue.postpone([jobs[1].id], worker: "w", message: "search postponed: YouTube HTTP 503", seconds: 600, on: tx)
        }
        XCTAssertEqual(try queue.fail(jobs[2], worker: "w", message: "Discogs timed out", permanent: false), .retryLater)
        // A job whose wait is over is due now: it no longer waits, whatever its message says.
        try db.query("UPDATE processing_queue SET error_message = 'old news', next_attempt_at = NOW() - interval '1 minute' WHERE discogs_id = 4")

        let stats = try queue.statistics()
        XCTAssertEqual(stats.queued, 6)
        XCTAssertEqual(stats.postponed, 3)
        XCTAssertEqual(stats.latestPostponed.first?.discogsID, 1)
        XCTAssertEqual(stats.latestPostponed.first?.errorMessage, "search postponed: YouTube quota spent")
        XCTAssertEqual(Set(stats.latestPostponed.map(\.discogsID)), [1, 2, 3])
        let due = try XCTUnwrap(stats.latestPostponed.first?.nextAttemptAt)
        XCTAssertEqual(due.timeIntervalSinceNow, 7200, accuracy: 600)
        XCTAssertTrue(stats.latestPostponed.allSatisfy { $0.status == "queued" })

        XCTAssertEqual(try queue.statistics(postponedLimit: 1).latestPostponed.map(\.discogsID), [1])

        // The job comes back once due, and completing it ends the wait.
        try db.query("UPDATE processing_queue SET next_attempt_at = NOW() - interval '1 second' WHERE discogs_id = 1")
        let again = try XCTUnwrap(queue.claim(limit: 1, worker: "w").first)
        XCTAssertEqual(again.discogsID, 1)
        try db.transaction { tx in try queue.complete([again.id], worker: "w", on: tx) }
        XCTAssertEqual(try queue.statistics().postponed, 2)
    }

    func testThePostponedFiguresReadThePartialIndexNotTheQueue() throws {
        let (_, db) = try TestDatabase.fresh()
        // A backlog of queued jobs without a reason, a few postponed ones, failures and completions.
        try db.query("""
            INSERT INTO processing_queue (store_username, discogs_id, status, error_message, next_attempt_at, completed_at)
            SELECT 's', g,
                   CASE WHEN g % 100 = 0 THEN 'completed' WHEN g % 101 = 0 THEN 'failed' ELSE 'queued' END,
                   CASE WHEN g % 5000 = 1 THEN 'search postponed: quota' WHEN g % 101 = 0 THEN 'HTTP 404' END,
                   CASE WHEN g % 5000 = 1 THEN NOW() + interval '1 hour' END,
                   CASE WHEN g % 100 = 0 OR g % 101 = 0 THEN NOW() END
            FROM generate_series(1, 50000) g
            """)
        try db.query("ANALYZE processing_queue")
        XCTAssertEqual(try ProcessingQueue(connection: db).statistics().postponed, 10)

        for sql in [ProcessingQueue.postponedCountSQL, ProcessingQueue.latestPostponedSQL.replacingOccurrences(of: "$1", with: "5")] {
            let plan = try db.query("EXPLAIN " + sql).rows.map { $0["QUERY PLAN"] ?? "" }.joined(separator: "\n")
            XCTAssertTrue(plan.contains("processing_queue_postponed_idx"), plan)
            XCTAssertFalse(plan.contains("Seq Scan on processing_queue"), plan)
        }
    }
}
