import Foundation
import Postgres
import XCTest

/// Pointing `rotation` at a copy of a real deployment: `migrate --check`, `migrate`, `health`, a review on a row the
/// web app wrote without an updated_at, `queue requeue` beside the web app's queue processor, and `releases show`
/// after the web app's release upsert emptied the tracklist.
final class DeploymentCLITests: CLITestCase {
    private var deployedSchema: String {
        get throws {
            try String(contentsOf: CLILocations.repositoryRoot.appendingPathComponent("Tests/Fixtures/webapp/schema-deployed.sql"),
                       encoding: .utf8)
        }
    }

    func testCheckThenMigrateADeployedDatabaseThenHealthSaysItMatches() throws {
        databaseURL = try freshDatabase()
        let target = try PostgresConnection(url: databaseURL)
        defer { target.close() }
        try target.executeScript(try deployedSchema)

        let check = try ok(["migrate", "--check"])
        XCTAssertTrue(check.stdout.contains("[migrate-fixes] processing_queue.leased_by is missing"), "\(check)")
        XCTAssertTrue(check.stdout.contains("Compatible:"), "\(check)")
        XCTAssertEqual(try target.query("SELECT to_regclass('match_reviews') IS NULL").scalar(Bool.self), true, "--check changes nothing")
        let json = try ok(["migrate", "--check", "--json"]).object()
        XCTAssertEqual((json["differences"] as? [Any])?.count, 3, "\(json)")

        let migrate = try ok(["migrate"])
        XCTAssertTrue(migrate.stdout.contains("Applied"), "\(migrate)")
        XCTAssertTrue(try ok(["migrate", "--check"]).stdout.contains("matches what both the web app and Rotation need"))
        let health = try rotation(["health"])
        XCTAssertTrue(health.stdout.contains("shapes matches both the web app and Rotation"), "\(health)")
    }

    func testMigrateRefusesAnIncompatibleShapeBeforeAnythingRuns() throws {
        databaseURL = try freshDatabase()
        let target = try PostgresConnection(url: databaseURL)
        defer { target.close() }
        try target.executeScript(try deployedSchema.replacingOccurrences(of: "confidence REAL NOT NULL", with: "confidence TEXT NOT NULL"))

        let refused = try rotation(["migrate"])
        XCTAssertEqual(refused.status, 4, "\(refused)")
        XCTAssertTrue(refused.stdout.contains("[incompatible] track_matches.confidence is text, not number"), "\(refused)")
        XCTAssertTrue(refused.stderr.contains("nothing was applied"), "\(refused)")
        XCTAssertEqual(try target.query("SELECT to_regclass('match_reviews') IS NULL").scalar(Bool.self), true)
        XCTAssertEqual(try rotation(["migrate", "--check"]).status, 4)
        let health = try rotation(["health"])
        XCTAssertTrue(health.stdout.contains("1 incompatible"), "\(health)")
    }

    func testApprovingARowWithoutUpdatedAtIsAConflict() throws {
        try db.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved, updated_at)
            VALUES (515151, 0, 'youtube', 'https://www.youtube.com/watch?v=noguard0001', 0.6, false, NULL)
            """)
        let result = try rotation(["matches", "approve", "515151", "0"])
        XCTAssertEqual(result.status, 3, "\(result)")
        XCTAssertEqual(try db.query("SELECT approved FROM track_matches WHERE release_id = 515151").scalar(Bool.self), false)
        XCTAssertEqual(try db.query("SELECT count(*) FROM match_reviews WHERE release_id = 515151").scalar(Int.self), 0)
    }

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
