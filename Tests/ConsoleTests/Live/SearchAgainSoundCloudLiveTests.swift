import Foundation
import LocalServers
import Postgres
import Rotation
import XCTest
@testable import Console
@testable import ConsoleLive

/// The search form on SoundCloud against real servers and the repository's fake SoundCloud
/// (`Tests/Fixtures/search/fake-soundcloud`): the configured sites are offered, the search goes through the search
/// cache, the picks are tagged as SoundCloud search results, and the pick is saved by the guarded replace.
final class SearchAgainSoundCloudLiveTests: LiveTestCase {
    static let clientID = "console-soundcloud-client"
    static let secret = "console-sc-secret-never-shown-7f3a"
    static let youTubeKey = "console-search-key"
    /// Release 1 of the Discogs fixtures (The Persuader, "Stockholm"), which the fake's catalogue holds.
    static let searchedRelease: Int64 = 1

    private var fakeSoundCloud: LocalFakeSoundCloud?
    private var fakeYouTube: LocalFakeYouTube?

    override func tearDown() {
        fakeSoundCloud?.stop()
        fakeYouTube?.stop()
        super.tearDown()
    }

    private var fixtures: URL { LiveServers.repositoryRoot.appendingPathComponent("Tests/Fixtures/search") }

    /// Starts the fake on a free loopback port and returns its base URL (API and token endpoint alike).
    private func startFakeSoundCloud() throws -> URL {
        let fake = try LocalFakeSoundCloud(fixtures: fixtures, clientID: Self.clientID, clientSecret: Self.secret)
        fakeSoundCloud = fake
        return fake.url
    }

    /// A handler whose SoundCloud is the fake; YouTube is the fake YouTube with `youTube`, else not configured.
    private func handler(youTube: Bool) throws -> ServiceEffectHandler {
        let soundCloud = try startFakeSoundCloud()
        if youTube { fakeYouTube = try LocalFakeYouTube.start(fixtures: fixtures, key: Self.youTubeKey) }
        let youTubeURL = fakeYouTube?.url
        return ServiceEffectHandler(
            settings: settings(), reviewer: Self.reviewer,
            searchConfiguration: {
                guard let youTubeURL else { return try YouTubeSearchConfiguration(environment: [:]) }
                return YouTubeSearchConfiguration(baseURL: youTubeURL, apiKey: Self.youTubeKey)
            },
            soundCloudConfiguration: {
                try SoundCloudSearchConfiguration(environment: [
                    "SOUNDCLOUD_CLIENT_ID": Self.clientID, "SOUNDCLOUD_CLIENT_SECRET": Self.secret,
                    "SOUNDCLOUD_API_URL": soundCloud.absoluteString, "SOUNDCLOUD_AUTH_URL": soundCloud.absoluteString,
                ])
            })
    }

    private func answer(_ events: [ConsoleEvent], file: StaticString = #filePath, line: UInt = #line) -> TrackSearchAnswer? {
        guard events.count == 1, case .trackSearchAnswered(_, let answer) = events[0] else {
            XCTFail("expected trackSearchAnswered, got \(events)", file: file, line: line)
            return nil
        }
        return answer
    }

