import Foundation
import Matching
import Postgres
import Rotation
import XCTest

/// A release that cannot be stored or matched fails only its own job, with the reason in its queue row; the
/// batch's other releases are committed (issue 9, item 1).
final class WorkerIsolationTests: XCTestCase {
    private func status(_ db: PostgresConnection, _ id: Int64) throws -> (status: String, message: String) {
        let row = try XCTUnwrap(db.query("SELECT status, error_message FROM processing_queue WHERE discogs_id = $1", id).first)
        return (row["status"] ?? "", row["error_message"] ?? "")
    }

    func testBodiesThatCannotBeStoredFailOnlyTheirOwnJobs() throws {
        let (url, db) = try TestDatabase.fresh()
        let source = StubReleaseSource()
        // Before: the NUL and the out-of-range year failed the whole batch, 1e19 crashed the worker.
        source.serve(101, try BadReleaseBodies.body(101) { $0["title"] = "Stock\u{0}holm" })
        source.serve(102, try BadReleaseBodies.body(102, raw: ["__YEAR__": "3000000000"]) { $0["year"] = "__YEAR__" })
        source.serve(103, try BadReleaseBodies.body(103, raw: ["__YEAR__": "1e19"]) { $0["year"] = "__YEAR__" })
        source.serve(104, try BadReleaseBodies.body(104, from: 79))
        source.serve(105, try BadReleaseBodies.body(105, from: 1))
        for id: Int64 in 101...105 { try WorkerFixtures.enqueue(db, store: "web-store", id) }
        let worker = try WorkerFixtures.worker(url, batch: 5, source: source)

        let report = try worker.processBatch()
        XCTAssertEqual([report.claimed, report.completed, report.failed, report.retried], [5, 2, 3, 0], "\(report)")
        XCTAssertEqual(report.completedReleases.sorted(), [104, 105])
        for id: Int64 in [104, 105] { XCTAssertEqual(try status(db, id).status, "completed") }
        let expected: [Int64: [String]] = [101: ["$.title", "NUL"], 102: ["$.year", "3000000000 is out of range"],
                                           103: ["$.year", "out of range for an integer"]]
        for (id, parts) in expected {
            let (state, message) = try status(db, id)
            XCTAssertEqual(state, "failed", "\(id): \(message)")
            for part in parts { XCTAssertTrue(message.contains(part), "\(id): \(message)") }
        }
        // `rotation queue list --status failed` reads the same rows.
        let failed = try ProcessingQueue(connection: db).list(status: "failed")
        XCTAssertEqual(failed.map(\.discogsID).sorted(), [101, 102, 103])
        XCTAssertTrue(failed.allSatisfy { $0.errorMessage?.contains("/releases/\($0.discogsID)") == true }, "\(failed)")
        // The good releases are stored and matched; nothing of the bad ones is.
        XCTAssertEqual(try db.query("SELECT discogs_id FROM releases ORDER BY 1").column("discogs_id", as: Int64.self), [104, 105])
        XCTAssertEqual(try db.query("SELECT DISTINCT release_id FROM match_candidates ORDER BY 1").column("release_id", as: Int64.self),
                       [104, 105])
    }

    func testAReleaseWhoseMatchesPostgresRefusesFailsAloneAndTheRestOfTheBatchCommits() throws {
        let (url, db) = try TestDatabase.fresh()
        try WorkerFixtures.importFixtureReleases(db)
        let releases = try ImportFixtures.releaseIDs()
        // A refusal of one release's rows at write time (here a trigger raising a data exception): the batch's one
        // transaction fails, so it is written again release by release and only this release's job fails.
        let refused: Int64 = 1018055
        try db.query("""
            CREATE FUNCTION test_refuse_candidates() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.release_id = \(refused) THEN RAISE EXCEPTION 'candidate refused' USING ERRCODE = '22023'; END IF;
              RETURN NEW;
            END $$
            """)
        try db.query("""
            CREATE TRIGGER test_refuse BEFORE INSERT ON match_candidates FOR EACH ROW EXECUTE FUNCTION test_refuse_candidates()
            """)
        let worker = try WorkerFixtures.worker(url, batch: releases.count)

        let report = try worker.processBatch()
        XCTAssertEqual([report.claimed, report.completed, report.failed], [releases.count, releases.count - 1, 1], "\(report)")
        XCTAssertEqual(report.completedReleases.sorted(), releases.filter { $0 != refused })
        let (state, message) = try status(db, refused)
        XCTAssertEqual(state, "failed")
        XCTAssertTrue(message.contains("cannot be stored") && message.contains("candidate refused"), message)
        XCTAssertEqual(try db.query("SELECT count(*) FROM processing_queue WHERE status = 'completed'").scalar(Int.self), releases.count - 1)
        XCTAssertEqual(try db.query("SELECT count(*) FROM match_candidates WHERE release_id = $1", refused).scalar(Int.self), 0)
        XCTAssertGreaterThan(try db.query("SELECT count(DISTINCT release_id) FROM match_candidates").scalar(Int.self), 1)
    }
}
