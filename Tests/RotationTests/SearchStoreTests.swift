import Foundation
import LocalServers
import Matching
import Postgres
import Rotation
import XCTest

/// `TrackSearch` with `store` (`rotation search track --store`): the track's candidates and the policy's match are
/// written through the worker's own write path, on a real Postgres, with the YouTube stand-in and the SoundCloud
/// one: rejected URLs never stored, a row a person decided kept, the release's other tracks untouched.
final class SearchStoreTests: XCTestCase {
    private var youTubeFakes: [LocalFakeYouTube] = []
    private var soundCloudFakes: [SearchSoundCloudTests.FakeSoundCloud] = []

    override func tearDown() {
        youTubeFakes.forEach { $0.stop() }
        youTubeFakes = []
        soundCloudFakes.forEach { $0.stop() }
        soundCloudFakes = []
        super.tearDown()
    }

    static let ostermalm = "https://www.youtube.com/watch?v=MpmbntGDyNE"

    /// Release 1 (The Persuader, "Stockholm") stored without its Discogs videos, so only search can match it.
    private func storeRelease(_ db: PostgresConnection) throws {
        let url = TestDatabase.fixturesDirectory.appendingPathComponent("releases/1.json")
        var body = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        body["videos"] = []
        let text = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        try db.query("INSERT INTO discogs_release_bodies (discogs_id, body) VALUES (1, $1)", PostgresJSON(text))
    }

    private func youTube(_ db: PostgresConnection) throws -> TrackSearch<YouTubeSearchProvider> {
        let fake = try FakeYouTube.start(key: SearchProviderTests.key)
        youTubeFakes.append(fake)
        var configuration = YouTubeSearchConfiguration(baseURL: fake.url, apiKey: SearchProviderTests.key, dailyQuota: 10_000)
        configuration.maxRetries = 0
        return TrackSearch(connection: db, provider: YouTubeSearchProvider(configuration: configuration, connection: db))
    }

    func testStoreWritesTheTracksCandidatesAndMatchAndLeavesTheOtherTracks() throws {
        let (_, db) = try TestDatabase.fresh()
        try storeRelease(db)
        // Another track's candidate from an earlier run: not this search's to replace.
        try db.query("""
            INSERT INTO match_candidates (release_id, track_index, platform, match_url, title, confidence, evidence)
            VALUES (1, 1, 'youtube', 'https://www.youtube.com/watch?v=earlier', 'earlier', 0.6, '{"source": "youtube"}')
            """)
        let search = try youTube(db)
        let result = try search.run(releaseID: 1, trackIndex: 0, store: true)
        let stored = try XCTUnwrap(result.stored)
        XCTAssertEqual(stored.match?.matchURL, Self.ostermalm)
        XCTAssertEqual(stored.match?.approved, true)
        XCTAssertGreaterThan(stored.candidates, 0)

        let row = try XCTUnwrap(try db.query(
            "SELECT match_url, approved, verified_by FROM track_matches WHERE release_id = 1 AND track_index = 0").first)
        XCTAssertEqual(row["match_url"], Self.ostermalm)
        XCTAssertEqual(row["approved"], "t")
        XCTAssertEqual(row["verified_by"], "rotation-matcher")
        XCTAssertEqual(try db.query("SELECT count(*) FROM track_matches").scalar(Int.self), 1, "only the searched track")
        XCTAssertEqual(try db.query("""
            SELECT count(*) FROM match_candidates WHERE release_id = 1 AND track_index = 0
            """).scalar(Int.self), stored.candidates)
        XCTAssertEqual(try db.query("""
            SELECT count(*) FROM match_candidates WHERE track_index = 0 AND evidence->>'source' IS DISTINCT FROM 'youtube'
            """).scalar(Int.self), 0)
        XCTAssertEqual(try db.query("""
            SELECT match_url FROM match_candidates WHERE release_id = 1 AND track_index = 1
            """).scalar(String.self), "https://www.youtube.com/watch?v=earlier")

        // Stored again (from the search cache): the same rows, not doubled.
        let again = try search.run(releaseID: 1, trackIndex: 0, store: true)
        XCTAssertTrue(again.outcome.fromCache)
        XCTAssertEqual(try db.query("""
            SELECT count(*) FROM match_candidates WHERE release_id = 1 AND track_index = 0
            """).scalar(Int.self), stored.candidates)
    }

    func testWithoutStoreNothingIsWritten() throws {
        let (_, db) = try TestDatabase.fresh()
        try storeRelease(db)
        let result = try youTube(db).run(releaseID: 1, trackIndex: 0)
        XCTAssertNil(result.stored)
        XCTAssertEqual(try db.query("SELECT count(*) FROM track_matches").scalar(Int.self), 0)
        XCTAssertEqual(try db.query("SELECT count(*) FROM match_candidates").scalar(Int.self), 0)
    }

    func testARejectedURLIsNeverStoredAsTheMatch() throws {
        let (_, db) = try TestDatabase.fresh()
        try storeRelease(db)
        try db.query("""
            INSERT INTO match_rejections (release_id, track_index, match_url, reviewer) VALUES (1, 0, $1, 'alice')
            """, Self.ostermalm)
        let result = try youTube(db).run(releaseID: 1, trackIndex: 0, store: true)
        XCTAssertNotEqual(result.stored?.match?.matchURL, Self.ostermalm)
        XCTAssertEqual(try db.query("SELECT count(*) FROM track_matches WHERE match_url = $1", Self.ostermalm).scalar(Int.self), 0)
    }

    func testARowAPersonDecidedIsKept() throws {
        let (_, db) = try TestDatabase.fresh()
        try storeRelease(db)
        try db.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved, verified_by)
            VALUES (1, 0, 'youtube', 'https://www.youtube.com/watch?v=chosenByBob', 1, true, 'bob')
            """)
        let result = try youTube(db).run(releaseID: 1, trackIndex: 0, store: true)
        XCTAssertNil(result.stored?.match)
        XCTAssertEqual(result.stored?.keptExisting, true)
        XCTAssertEqual(try db.query("SELECT match_url FROM track_matches WHERE release_id = 1 AND track_index = 0")
            .scalar(String.self), "https://www.youtube.com/watch?v=chosenByBob")
    }

    func testSoundCloudStoresItsTrackWithItsSource() throws {
        let (_, db) = try TestDatabase.fresh()
        try storeRelease(db)
        let fake = try SearchSoundCloudTests.FakeSoundCloud()
        soundCloudFakes.append(fake)
        let configuration = SoundCloudSearchConfiguration(apiURL: fake.url, authURL: fake.url,
                                                          clientID: SearchSoundCloudTests.clientID,
                                                          clientSecret: SearchSoundCloudTests.secret)
        let search = TrackSearch(connection: db, provider: SoundCloudSearchProvider(configuration: configuration, connection: db))
        let result = try search.run(releaseID: 1, trackIndex: 0, store: true)
        XCTAssertEqual(result.outcome.provider, "soundcloud")
        XCTAssertEqual(result.stored?.match?.matchURL, "https://soundcloud.com/the-persuader/ostermalm")
        XCTAssertEqual(try db.query("SELECT platform FROM track_matches WHERE release_id = 1 AND track_index = 0")
            .scalar(String.self), "soundcloud")
        XCTAssertEqual(try db.query("""
            SELECT count(*) FROM match_candidates WHERE release_id = 1 AND evidence->>'source' IS DISTINCT FROM 'soundcloud'
            """).scalar(Int.self), 0)
    }
}
