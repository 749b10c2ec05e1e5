import Foundation
import Postgres
import XCTest

/// `rotation queue requeue` beside the web app's queue processor, and `rotation releases show` after the web app's
/// release upsert emptied the tracklist.
final class DeployedCLITests: CLITestCase {
    func testRequeueSaysARowIsProcessedElsewhereAndOnlyForceTakesIt() throws {
        // The web app's processor took the row: processing, no lease.
        try db.query("""
            INSERT INTO processing_queue (store_username, discogs_id, status, started_at, release_data)
            VALUES ('webapp-store', 4242001, 'processing', NOW(), '{"id": 4242001}')
            """)
        let refused = try ok(["queue", "requeue", "--release", "4242001"])
        XCTAssertTrue(refused.stdout.contains("requeued 0 jobs"), "\(refused)")
        XCTAssertTrue(refused.stdout.contains("1 row is being processed by another processor (the web app) since "), "\(refused)")
        XCTAssertTrue(refused.stdout.contains("--force takes them over"), "\(refused)")
        XCTAssertEqual(try count("SELECT count(*) FROM processing_queue WHERE status = 'processing'"), 1)

        let misused = try rotation(["queue", "requeue", "--failed", "--force"])
        XCTAssertNotEqual(misused.status, 0, "\(misused)")

        let forced = try ok(["queue", "requeue", "--release", "4242001", "--force", "--json"]).object()
        XCTAssertEqual(forced.int("requeued"), 1, "\(forced)")
        XCTAssertEqual(forced.int("processingElsewhere"), 0, "\(forced)")
        XCTAssertEqual(try count("SELECT count(*) FROM processing_queue WHERE status = 'queued' AND discogs_id = 4242001"), 1)
    }

    func testReleasesShowReadsTitlesFromTheStoredBodyWhenTheTracklistIsEmpty() throws {
        _ = try ok(["import", "release", "--store", "release-store", CLILocations.fixture("releases/1.json")])
        let shared = try ok(["releases", "show", "1"])
        XCTAssertTrue(shared.stdout.contains("titles from releases.tracklist"), "\(shared)")
        // The web app's upsert of the release rewrites its tracklist with what it holds.
        try db.query("UPDATE releases SET tracklist = '[]' WHERE discogs_id = 1")
        let human = try ok(["releases", "show", "1"])
        XCTAssertTrue(human.stdout.contains("titles from stored Discogs body"), "\(human)")
        XCTAssertTrue(human.stdout.contains("Östermalm"), "\(human)")
        let json = try ok(["releases", "show", "1", "--json"]).object()
        XCTAssertEqual(json.string("titleSource"), "stored_discogs_body", "\(json)")
        XCTAssertEqual((json["tracks"] as? [[String: Any]])?.count, 6, "\(json)")
    }
}
