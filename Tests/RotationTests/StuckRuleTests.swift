import Foundation
import Postgres
import Rotation
import XCTest

/// The stuck rule has a Swift form (`QueueEntry.isStuck(at:)`, the console's queue screen) and an SQL form
/// (`queue stats`, the worker's reclaim): both must call the same rows stuck.
final class StuckRuleTests: XCTestCase {
    func testTheConsoleAndQueueStatsCallTheSameRowsStuck() throws {
        let (_, db) = try TestDatabase.fresh()
        for id in Int64(1)...7 { try WorkerFixtures.enqueue(db, store: "s", id) }
        // 1: a worker of ours died (lease ran out). 2: a live lease, started long ago. 3: no lease, past the limit.
        // 4: no lease, within the limit (the web app is on it). 5: queued for hours. 6: failed. 7: no lease, no start.
        try db.query("""
            UPDATE processing_queue SET status = 'processing', leased_by = 'dead', started_at = NOW() - interval '1 hour',
              lease_expires_at = NOW() - interval '50 minutes' WHERE discogs_id = 1
            """)
        try db.query("""
            UPDATE processing_queue SET status = 'processing', leased_by = 'alive', started_at = NOW() - interval '1 hour',
              lease_expires_at = NOW() + interval '10 minutes' WHERE discogs_id = 2
            """)
        try db.query("UPDATE processing_queue SET status = 'processing', started_at = NOW() - interval '1 hour' WHERE discogs_id = 3")
        try db.query("UPDATE processing_queue SET status = 'processing', started_at = NOW() - interval '5 minutes' WHERE discogs_id = 4")
        try db.query("UPDATE processing_queue SET queued_at = NOW() - interval '3 hours' WHERE discogs_id = 5")
        try db.query("UPDATE processing_queue SET status = 'failed', completed_at = NOW() WHERE discogs_id = 6")
        try db.query("UPDATE processing_queue SET status = 'processing', started_at = NULL, queued_at = NOW() WHERE discogs_id = 7")

        let queue = ProcessingQueue(connection: db)
        let now = Date()
        let inSwift = Set(try queue.list(limit: 50).filter { $0.isStuck(at: now) }.map(\.discogsID))
        let inSQL = Set(try queue.statistics().stuck.map(\.discogsID))
        XCTAssertEqual(inSwift, [1, 3])
        XCTAssertEqual(inSQL, inSwift)
    }

    func testTheLimitDecidesForARowWithoutALease() throws {
        let (_, db) = try TestDatabase.fresh()
        try WorkerFixtures.enqueue(db, store: "s", 9)
        try db.query("UPDATE processing_queue SET status = 'processing', started_at = NOW() - interval '10 minutes'")
        let entry = try XCTUnwrap(ProcessingQueue(connection: db).list(limit: 1).first)
        XCTAssertFalse(entry.isStuck(at: Date()))
        XCTAssertTrue(entry.isStuck(at: Date(), limitSeconds: 300))
        XCTAssertTrue(entry.isStuck(at: Date().addingTimeInterval(Double(QueuePolicy.stuckWithoutLeaseSeconds))))
    }
}
