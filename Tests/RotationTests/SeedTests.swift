import Foundation
import Postgres
import Rotation
import XCTest

final class SeedTests: XCTestCase {
    func testSeedCreatesASpreadOfRealisticDataAndReplacesOnlyItsOwnRows() throws {
        let (url, db) = try TestDatabase.fresh()
        try WorkerFixtures.importFixtureReleases(db)
        let real = try ImportFixtures.snapshot(db)
        let seeder = SyntheticDataSeeder(connection: db)
        let request = SeedRequest(stores: 4, releases: 200, tracksPerRelease: 5, queuedReleases: 30)
        let report = try seeder.seed(request)
        XCTAssertEqual(report.stores, 4)
        XCTAssertEqual(report.releases, 230)
        XCTAssertEqual(report.trackMatches, 1000)
        XCTAssertEqual(report.queueRows, 230)
        XCTAssertEqual(report.releaseBodies, 30)
        XCTAssertGreaterThan(report.candidates, 0)

        let synthetic = "release_id >= 9000000000"
        // A spread of statuses: auto-approved, approved and flagged by people, pending (some ambiguous).
        XCTAssertGreaterThan(try db.query("SELECT count(*) FROM track_matches WHERE \(synthetic) AND approved AND verified_by = 'rotation-matcher'").scalar(Int.self), 300)
        XCTAssertGreaterThan(try db.query("SELECT count(*) FROM track_matches WHERE \(synthetic) AND approved AND verified_by <> 'rotation-matcher'").scalar(Int.self), 20)
        XCTAssertGreaterThan(try db.query("SELECT count(*) FROM track_matches WHERE \(synthetic) AND NOT approved AND verified_by IS NULL").scalar(Int.self), 200)
        XCTAssertGreaterThan(try db.query("SELECT count(*) FROM track_matches WHERE \(synthetic) AND NOT approved AND confidence >= 0.8").scalar(Int.self), 10)
        XCTAssertEqual(try db.query("SELECT count(*) FROM track_matches WHERE \(synthetic) AND (confidence < 0.5 OR confidence > 1)").scalar(Int.self), 0)
        // Unmatched tracks keep their low candidates.
        XCTAssertGreaterThan(try db.query("SELECT count(*) FROM match_candidates WHERE \(synthetic) AND confidence < 0.5").scalar(Int.self), 0)
        // Titles in several scripts.
        XCTAssertGreaterThan(try db.query("SELECT count(*) FROM releases WHERE discogs_id >= 9000000000 AND title ~ '[^\\x01-\\x7F]'").scalar(Int.self), 10)
        let statuses = Set(try db.query("SELECT DISTINCT status FROM processing_queue WHERE discogs_id >= 9000000000").column("status", as: String.self))
        XCTAssertEqual(statuses, ["queued", "completed", "failed", "processing"])

        // Triggers other than the NOTIFY ones still saw every row (the review counts of migration 0005).
        if try db.query("SELECT to_regclass('release_review_counts') IS NOT NULL").scalar(Bool.self) {
            XCTAssertEqual(try db.query("SELECT sum(matched_count)::bigint FROM release_review_counts WHERE release_id >= 9000000000")
                .scalar(Int.self), 1000)
        }
        XCTAssertTrue(report.triggersSuppressed)
        XCTAssertEqual(try db.query("SELECT count(*) FROM pg_trigger WHERE tgname LIKE '%_notify' AND tgenabled = 'D'").scalar(Int.self), 0)

        // Seeding again replaces the synthetic rows and leaves the real ones alone.
        let again = try seeder.seed(request)
        XCTAssertEqual(again.trackMatches, 1000)
        XCTAssertGreaterThan(again.previousRowsRemoved, 1000)
        XCTAssertEqual(try db.query("SELECT count(*) FROM track_matches WHERE \(synthetic)").scalar(Int.self), 1000)
        var after = try ImportFixtures.snapshot(db)
        for table in after.keys {
            after[table] = after[table]!.split(separator: "\n").filter { !$0.contains("900000") }.joined(separator: "\n")
        }
        XCTAssertEqual(after["releases"], real["releases"])
        XCTAssertEqual(after["discogs_release_bodies"], real["discogs_release_bodies"])

        // The queued synthetic releases are matchable by a worker.
        try db.query("DELETE FROM processing_queue WHERE discogs_id < 9000000000")
        let worked = try WorkerFixtures.worker(url, batch: 10).drain()
        XCTAssertEqual(worked.completed, 30)
        XCTAssertGreaterThan(worked.autoApproved, 0)
    }

    func testSeedingWithoutSuperuserStillWorksWithTriggersFiring() throws {
        let (url, db) = try TestDatabase.fresh()
        let role = "seed_user_\(UInt32.random(in: 0...UInt32.max))"
        try db.query("CREATE ROLE \(db.quoteIdentifier(role)) LOGIN PASSWORD 'seed-pass'")
        try db.query("GRANT ALL ON ALL TABLES IN SCHEMA public TO \(db.quoteIdentifier(role))")
        try db.query("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO \(db.quoteIdentifier(role))")
        var components = try XCTUnwrap(URLComponents(string: url))
        components.user = role
        components.password = "seed-pass"
        let limited = try PostgresConnection(url: components.string!)
        defer {
            limited.close()
            _ = try? db.query("DROP OWNED BY \(db.quoteIdentifier(role))")
            _ = try? db.query("DROP ROLE \(db.quoteIdentifier(role))")
        }
        let report = try SyntheticDataSeeder(connection: limited).seed(SeedRequest(stores: 1, releases: 10, tracksPerRelease: 2))
        XCTAssertFalse(report.triggersSuppressed)
        XCTAssertEqual(report.trackMatches, 20)
    }
}
