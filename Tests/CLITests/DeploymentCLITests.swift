import Foundation
import Postgres
import XCTest

/// Pointing `rotation` at a copy of a real deployment: `migrate --check`, `migrate`, `health`, and a review on a row
/// the web app wrote without an updated_at.
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
}
