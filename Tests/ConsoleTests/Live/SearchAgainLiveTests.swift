import Foundation
import LocalServers
import Postgres
import Rotation
import XCTest
@testable import Console
@testable import ConsoleLive

/// "Search again" from the console against real servers and the repository's fake YouTube: the track's query,
/// the search within the shared quota, the scored pick list, and the pick saved by the guarded replace decision
/// (logged, undoable). Without a key the form says how to configure search.
final class SearchAgainLiveTests: LiveTestCase {
    static let key = "console-search-key"
    /// Release 1 of the Discogs fixtures (The Persuader, "Stockholm"), whose uploads the fake's corpus holds.
    static let searchedRelease: Int64 = 1
    private var fake: LocalFakeYouTube?

    override func tearDown() {
        fake?.stop()
        super.tearDown()
    }

    private func searchHandler(budget: Int = 10_000) throws -> ServiceEffectHandler {
        let fake = try LocalFakeYouTube.start(
            fixtures: LiveServers.repositoryRoot.appendingPathComponent("Tests/Fixtures/search"), key: Self.key)
        self.fake = fake
        return ServiceEffectHandler(settings: settings(), reviewer: Self.reviewer, searchConfiguration: {
            var configuration = YouTubeSearchConfiguration(baseURL: fake.url, apiKey: Self.key, dailyQuota: budget)
            configuration.maxRetries = 0
            return configuration
        })
    }

    private func answer(_ events: [ConsoleEvent], file: StaticString = #filePath, line: UInt = #line) -> TrackSearchAnswer? {
        guard events.count == 1, case .trackSearchAnswered(_, let answer) = events[0] else {
            XCTFail("expected trackSearchAnswered, got \(events)", file: file, line: line)
            return nil
        }
        return answer
    }

    func testSearchAgainPicksAnUploadAndReplacesTheMatchUndoably() throws {
        try storeDiscogsRelease(Self.searchedRelease)
        let handler = try searchHandler()
        let track = TrackReference(releaseID: Self.searchedRelease, trackIndex: 0)

        XCTAssertEqual(answer(perform(.prepareTrackSearch(requestID(), track), with: handler)),
                       .suggestedQuery("The Persuader - Östermalm"))
        guard case .results(let picks, let units)? = answer(perform(.searchTrack(requestID(), track, query: "Persuader Östermalm"),
                                                                    with: handler)) else { return XCTFail("no results") }
        XCTAssertEqual(units, 101, "a search with the videos call that completes it")
        let best = try XCTUnwrap(picks.first)
        XCTAssertEqual(best.url, "https://www.youtube.com/watch?v=MpmbntGDyNE")
        XCTAssertEqual(best.source, .youtubeSearch)
        XCTAssertFalse(best.evidence.isEmpty, "scored by the matcher, with its breakdown")
        XCTAssertEqual(picks.map(\.confidence), picks.map(\.confidence).sorted(by: >), "best first")
        let usage = try SearchQuotaLedger(connection: db, provider: YouTubeSearchProvider.name, dailyBudget: 10_000).usage()
        XCTAssertEqual(usage.unitsUsed, 101)

        // The same query again: the search cache answers, no quota spent.
        guard case .results(_, let again)? = answer(perform(.searchTrack(requestID(), track, query: "persuader  ostermalm"),
                                                            with: handler)) else { return XCTFail("no results") }
        XCTAssertEqual(again, 0)
        // Both count towards the release's queries in `search stats`: one sent, one answered by the cache.
        let perRelease = try db.query("SELECT searches, cache_hits, units_used FROM search_release_queries WHERE release_id = $1",
                                      Self.searchedRelease)
        XCTAssertEqual(perRelease.rows.count, 1)
        XCTAssertEqual(perRelease.rows.first.map { [$0["searches"], $0["cache_hits"], $0["units_used"]] }, ["1", "1", "101"])

        // The pick goes through the existing guarded replace, as the console sends it.
        let row = try XCTUnwrap(try loadTracks(release: Self.searchedRelease).first { $0.index == 0 })
        let events = perform(.review(requestID(), ReviewCommand(decision: .replace(url: best.url, platform: .youtube),
                                                                targets: [ReviewTarget(row)])), with: handler)
        guard case .reviewApplied? = events.first else { return XCTFail("\(events)") }
        let stored = try XCTUnwrap(try matchRow(track: 0, release: Self.searchedRelease))
        XCTAssertEqual(stored["match_url"], best.url)
        XCTAssertEqual(stored["approved"], "t")
        XCTAssertEqual(try db.query("SELECT action FROM match_reviews WHERE release_id = $1", Self.searchedRelease)
            .first?["action"], "replace")
        XCTAssertEqual(try cached(track: 0, release: Self.searchedRelease)?.matchURL, best.url)

        guard case .reviewApplied? = perform(.undo(requestID()), with: handler).first else { return XCTFail("undo") }
        XCTAssertNil(try matchRow(track: 0, release: Self.searchedRelease), "undo takes the replacement back")
    }

    func testASearchTheBudgetCannotPayIsExplainedAndNotMade() throws {
        try storeDiscogsRelease(Self.searchedRelease)
        let handler = try searchHandler(budget: 100)
        let track = TrackReference(releaseID: Self.searchedRelease, trackIndex: 0)
        guard case .unavailable(let reason)? = answer(perform(.searchTrack(requestID(), track, query: "Persuader Östermalm"),
                                                              with: handler)) else { return XCTFail() }
        XCTAssertTrue(reason.contains("budget"), reason)
        XCTAssertFalse(reason.contains(Self.key))
        XCTAssertEqual(try fake?.stats().quotaUsed, 0, "no call was made")
    }

    func testWithoutAKeyTheFormSaysHowToConfigureSearch() throws {
        try storeDiscogsRelease(Self.searchedRelease)
        let handler = ServiceEffectHandler(settings: settings(), reviewer: Self.reviewer,
                                           searchConfiguration: { try YouTubeSearchConfiguration(environment: [:]) })
        guard case .unavailable(let reason)? = answer(perform(.prepareTrackSearch(requestID(),
                                                                                  TrackReference(releaseID: Self.searchedRelease, trackIndex: 0)),
                                                              with: handler)) else { return XCTFail() }
        XCTAssertTrue(reason.contains("YOUTUBE_API_KEY"), reason)
    }

    func testAReleaseWithoutItsDiscogsBodyCannotBeSearched() throws {
        let handler = try searchHandler()
        guard case .unavailable(let reason)? = answer(perform(.prepareTrackSearch(requestID(),
                                                                                  TrackReference(releaseID: Self.release, trackIndex: 1)),
                                                              with: handler)) else { return XCTFail() }
        XCTAssertTrue(reason.contains("no stored Discogs body"), reason)
    }
}

extension LiveTestCase {
    /// Stores fixture release `id`'s Discogs body and its `releases` row in the test store, for the search tests.
    func storeDiscogsRelease(_ id: Int64) throws {
        let body = try String(contentsOf: LiveServers.repositoryRoot.appendingPathComponent("Tests/Fixtures/discogs/releases/\(id).json"),
                              encoding: .utf8)
        try db.query("INSERT INTO discogs_release_bodies (discogs_id, body) VALUES ($1, $2)", id, PostgresJSON(body))
        try db.query("""
            INSERT INTO releases (discogs_id, store_username, title, artist, tracklist)
            SELECT $1, $2, body->>'title', body->'artists'->0->>'name', body->'tracklist'
            FROM discogs_release_bodies WHERE discogs_id = $1
            """, id, Self.store)
    }
}
