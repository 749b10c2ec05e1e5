import Foundation
import Postgres
import Rotation
import XCTest

/// Issue 13: the queue pane's counts per status come from counters that migration 0015's triggers keep. Whoever
/// writes `processing_queue` (the web app's `ON CONFLICT DO NOTHING`, our workers, a delete, a COPY, a truncate,
/// writers racing each other), the counters equal a `GROUP BY status` of the table.
final class QueueCountTests: XCTestCase {
    private func truth(_ db: PostgresConnection) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try db.query("SELECT status, count(*) AS n FROM processing_queue GROUP BY status").rows {
            counts[try row.decode("status")] = try row.decode("n")
        }
        return counts
    }

    private func assertCountsMatch(_ db: PostgresConnection, _ step: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let queue = ProcessingQueue(connection: db)
        let expected = try truth(db)
        XCTAssertEqual(try queue.statusCounts(), expected, step, file: file, line: line)
        XCTAssertEqual(try queue.statistics().counts, expected, step, file: file, line: line)
        XCTAssertEqual(try queue.queuedCount(), expected["queued"] ?? 0, step, file: file, line: line)
    }

    /// The web app's enqueue: a conflicting row is not inserted, so it is not counted.
    private func enqueue(_ db: PostgresConnection, store: String, ids: [Int64]) throws {
        try db.query("""
            INSERT INTO processing_queue (store_username, discogs_id)
            SELECT $1, unnest($2::bigint[])
            ON CONFLICT (store_username, discogs_id) DO NOTHING
            """, store, ids)
    }

    func testCountsFollowInsertsConflictsStatusChangesDeletesAndTruncate() throws {
        let (_, db) = try TestDatabase.fresh()
        try assertCountsMatch(db, "empty")
        try enqueue(db, store: "a", ids: Array(1...40))
        try enqueue(db, store: "a", ids: Array(30...60))  // 11 conflicts, 20 new rows
        try enqueue(db, store: "b", ids: [1, 2, 3])
        XCTAssertEqual(try ProcessingQueue(connection: db).statusCounts(), ["queued": 63])
        try assertCountsMatch(db, "after inserts with conflicts")

        let queue = ProcessingQueue(connection: db)
        let claimed = try queue.claim(limit: 10, worker: "w")
        try assertCountsMatch(db, "after a claim")
        try queue.complete(Array(claimed.prefix(6).map(\.id)), worker: "w", on: db)
        try queue.fail(claimed[6], worker: "w", message: "HTTP 404", permanent: true)
        try queue.fail(claimed[7], worker: "w", message: "timed out", permanent: false)
        _ = try queue.extendLeases(claimed.suffix(2).map(\.id), worker: "w")  // changes no status
        try assertCountsMatch(db, "after completions, failures and a lease renewal")

        // Statuses the web app writes itself, one nobody else knows, an upsert's update, and a delete.
        try db.query("UPDATE processing_queue SET status = 'paused' WHERE store_username = 'b'")
        try db.query("""
            INSERT INTO processing_queue (store_username, discogs_id, status) VALUES ('a', 1, 'queued'), ('c', 1, 'queued')
            ON CONFLICT (store_username, discogs_id) DO UPDATE SET status = 'processing'
            """)
        try db.query("DELETE FROM processing_queue WHERE discogs_id BETWEEN 20 AND 29")
        try assertCountsMatch(db, "after the web app's own statuses, an upsert and a delete")

        // A transaction that rolls back leaves the counters as they were.
        _ = try? db.transaction { tx in
            try tx.query("UPDATE processing_queue SET status = 'completed'")
            throw CancellationError()
        }
        try assertCountsMatch(db, "after a rollback")

        // Folding the deltas into one row per status keeps the sums.
        try db.query("SELECT rotation_fold_queue_status_counts()")
        XCTAssertEqual(try db.query("SELECT count(*) FROM queue_status_counts").scalar(Int.self), try truth(db).count)
        try assertCountsMatch(db, "after folding")

        // A transaction at REPEATABLE READ writes and is counted (it never folds).
        try db.transaction("REPEATABLE READ") { tx in
            for id in Int64(100)...130 {
                try tx.query("INSERT INTO processing_queue (store_username, discogs_id, status) VALUES ('d', $1, 'failed')", id)
            }
        }
        try assertCountsMatch(db, "after a repeatable-read transaction")

        try db.query("TRUNCATE processing_queue")
        try assertCountsMatch(db, "after truncate")
        try enqueue(db, store: "a", ids: [1, 2])
        try assertCountsMatch(db, "after a truncate and new rows")
    }

    func testConcurrentWritersLoseNoCount() throws {
        let (url, db) = try TestDatabase.fresh()
        try enqueue(db, store: "s", ids: Array(1...400))
        let writers = 6
        let failures = LockedFailures()
        // Each writer claims, completes, fails and re-enqueues in its own transactions while the others do the same
        // to the same rows and statuses, and folds now and then.
        DispatchQueue.concurrentPerform(iterations: writers) { writer in
            do {
                let connection = try PostgresConnection(url: url)
                defer { connection.close() }
                let queue = ProcessingQueue(connection: connection)
                let name = "writer-\(writer)"
                for round in 0..<12 {
                    let jobs = try queue.claim(limit: 5, worker: name)
                    if let first = jobs.first { try queue.fail(first, worker: name, message: "boom", permanent: round % 2 == 0) }
                    try connection.transaction { tx in
                        try queue.complete(jobs.dropFirst().map(\.id), worker: name, on: tx)
                    }
                    try connection.query("""
                        INSERT INTO processing_queue (store_username, discogs_id)
                        SELECT 's', g FROM generate_series($1::bigint, $1::bigint + 9) g
                        ON CONFLICT (store_username, discogs_id) DO NOTHING
                        """, Int64(1000 + round * 10))
                    try connection.query("DELETE FROM processing_queue WHERE id IN (SELECT id FROM processing_queue WHERE status = 'failed' ORDER BY id LIMIT 1)")
                    if round % 4 == writer % 4 { try connection.query("SELECT rotation_fold_queue_status_counts()") }
                }
            } catch {
                failures.append("writer \(writer): \(error)")
            }
        }
        XCTAssertEqual(failures.all, [])
        try assertCountsMatch(db, "after \(writers) concurrent writers")
    }

    func testTheMigrationCountsTheRowsAlreadyThere() throws {
        let (_, db) = try TestDatabase.fresh(migrated: false)
        let all = try Migration.load(from: TestDatabase.migrationsDirectory)
        try MigrationRunner(connection: db, migrations: all.filter { $0.version < 15 }).apply()
        try enqueue(db, store: "a", ids: Array(1...25))
        try db.query("UPDATE processing_queue SET status = 'completed' WHERE discogs_id <= 10")
        try db.query("UPDATE processing_queue SET status = 'failed' WHERE discogs_id = 11")
        try MigrationRunner(connection: db, migrations: all).apply()
        XCTAssertEqual(try ProcessingQueue(connection: db).statusCounts(), ["queued": 14, "completed": 10, "failed": 1])
        try assertCountsMatch(db, "after the migration")
    }

    func testTheReadOnlyRoleReadsTheCounts() throws {
        let (url, db) = try TestDatabase.fresh()
        try enqueue(db, store: "a", ids: [1, 2, 3])
        let name = "queue_reader_\(UInt32.random(in: 0...UInt32.max))"
        let password = "pw-\(UInt64.random(in: 0...UInt64.max))"
        try db.query("CREATE ROLE \(db.quoteIdentifier(name)) LOGIN PASSWORD '\(password)' IN ROLE rotation_readonly")
        defer {
            _ = try? db.query("DROP OWNED BY \(db.quoteIdentifier(name))")
            _ = try? db.query("DROP ROLE \(db.quoteIdentifier(name))")
        }
        var components = try XCTUnwrap(URLComponents(string: url))
        components.user = name
        components.password = password
        let reader = try PostgresConnection(url: try XCTUnwrap(components.string))
        defer { reader.close() }
        XCTAssertEqual(try ProcessingQueue(connection: reader).statistics().counts, ["queued": 3])
    }
}

/// Errors collected from concurrent writers.
private final class LockedFailures: @unchecked Sendable {
    private let lock = NSLock()
    private var failures: [String] = []
    func append(_ failure: String) { lock.withLock { failures.append(failure) } }
    var all: [String] { lock.withLock { failures } }
}
