import Foundation
import Postgres
import Rotation
import XCTest
@testable import Console
@testable import ConsoleLive

/// The queue screen's effects: each filter lists the right rows (stuck = processing with an expired lease, or
/// without a lease for longer than the stuck limit), requeue and bump priority change the rows.
final class ServiceEffectHandlerLiveQueueTests: LiveTestCase {
    private var ids: [String: Int64] = [:]

    override func setUpWithError() throws {
        try super.setUpWithError()
        let rows: [(String, Int64, String)] = [
            ("queued-low", 7001, "status = 'queued', priority = 0, queued_at = now() - interval '10 minutes'"),
            ("queued-high", 7002, "status = 'queued', priority = 5"),
            ("expired-lease", 7003, "status = 'processing', leased_by = 'w1', lease_expires_at = now() - interval '1 minute', started_at = now() - interval '10 minutes'"),
            ("live-lease", 7004, "status = 'processing', leased_by = 'w2', lease_expires_at = now() + interval '10 minutes', started_at = now()"),
            ("failed", 7005, "status = 'failed', retry_count = 5, error_message = 'cannot fetch release', completed_at = now()"),
            ("web-app-processing", 7006, "status = 'processing', started_at = now()"),
            ("web-app-abandoned", 7007, "status = 'processing', started_at = now() - interval '2 hours'"),
            ("completed", 7008, "status = 'completed', completed_at = now()"),
        ]
        for (name, release, assignments) in rows {
            let id = try db.query("INSERT INTO processing_queue (store_username, discogs_id) VALUES ($1, $2) RETURNING id",
                                  Self.store, release).scalar(Int64.self)
            try db.query("UPDATE processing_queue SET \(assignments) WHERE id = $1", id)
            ids[name] = id
        }
    }

    private func load(_ filter: QueueFilter, file: StaticString = #filePath, line: UInt = #line) -> [QueueJobRow] {
        let events = perform(.loadQueue(requestID(), filter, after: nil))
        guard events.count == 1, case .queueRowsLoaded(_, let rows, _) = events[0] else {
            XCTFail("expected queueRowsLoaded, got \(events)", file: file, line: line)
            return []
        }
        return rows
    }

    private func names(_ rows: [QueueJobRow]) -> Set<String> {
        Set(rows.compactMap { row in ids.first { $0.value == row.id }?.key })
    }

