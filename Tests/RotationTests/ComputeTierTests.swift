import Foundation
import Postgres
import Rotation
import XCTest

/// The read path's third tier: a track with no stored match is computed from its stored Discogs body.
final class ComputeTierTests: XCTestCase {
    /// Release 1 of the shared fixtures: six tracks, each with its own labelled YouTube video.
    func storeFixtureRelease(_ db: PostgresConnection) throws {
        let body = try String(contentsOf: TestDatabase.fixturesDirectory.appendingPathComponent("releases/1.json"), encoding: .utf8)
        try db.query("INSERT INTO discogs_release_bodies (discogs_id, body) VALUES (1, $1)", PostgresJSON(body))
    }

    func testComputesTheLabelledVideoAndStoresItByThePolicy() throws {
        let (_, db) = try TestDatabase.fresh()
        try storeFixtureRelease(db)
        let service = MatchService(database: db, redis: nil, computer: StoredReleaseMatchComputer(connection: db))
        let lookup = try service.getOrComputeMatch(TrackKey(releaseID: 1, trackIndex: 0))
        XCTAssertEqual(lookup.tier, .computed)
        XCTAssertEqual(lookup.match?.matchURL, "https://www.youtube.com/watch?v=MpmbntGDyNE")
        XCTAssertEqual(lookup.match?.approved, true)
        // Stored, so the next read comes from the database.
        XCTAssertEqual(try service.getOrComputeMatch(TrackKey(releaseID: 1, trackIndex: 0)).tier, .database)
    }

    func testNeverProposesARejectedURLAndKnowsNothingWithoutABody() throws {
        let (_, db) = try TestDatabase.fresh()
        try storeFixtureRelease(db)
        try db.query("""
            INSERT INTO match_rejections (release_id, track_index, match_url, reviewer)
            VALUES (1, 1, 'https://www.youtube.com/watch?v=Cawyll0pOI4', 'ana')
            """)
        let computer = StoredReleaseMatchComputer(connection: db)
        let computed = try computer.computeMatch(for: TrackKey(releaseID: 1, trackIndex: 1))
        XCTAssertNotEqual(computed?.matchURL, "https://www.youtube.com/watch?v=Cawyll0pOI4")
        XCTAssertNil(try computer.computeMatch(for: TrackKey(releaseID: 424_242, trackIndex: 0)))
        XCTAssertNil(try computer.computeMatch(for: TrackKey(releaseID: 1, trackIndex: 99)))
    }
}