    func testSoundCloudAloneIsOfferedSearchedAndItsPickReplacesTheMatch() throws {
        try storeDiscogsRelease(Self.searchedRelease)
        let handler = try handler(youTube: false)
        let track = TrackReference(releaseID: Self.searchedRelease, trackIndex: 0)

        XCTAssertEqual(answer(perform(.prepareTrackSearch(requestID(), track), with: handler)),
                       .suggestedQuery("The Persuader - Östermalm", sites: [.soundcloud]))
        let request = TrackSearchRequest("The Persuader Östermalm", on: .soundcloud)
        guard case .results(let picks, let units)? = answer(perform(.searchTrack(requestID(), track, query: request), with: handler))
        else { return XCTFail("no results") }
        XCTAssertEqual(units, 0, "SoundCloud keeps no unit quota")
        let best = try XCTUnwrap(picks.first)
        XCTAssertEqual(best.url, "https://soundcloud.com/the-persuader/ostermalm")
        XCTAssertEqual(best.platform, .soundcloud)
        XCTAssertEqual(best.source, .soundcloudSearch)
        XCTAssertFalse(best.evidence.isEmpty, "scored by the matcher, with its breakdown")
        XCTAssertEqual(picks.map(\.confidence), picks.map(\.confidence).sorted(by: >), "best first")
        XCTAssertEqual(try db.query("SELECT count(*) FROM search_results WHERE provider = 'soundcloud'").scalar(Int.self), 1,
                       "the answer is in the search cache")

        let row = try XCTUnwrap(try loadTracks(release: Self.searchedRelease).first { $0.index == 0 })
        let events = perform(.review(requestID(), ReviewCommand(decision: .replace(url: best.url, platform: .soundcloud),
                                                                targets: [ReviewTarget(row)])), with: handler)
        guard case .reviewApplied? = events.first else { return XCTFail("\(events)") }
        let stored = try XCTUnwrap(try matchRow(track: 0, release: Self.searchedRelease))
        XCTAssertEqual(stored["match_url"], best.url)
        XCTAssertEqual(stored["platform"], "soundcloud")
        XCTAssertEqual(stored["approved"], "t")
        XCTAssertEqual(try cached(track: 0, release: Self.searchedRelease)?.matchURL, best.url)
    }

    func testBothSitesAreOfferedYouTubeFirst() throws {
        try storeDiscogsRelease(Self.searchedRelease)
        let handler = try handler(youTube: true)
        let track = TrackReference(releaseID: Self.searchedRelease, trackIndex: 0)
        XCTAssertEqual(answer(perform(.prepareTrackSearch(requestID(), track), with: handler)),
                       .suggestedQuery("The Persuader - Östermalm", sites: [.youtube, .soundcloud]))
    }

    func testRefusedCredentialsAreExplainedWithoutTheSecret() throws {
        try storeDiscogsRelease(Self.searchedRelease)
        let soundCloud = try startFakeSoundCloud()
        let handler = ServiceEffectHandler(
            settings: settings(), reviewer: Self.reviewer,
            searchConfiguration: { try YouTubeSearchConfiguration(environment: [:]) },
            soundCloudConfiguration: {
                SoundCloudSearchConfiguration(apiURL: soundCloud, authURL: soundCloud, clientID: Self.clientID,
                                              clientSecret: "wrong-secret-9c1d")
            })
        let track = TrackReference(releaseID: Self.searchedRelease, trackIndex: 0)
        guard case .unavailable(let reason)? = answer(perform(
            .searchTrack(requestID(), track, query: TrackSearchRequest("Östermalm", on: .soundcloud)), with: handler))
        else { return XCTFail() }
        XCTAssertTrue(reason.contains("SOUNDCLOUD_CLIENT_ID"), reason)
        XCTAssertFalse(reason.contains("wrong-secret-9c1d"), reason)
    }

    func testWithNeitherSiteTheFormSaysHowToConfigureEach() throws {
        try storeDiscogsRelease(Self.searchedRelease)
        let handler = ServiceEffectHandler(
            settings: settings(), reviewer: Self.reviewer,
            searchConfiguration: { try YouTubeSearchConfiguration(environment: [:]) },
            soundCloudConfiguration: { try SoundCloudSearchConfiguration(environment: [:]) })
        guard case .unavailable(let reason)? = answer(perform(
            .prepareTrackSearch(requestID(), TrackReference(releaseID: Self.searchedRelease, trackIndex: 0)), with: handler))
        else { return XCTFail() }
        XCTAssertTrue(reason.contains("YOUTUBE_API_KEY"), reason)
        XCTAssertTrue(reason.contains("SOUNDCLOUD_CLIENT_ID"), reason)
    }
}