    func testEachFilterListsItsRows() throws {
        let attention = load(.attention)
        XCTAssertEqual(names(attention), ["expired-lease", "failed", "web-app-abandoned"])
        XCTAssertEqual(attention.first { $0.id == ids["failed"] }?.errorMessage, "cannot fetch release")
        XCTAssertEqual(attention.first { $0.id == ids["failed"] }?.retryCount, 5)
        XCTAssertTrue(attention.filter { $0.status == .processing }.allSatisfy(\.stuck))

        let queued = load(.queued)
        XCTAssertEqual(queued.map(\.id), [ids["queued-high"]!, ids["queued-low"]!], "claim order: priority first")
        XCTAssertGreaterThanOrEqual(queued[1].ageSeconds, 590)

        let processing = load(.processing)
        XCTAssertEqual(names(processing), ["expired-lease", "live-lease", "web-app-processing", "web-app-abandoned"])
        let stuck = Dictionary(processing.map { ($0.id, $0.stuck) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(stuck[ids["expired-lease"]!], true, "its worker died")
        XCTAssertEqual(stuck[ids["live-lease"]!], false)
        XCTAssertEqual(stuck[ids["web-app-processing"]!], false, "the web app's rows carry no lease: not stuck while fresh")
        XCTAssertEqual(stuck[ids["web-app-abandoned"]!], true, "no lease and started long ago")

        XCTAssertEqual(names(load(.failed)), ["failed"])
    }

    func testTheListAgreesWithTheQueuePanesStuckCount() throws {
        let stats = try ProcessingQueue(connection: db).statistics()
        XCTAssertEqual(load(.processing).filter(\.stuck).count, stats.stuck.count)
    }

    /// The queue pane's sampler hands the pane the jobs that wait with a reason, with their due time from now.
    func testThePanesSnapshotCarriesTheJobsWaitingWithAReason() throws {
        try db.query("""
            UPDATE processing_queue SET error_message = 'search postponed: YouTube quota spent',
              next_attempt_at = now() + interval '2 hours' WHERE id = $1
            """, ids["queued-low"]!)
        let now = Date()
        let snapshot = QueueSnapshot(try ProcessingQueue(connection: db).statistics(), now: now)
        XCTAssertEqual(snapshot.postponed, 1)
        let job = try XCTUnwrap(snapshot.latestPostponed.first)
        XCTAssertEqual(job.discogsID, 7001)
        XCTAssertEqual(job.reason, "search postponed: YouTube quota spent")
        XCTAssertEqual(Double(job.dueInSeconds), 7200, accuracy: 120)
    }

    func testRequeuePutsFailedAndStuckJobsBack() throws {
        let id = requestID()
        let events = perform(.requeue(id, jobIDs: [ids["failed"]!, ids["expired-lease"]!]))
        guard events.count == 1, case .queueRowsChanged(id, let rows, let summary) = events[0] else { return XCTFail("\(events)") }
        XCTAssertEqual(summary, "Requeued 2 jobs")
        XCTAssertEqual(names(rows), ["web-app-abandoned"], "the attention list as it is now")
        let stored = try db.query("SELECT status, retry_count, error_message, leased_by FROM processing_queue WHERE id = ANY($1::bigint[])",
                                  [ids["failed"]!, ids["expired-lease"]!]).rows
        XCTAssertEqual(stored.count, 2)
        for row in stored {
            XCTAssertEqual(row["status"], "queued")
            XCTAssertEqual(try row.decode("retry_count", as: Int.self), 0)
            XCTAssertNil(row["error_message"])
            XCTAssertNil(row["leased_by"])
        }
        XCTAssertEqual(try db.query("SELECT status FROM processing_queue WHERE id = $1", ids["live-lease"]!).first?["status"],
                       "processing", "a live worker's job is left alone")
    }

    func testRequeueLeavesALiveWorkersJobAlone() throws {
        let events = perform(.requeue(requestID(), jobIDs: [ids["live-lease"]!]))
        guard case .queueRowsChanged(_, _, let summary)? = events.first else { return XCTFail("\(events)") }
        XCTAssertEqual(summary, "Requeued 0 jobs")
        XCTAssertEqual(try db.query("SELECT leased_by FROM processing_queue WHERE id = $1", ids["live-lease"]!).first?["leased_by"], "w2")
    }

    func testReadOnlySettingsRefuseQueueChanges() throws {
        let readOnly = ServiceEffectHandler(settings: settings(readOnly: true), reviewer: Self.reviewer)
        for effect in [ConsoleEffect.requeue(requestID(), jobIDs: [ids["failed"]!]),
                       .bumpPriority(requestID(), jobIDs: [ids["queued-low"]!])] {
            let events = perform(effect, with: readOnly)
            let message = try XCTUnwrap(events.first?.failureMessage, "\(events)")
            XCTAssertTrue(message.contains("read-only"), message)
        }
        XCTAssertEqual(try db.query("SELECT status FROM processing_queue WHERE id = $1", ids["failed"]!).first?["status"], "failed")
        XCTAssertEqual(try db.query("SELECT priority FROM processing_queue WHERE id = $1", ids["queued-low"]!).scalar(Int.self), 0)
        XCTAssertEqual(names(load(.failed)), ["failed"], "listing still works")
    }

    func testBumpPriorityMovesAJobToTheFront() throws {
        let events = perform(.bumpPriority(requestID(), jobIDs: [ids["queued-low"]!]))
        guard events.count == 1, case .queueRowsChanged(_, let rows, let summary) = events[0] else { return XCTFail("\(events)") }
        XCTAssertEqual(summary, "Raised the priority of 1 job")
        XCTAssertEqual(rows.first?.id, ids["queued-low"], "the queued list, bumped job first")
        XCTAssertEqual(rows.first?.priority, 6)
        XCTAssertEqual(try db.query("SELECT priority FROM processing_queue WHERE id = $1", ids["queued-low"]!).scalar(Int.self), 6)
        XCTAssertEqual(load(.queued).map(\.id), [ids["queued-low"]!, ids["queued-high"]!])
    }
}
