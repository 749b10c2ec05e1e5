import Foundation
import LocalServers
import Matching
import Postgres
import Rotation
import XCTest

/// The YouTube search tier against the repository's copy of the shared stand-in (`Tests/Fixtures/search`), on a
/// real Postgres: the labelled video is found, the daily budget is reserved before each call and never exceeded,
/// the cache answers a repeated query for free, errors are typed, and the key is never shown.
final class SearchProviderTests: XCTestCase {
    static let key = "AIzaTestKey-never-printed-7f3c"

    private var fakes: [LocalFakeYouTube] = []

    override func tearDown() {
        fakes.forEach { $0.stop() }
        fakes = []
        super.tearDown()
    }

    private func fake(quota: Int? = nil) throws -> LocalFakeYouTube {
        let fake = try FakeYouTube.start(key: Self.key, quota: quota)
        fakes.append(fake)
        return fake
    }

    /// Release 1 of the shared fixtures (The Persuader, "Stockholm"): six tracks, each with a labelled upload.
    private func storeRelease(_ db: PostgresConnection, _ id: Int64 = 1) throws {
        let body = try String(contentsOf: TestDatabase.fixturesDirectory.appendingPathComponent("releases/\(id).json"), encoding: .utf8)
        try db.query("INSERT INTO discogs_release_bodies (discogs_id, body) VALUES ($1, $2)", id, PostgresJSON(body))
    }

    private func provider(_ fake: LocalFakeYouTube, db: PostgresConnection, key: String = key, budget: Int = 10_000) -> YouTubeSearchProvider {
        var configuration = YouTubeSearchConfiguration(baseURL: fake.url, apiKey: key, dailyQuota: budget)
        configuration.maxRetries = 0
        return YouTubeSearchProvider(configuration: configuration, connection: db)
    }

    func testASearchForALabelledTrackFindsItsVideoAndPaysForBothCalls() throws {
        let (_, db) = try TestDatabase.fresh()
        try storeRelease(db)
        let fake = try fake()
        let search = TrackSearch(connection: db, provider: provider(fake, db: db))
        let result = try search.run(releaseID: 1, trackIndex: 0, includeReleaseVideos: false)
        XCTAssertEqual(result.outcome.query.text, "The Persuader - Östermalm")
        XCTAssertFalse(result.outcome.fromCache)
        XCTAssertEqual(result.outcome.unitsSpent, 101)
        XCTAssertEqual(result.candidates.first?.url, "https://www.youtube.com/watch?v=MpmbntGDyNE")
        XCTAssertEqual(result.candidates.first?.source, "youtube")
        XCTAssertEqual(result.candidates.first?.durationSeconds, 296)
        XCTAssertEqual(result.decision.storedCandidate?.url, "https://www.youtube.com/watch?v=MpmbntGDyNE")
        let usage = try search.provider.ledger.usage()
        XCTAssertEqual(usage.unitsUsed, 101)
        XCTAssertEqual(usage.searches, 1)
        XCTAssertEqual(usage.detailCalls, 1)
        XCTAssertEqual(try fake.stats().quotaUsed, 101)
        // Nothing is stored: the command only says what the policy would do.
        XCTAssertEqual(try db.query("SELECT count(*) AS n FROM track_matches").scalar(Int.self), 0)
    }

    func testTheCacheAnswersARepeatedQueryWithNoQuotaUsed() throws {
        let (_, db) = try TestDatabase.fresh()
        try storeRelease(db)
        let fake = try fake()
        let provider = provider(fake, db: db)
        let first = try provider.search(SearchQuery("The Persuader - Östermalm"))
        let callsBefore = try fake.stats()
        // Another spelling of the same query: the same normalized key.
        let again = try provider.search(SearchQuery("the persuader  östermalm"))
        XCTAssertTrue(again.fromCache)
        XCTAssertEqual(again.unitsSpent, 0)
        XCTAssertEqual(again.videos, first.videos)
        XCTAssertEqual(try fake.stats(), callsBefore, "a cached query must not reach the API")
        let usage = try provider.ledger.usage()
        XCTAssertEqual(usage.unitsUsed, 101)
        XCTAssertEqual(usage.cacheHits, 1)
        XCTAssertEqual(usage.cacheMisses, 1)

        // Past the TTL the entry no longer answers.
        let stale = YouTubeSearchProvider(client: provider.client, ledger: provider.ledger,
                                          cache: SearchResultCache(connection: db, provider: "youtube", ttlSeconds: 0))
        XCTAssertFalse(try stale.search(SearchQuery("The Persuader - Östermalm")).fromCache)
    }

