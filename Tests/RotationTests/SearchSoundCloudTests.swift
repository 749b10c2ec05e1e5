import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LocalServers
import Matching
import Postgres
import Rotation
import Synchronization
import XCTest

/// The SoundCloud provider against `Tests/Fixtures/search/fake-soundcloud` (python3) and a real Postgres: a token
/// from the client credentials grant, kept until shortly before it expires; tracks as matcher candidates; the search
/// cache; refused credentials said clearly without the secret.
final class SearchSoundCloudTests: XCTestCase {
    static let clientID = "rotation-test-client"
    static let secret = "sc-secret-never-printed-51e0"

    /// The stand-in (`LocalFakeSoundCloud`) on a free loopback port; stopped at the end of each test.
    typealias FakeSoundCloud = LocalFakeSoundCloud

    private var fakes: [FakeSoundCloud] = []

    override func tearDown() {
        fakes.forEach { $0.stop() }
        fakes = []
        super.tearDown()
    }

    private func fake(expiresIn: Int = 3_600) throws -> FakeSoundCloud {
        let fake = try FakeSoundCloud(expiresIn: expiresIn)
        fakes.append(fake)
        return fake
    }

    private func configuration(_ fake: FakeSoundCloud, secret: String = secret) -> SoundCloudSearchConfiguration {
        SoundCloudSearchConfiguration(apiURL: fake.url, authURL: fake.url, clientID: Self.clientID, clientSecret: secret)
    }

    /// A clock the test moves by hand.
    final class Clock: Sendable {
        let offset = Mutex<Double>(0)
        func now() -> Date { Date().addingTimeInterval(offset.withLock { $0 }) }
        func advance(_ seconds: Double) { offset.withLock { $0 += seconds } }
    }

    func testTokenIsKeptUntilItExpiresAndTracksBecomeCandidates() throws {
        let fake = try fake(expiresIn: 3_600)
        let clock = Clock()
        let client = SoundCloudClient(configuration: configuration(fake), now: { clock.now() })
        let tracks = try client.search("The Persuader - Östermalm")
        XCTAssertEqual(tracks.first?.url, "https://soundcloud.com/the-persuader/ostermalm")
        XCTAssertEqual(tracks.first?.durationSeconds, 296)
        XCTAssertEqual(tracks.first?.uploader, "The Persuader")
        let candidate = try XCTUnwrap(tracks.first?.candidate)
        XCTAssertEqual(candidate.source, "soundcloud")
        XCTAssertEqual(candidate.channel, "The Persuader")
        XCTAssertEqual(Platform.infer(fromURL: candidate.url), .soundcloud)

        _ = try client.search("Gamla Stan")
        XCTAssertEqual(try fake.stats()["token_requests"], 1, "one token for both searches")
        clock.advance(3_600 - 30)   // inside the renewal margin: a new token before the old one lapses
        _ = try client.search("Gamla Stan")
        XCTAssertEqual(try fake.stats()["token_requests"], 2)
        XCTAssertEqual(try fake.stats()["searches"], 3)
    }

    func testARevokedTokenIsRenewedOnce() throws {
        let fake = try fake()
        let client = SoundCloudClient(configuration: configuration(fake))
        _ = try client.search("Östermalm")
        try fake.revokeTokens()
        XCTAssertFalse(try client.search("Östermalm").isEmpty)
        XCTAssertEqual(try fake.stats()["token_requests"], 2)
        XCTAssertEqual(try fake.stats()["unauthorized"], 1)
    }

    func testRefusedCredentialsAndNoServerAreClearAndNeverShowTheSecret() throws {
        let fake = try fake()
        let wrong = "sc-wrong-secret-4a4a"
        XCTAssertThrowsError(try SoundCloudClient(configuration: configuration(fake, secret: wrong)).search("Östermalm")) {
            let error = $0 as? SoundCloudSearchError
            XCTAssertEqual(error?.kind, .credentialsInvalid)
            XCTAssertTrue("\($0)".contains("SOUNDCLOUD_CLIENT_SECRET"))
            XCTAssertFalse("\($0)".contains(wrong) || "\($0)".contains(Self.secret))
        }
        let nowhere = try FakeYouTube.closedPortURL()
        let closed = SoundCloudSearchConfiguration(apiURL: nowhere, authURL: nowhere, clientID: Self.clientID, clientSecret: Self.secret)
        XCTAssertThrowsError(try SoundCloudClient(configuration: closed).search("Östermalm")) {
            XCTAssertEqual(($0 as? SoundCloudSearchError)?.kind, .transport)
            XCTAssertFalse("\($0)".contains(Self.secret))
        }
        XCTAssertThrowsError(try SoundCloudSearchConfiguration(environment: ["SOUNDCLOUD_CLIENT_ID": "x"])) {
            XCTAssertTrue("\($0)".contains("SOUNDCLOUD_CLIENT_SECRET"))
        }
        let configured = try SoundCloudSearchConfiguration(environment: [
            "SOUNDCLOUD_CLIENT_ID": "x", "SOUNDCLOUD_CLIENT_SECRET": "y", "SOUNDCLOUD_API_URL": fake.url.absoluteString])
        XCTAssertEqual(configured.apiURL, fake.url)
        XCTAssertEqual(configured.authURL, SoundCloudSearchConfiguration.defaultAuthURL)
    }

    /// The provider: the same query as YouTube's, then the cache answers a repeated search without a request, and
    /// the matcher scores the tracks like any candidate (the record approved, the live upload kept out).
    func testProviderCachesAndTheMatcherScoresItsTracks() throws {
        let (_, db) = try TestDatabase.fresh()
        let fake = try fake()
        let provider = SoundCloudSearchProvider(configuration: configuration(fake), connection: db)
        let body = try Data(contentsOf: TestDatabase.fixturesDirectory.appendingPathComponent("releases/1.json"))
        let release = try DiscogsDecoding.decode(DiscogsRelease.self, from: body)
        let query = try XCTUnwrap(SearchQuery(release: release, trackIndex: 0))
        let first = try provider.search(query)
        XCTAssertFalse(first.fromCache)
        let again = try provider.search(query)
        XCTAssertTrue(again.fromCache)
        XCTAssertEqual(again.tracks, first.tracks)
        XCTAssertEqual(try fake.stats()["searches"], 1)

        let scored = TrackMatcher().match(release, provider: StaticCandidateProvider(first.candidates)).track(at: 0)
        let decision = MatchPolicy.default.decide(scored?.candidates ?? [])
        XCTAssertEqual(decision.storedCandidate?.url, "https://soundcloud.com/the-persuader/ostermalm")
        XCTAssertTrue(decision.isAutoApproved, "\(String(describing: scored))")
        let live = scored?.candidates.first { $0.url.hasSuffix("ostermalm-live") }
        XCTAssertTrue(live.map { $0.evidence.namesAnotherVersion || $0.confidence < 0.5 } ?? true)
    }
}

extension LocalFakeSoundCloud {
    /// The stand-in accepting the tests' client id and secret.
    convenience init(expiresIn: Int = 3_600) throws {
        try self.init(fixtures: FakeYouTube.fixtures, clientID: SearchSoundCloudTests.clientID,
                      clientSecret: SearchSoundCloudTests.secret, expiresIn: expiresIn)
    }
}
