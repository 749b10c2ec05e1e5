import Foundation
import Postgres
import Rotation
import XCTest

final class QueueTests: XCTestCase {
    func testClaimsByPriorityThenAgeAndNeverTheSameRowTwice() throws {
        let (url, db) = try TestDatabase.fresh()
        for id in Int64(1)...6 { try WorkerFixtures.enqueue(db, store: "s", id, priority: id == 4 ? 10 : 0) }
        let queue = ProcessingQueue(connection: db)
        let first = try queue.claim(limit: 3, worker: "a")
        XCTAssertEqual(first.map(\.discogsID), [4, 1, 2])
        let other = ProcessingQueue(connection: try PostgresConnection(url: url))
        XCTAssertEqual(try other.claim(limit: 10, worker: "b").map(\.discogsID), [3, 5, 6])
        XCTAssertEqual(try queue.claim(limit: 10, worker: "a"), [])
        let leased = try db.query("SELECT leased_by, count(*) AS n FROM processing_queue WHERE status = 'processing' AND lease_expires_at > NOW() GROUP BY 1 ORDER BY 1")
        XCTAssertEqual(leased.rows.map { "\($0["leased_by"]!)=\($0["n"]!)" }, ["a=3", "b=3"])
    }

    func testFailuresAreRetriedWithBackoffThenMarkedFailedWithTheirMessage() throws {
        let (_, db) = try TestDatabase.fresh()
        try WorkerFixtures.enqueue(db, store: "s", 42)
        var queue = ProcessingQueue(connection: db, policy: QueuePolicy(maxAttempts: 3, backoffBaseSeconds: 3600))
        var job = try XCTUnwrap(queue.claim(limit: 1, worker: "w").first)
        XCTAssertEqual(try queue.fail(job, worker: "w", message: "Discogs timed out", permanent: false), .retryLater)
        // Backing off: not due yet.
        XCTAssertEqual(try queue.claim(limit: 1, worker: "w"), [])
        let waiting = try XCTUnwrap(db.query("""
            SELECT status, retry_count, error_message, next_attempt_at > NOW() + interval '30 minutes' AS later
            FROM processing_queue
            """).first)
        XCTAssertEqual([waiting["status"], waiting["retry_count"], waiting["error_message"], waiting["later"]],
                       ["queued", "1", "Discogs timed out", "t"])

        queue.policy.backoffBaseSeconds = 0
        try db.query("UPDATE processing_queue SET next_attempt_at = NOW()")
        job = try XCTUnwrap(queue.claim(limit: 1, worker: "w").first)
        XCTAssertEqual(job.retryCount, 1)
        XCTAssertEqual(try queue.fail(job, worker: "w", message: "Discogs timed out", permanent: false), .retryLater)
        job = try XCTUnwrap(queue.claim(limit: 1, worker: "w").first)
        XCTAssertEqual(try queue.fail(job, worker: "w", message: "Discogs timed out", permanent: false), .failed)
        let failed = try XCTUnwrap(db.query("SELECT status, retry_count, error_message, leased_by FROM processing_queue").first)
        XCTAssertEqual(failed["status"], "failed")
        XCTAssertEqual(failed["retry_count"], "3")
        XCTAssertEqual(failed["error_message"], "Discogs timed out (gave up after 3 attempts)")
        XCTAssertNil(failed["leased_by"])
    }

    func testAPermanentFailureFailsAtOnceAndALostLeaseIsNotOverwritten() throws {
        let (_, db) = try TestDatabase.fresh()
        try WorkerFixtures.enqueue(db, store: "s", 7)
        let queue = ProcessingQueue(connection: db)
        let job = try XCTUnwrap(queue.claim(limit: 1, worker: "w").first)
        XCTAssertEqual(try queue.fail(job, worker: "somebody-else", message: "x", permanent: true), .notHeld)
        XCTAssertEqual(try queue.fail(job, worker: "w", message: "HTTP 404", permanent: true), .failed)
        XCTAssertEqual(try db.query("SELECT status || ':' || error_message FROM processing_queue").scalar(String.self), "failed:HTTP 404")
    }