    func testTheBudgetIsReservedBeforeEachCallAndNeverExceeded() throws {
        let (dbURL, db) = try TestDatabase.fresh()
        let fake = try fake()
        // Room for one search and its videos call (101), not for a second search.
        let provider = provider(fake, db: db, budget: 150)
        _ = try provider.search(SearchQuery("The Persuader - Östermalm"))
        let callsBefore = try fake.stats()
        XCTAssertThrowsError(try provider.search(SearchQuery("The Persuader - Gamla Stan"))) { error in
            XCTAssertEqual((error as? YouTubeSearchError)?.kind, .budgetExhausted(needed: 101, remaining: 49), "\(error)")
            XCTAssertTrue("\(error)".contains("49"), "\(error)")
        }
        XCTAssertEqual(try fake.stats(), callsBefore, "no call is made past the budget")
        let usage = try provider.ledger.usage()
        XCTAssertEqual(usage.unitsUsed, 101)
        XCTAssertEqual(usage.refused, 1)

        // Concurrent workers share the budget: 8 reservations of 100 against 450 left grant exactly 4.
        let shared = SearchQuotaLedger(connection: db, provider: "youtube-concurrency", dailyBudget: 450)
        let granted = Granted()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            guard let connection = try? PostgresConnection(url: dbURL) else { return }
            defer { connection.close() }
            let ledger = SearchQuotaLedger(connection: connection, provider: shared.provider, dailyBudget: shared.dailyBudget)
            if (try? ledger.reserve(100, call: .search)) != nil { granted.add() }
        }
        XCTAssertEqual(granted.count, 4)
        XCTAssertEqual(try shared.usage().unitsUsed, 400)
    }

    func testASearchIsNotMadeWhenItsVideosCallCouldNotBePaid() throws {
        let (_, db) = try TestDatabase.fresh()
        let fake = try fake()
        XCTAssertThrowsError(try provider(fake, db: db, budget: 100).search(SearchQuery("The Persuader - Östermalm"))) { error in
            XCTAssertEqual((error as? YouTubeSearchError)?.kind, .budgetExhausted(needed: 101, remaining: 100), "\(error)")
        }
        XCTAssertEqual(try fake.stats().quotaUsed, 0)
    }

    func testKeyInvalidIsAClearErrorThatNeverShowsTheKey() throws {
        let (_, db) = try TestDatabase.fresh()
        let fake = try fake()
        let wrongKey = "AIzaWrongKey-secret-91b2"
        XCTAssertThrowsError(try provider(fake, db: db, key: wrongKey).search(SearchQuery("The Persuader - Östermalm"))) { error in
            let searchError = error as? YouTubeSearchError
            XCTAssertEqual(searchError?.kind, .keyInvalid, "\(error)")
            XCTAssertTrue("\(error)".contains("YOUTUBE_API_KEY"), "\(error)")
            XCTAssertFalse("\(error)".contains(wrongKey), "\(error)")
            XCTAssertFalse("\(error)".contains(Self.key), "\(error)")
            XCTAssertTrue(searchError?.resource.contains("key=REDACTED") == true, "\(error)")
        }
    }

    func testQuotaExceededIsAClearErrorAndClosesTheDayForEveryone() throws {
        let (_, db) = try TestDatabase.fresh()
        // The API's own count runs out first (another project's use, a different day boundary): the search
        // passes, its videos call is refused.
        let fake = try fake(quota: 100)
        let provider = provider(fake, db: db)
        XCTAssertThrowsError(try provider.search(SearchQuery("The Persuader - Östermalm"))) { error in
            XCTAssertEqual((error as? YouTubeSearchError)?.kind, .quotaExceeded, "\(error)")
            XCTAssertTrue("\(error)".contains("midnight Pacific"), "\(error)")
            XCTAssertFalse("\(error)".contains(Self.key), "\(error)")
        }
        XCTAssertTrue(try provider.ledger.usage().exhausted)
        let callsBefore = try fake.stats()
        XCTAssertThrowsError(try provider.search(SearchQuery("The Persuader - Gamla Stan"))) { error in
            guard case .budgetExhausted = (error as? YouTubeSearchError)?.kind else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try fake.stats(), callsBefore, "no call after quotaExceeded on the same day")
    }

    func testNoAnswerIsATransportErrorAfterRetriesWithoutTheKey() throws {
        let (_, db) = try TestDatabase.fresh()
        let closed = try FakeYouTube.closedPortURL()
        var configuration = YouTubeSearchConfiguration(baseURL: closed, apiKey: Self.key)
        configuration.maxRetries = 2
        let waits = Granted()
        let client = YouTubeClient(configuration: configuration, sleep: { _ in waits.add() })
        let provider = YouTubeSearchProvider(
            client: client, ledger: SearchQuotaLedger(connection: db, provider: "youtube", dailyBudget: 10_000),
            cache: SearchResultCache(connection: db, provider: "youtube", ttlSeconds: 86_400))
        XCTAssertThrowsError(try provider.search(SearchQuery("anything"))) { error in
            XCTAssertEqual((error as? YouTubeSearchError)?.kind, .transport, "\(error)")
            XCTAssertFalse("\(error)".contains(Self.key), "\(error)")
        }
        XCTAssertEqual(waits.count, 2, "backed off before each retry")
        // Each attempt was paid for before it was made (YouTube charges failed calls too), with its videos call.
        XCTAssertEqual(try provider.ledger.usage().unitsUsed, 303)
    }

    // MARK: Pure parts

    func testQueriesUseTrackArtistsOnCompilationsAndNormalize() throws {
        let release = DiscogsRelease(
            id: 9, title: "Hits", artists: [DiscogsArtistCredit(name: "Various")],
            tracklist: [
                DiscogsTrack(position: "", type: .heading, title: "Side A"),
                DiscogsTrack(position: "A1", title: "Song", artists: [DiscogsArtistCredit(name: "Björk (2)")]),
                DiscogsTrack(position: "A2", title: "Other"),
            ])
        XCTAssertNil(SearchQuery(release: release, trackIndex: 0), "headings are never searched")
        XCTAssertEqual(SearchQuery(release: release, trackIndex: 1)?.text, "Björk - Song")
        XCTAssertEqual(SearchQuery(release: release, trackIndex: 2)?.text, "Other", "no 'Various' in a query")
        XCTAssertNil(SearchQuery(release: release, trackIndex: 3))
        XCTAssertEqual(SearchQuery("Björk – SONG!").normalized, "bjork song")
    }

    func testReadsYouTubeDurations() {
        XCTAssertEqual(YouTubeClient.seconds(iso8601: "PT4M56S"), 296)
        XCTAssertEqual(YouTubeClient.seconds(iso8601: "PT1H2M"), 3720)
        XCTAssertEqual(YouTubeClient.seconds(iso8601: "P1DT2S"), 86_402)
        XCTAssertEqual(YouTubeClient.seconds(iso8601: "PT0S"), 0)
        XCTAssertNil(YouTubeClient.seconds(iso8601: "4:56"))
        XCTAssertNil(YouTubeClient.seconds(iso8601: "PT"))
        XCTAssertNil(YouTubeClient.seconds(iso8601: "PT5"))
    }

    func testTheEnvironmentConfiguresTheProviderAndNamesWhatIsWrong() throws {
        XCTAssertThrowsError(try YouTubeSearchConfiguration(environment: [:])) { error in
            XCTAssertTrue("\(error)".contains("YOUTUBE_API_KEY"), "\(error)")
        }
        let configuration = try YouTubeSearchConfiguration(environment: [
            "YOUTUBE_API_KEY": Self.key, "YOUTUBE_API_URL": "http://127.0.0.1:9", "YOUTUBE_DAILY_QUOTA": "500",
            "YOUTUBE_SEARCH_CACHE_DAYS": "2"])
        XCTAssertEqual(configuration.baseURL.absoluteString, "http://127.0.0.1:9")
        XCTAssertEqual(configuration.dailyQuota, 500)
        XCTAssertEqual(configuration.cacheTTLSeconds, 2 * 86_400)
        XCTAssertEqual(try YouTubeSearchConfiguration(environment: ["YOUTUBE_API_KEY": "k"]).dailyQuota, 10_000)
        XCTAssertThrowsError(try YouTubeSearchConfiguration(environment: ["YOUTUBE_API_KEY": Self.key, "YOUTUBE_DAILY_QUOTA": "lots"])) { error in
            XCTAssertTrue("\(error)".contains("YOUTUBE_DAILY_QUOTA"), "\(error)")
            XCTAssertFalse("\(error)".contains(Self.key), "\(error)")
        }
    }
}

/// A thread-safe counter.
private final class Granted: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func add() { lock.lock(); value += 1; lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return value }
}

/// The YouTube stand-in (`LocalFakeYouTube`) over this repository's fixtures, and a URL where nothing listens.
enum FakeYouTube {
    typealias Stats = LocalFakeYouTube.Stats

    static var fixtures: URL {
        TestDatabase.migrationsDirectory.deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/search")
    }

    static func start(key: String, quota: Int? = nil) throws -> LocalFakeYouTube {
        try LocalFakeYouTube.start(fixtures: fixtures, key: key, quota: quota)
    }

    /// A loopback URL where nothing listens.
    static func closedPortURL() throws -> URL {
        URL(string: "http://127.0.0.1:\(try LocalServers.freePort())")!
    }
}