    func testRequeueBumpAndList() throws {
        let (_, db) = try TestDatabase.fresh()
        for id in Int64(1)...4 { try WorkerFixtures.enqueue(db, store: "s", id) }
        try db.query("UPDATE processing_queue SET status = 'failed', error_message = 'boom', retry_count = 5 WHERE discogs_id IN (1, 2)")
        try db.query("UPDATE processing_queue SET status = 'completed' WHERE discogs_id = 3")
        let queue = ProcessingQueue(connection: db)

        XCTAssertEqual(try queue.list(status: "failed").map(\.discogsID).sorted(), [1, 2])
        XCTAssertEqual(try queue.requeue(failedOnly: true, release: 2).requeued, 1)
        XCTAssertEqual(try queue.requeue(failedOnly: true, release: nil).requeued, 1)
        let reset = try db.query("SELECT count(*) FROM processing_queue WHERE status = 'queued' AND retry_count = 0 AND error_message IS NULL")
        XCTAssertEqual(try reset.scalar(Int.self), 3)

        XCTAssertEqual(try queue.requeue(failedOnly: false, release: 3).requeued, 1)
        // A release in `releases` with no queue row is queued for its store.
        try db.query("INSERT INTO releases (discogs_id, store_username, title, artist) VALUES (99, 'web', 'T', 'A')")
        XCTAssertEqual(try queue.requeue(failedOnly: false, release: 99).requeued, 1)

        XCTAssertEqual(try queue.bump(release: 4), 1)
        XCTAssertEqual(try queue.list(status: "queued").first?.discogsID, 4)
        XCTAssertEqual(try queue.claim(limit: 1, worker: "w").first?.discogsID, 4)
        XCTAssertEqual(try queue.bump(release: 4), 0)  // processing now: nothing to move
    }

    func testStatisticsCountEveryStatusAndShowStuckJobsAndFailures() throws {
        let (_, db) = try TestDatabase.fresh()
        for id in Int64(1)...8 { try WorkerFixtures.enqueue(db, store: "s", id) }
        try db.query("UPDATE processing_queue SET queued_at = NOW() - interval '2 hours' WHERE discogs_id = 8")
        try db.query("UPDATE processing_queue SET status = 'completed', completed_at = NOW() WHERE discogs_id IN (1, 2, 3)")
        try db.query("UPDATE processing_queue SET status = 'failed', error_message = 'HTTP 404', completed_at = NOW() WHERE discogs_id = 4")
        // One worker died long ago (lease expired); the web app marked another processing without a lease.
        try db.query("""
            UPDATE processing_queue SET status = 'processing', leased_by = 'dead', started_at = NOW() - interval '1 hour',
              lease_expires_at = NOW() - interval '50 minutes' WHERE discogs_id = 5
            """)
        try db.query("UPDATE processing_queue SET status = 'processing', started_at = NOW() - interval '1 hour' WHERE discogs_id = 6")

        let stats = try ProcessingQueue(connection: db).statistics(throughputWindowSeconds: 600)
        XCTAssertEqual(stats.counts, ["queued": 2, "completed": 3, "failed": 1, "processing": 2])
        XCTAssertEqual(stats.completedInWindow, 3)
        XCTAssertEqual(try XCTUnwrap(stats.oldestQueuedAgeSeconds), 7200, accuracy: 600)
        XCTAssertEqual(Set(stats.stuck.map(\.discogsID)), [5, 6])
        XCTAssertEqual(stats.recentFailures.map(\.errorMessage), ["HTTP 404"])
        XCTAssertNotNil(stats.etaSeconds)
    }

    func testAnExpiredLeaseReturnsTheJobAndCountsTheLostAttempt() throws {
        let (_, db) = try TestDatabase.fresh()
        try WorkerFixtures.enqueue(db, store: "s", 5)
        try db.query("UPDATE processing_queue SET max_retries = 2")
        let queue = ProcessingQueue(connection: db)
        _ = try queue.claim(limit: 1, worker: "dead")
        XCTAssertEqual(try queue.reclaimExpiredLeases(), 0)
        try db.query("UPDATE processing_queue SET lease_expires_at = NOW() - interval '1 second'")
        XCTAssertEqual(try queue.reclaimExpiredLeases(), 1)
        XCTAssertEqual(try queue.claim(limit: 1, worker: "alive").first?.retryCount, 1)
        // Its worker dies too: out of attempts, the job fails with a message saying so.
        try db.query("UPDATE processing_queue SET lease_expires_at = NOW() - interval '1 second'")
        XCTAssertEqual(try queue.reclaimExpiredLeases(), 1)
        let row = try XCTUnwrap(db.query("SELECT status, error_message FROM processing_queue").first)
        XCTAssertEqual(row["status"], "failed")
        XCTAssertEqual(row["error_message"], "worker alive stopped before finishing (lease expired)")
    }
}
