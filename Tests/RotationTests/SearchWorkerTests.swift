import Foundation
import LocalServers
import Matching
import Postgres
import Rotation
import XCTest

/// The worker with search on, against the repository's YouTube stand-in and a real Postgres: it searches only the
/// tracks its Discogs videos leave unmatched, stores what it finds with its source, stays within the shared budget,
/// and when search cannot be made (budget, key, API down) writes what Discogs gave and puts the job back in the
/// queue with the reason, no attempt counted.
final class SearchWorkerTests: XCTestCase {
    static let key = "AIzaWorkerTestKey-never-printed-91b2"
    private var fakes: [LocalFakeYouTube] = []
    private var soundCloudFakes: [SearchSoundCloudTests.FakeSoundCloud] = []

    override func tearDown() {
        fakes.forEach { $0.stop() }
        fakes = []
        soundCloudFakes.forEach { $0.stop() }
        soundCloudFakes = []
        super.tearDown()
    }

    private func fake() throws -> LocalFakeYouTube {
        let fake = try FakeYouTube.start(key: Self.key)
        fakes.append(fake)
        return fake
    }

    /// Release 1 (The Persuader, "Stockholm", six tracks, each with a labelled upload in the stand-in's corpus),
    /// stored without its Discogs videos when `withoutVideos`, and queued.
    private func queueRelease(_ db: PostgresConnection, withoutVideos: Bool, store: String = "search-store") throws {
        let url = TestDatabase.fixturesDirectory.appendingPathComponent("releases/1.json")
        var body = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        if withoutVideos { body["videos"] = [] }
        let text = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        try db.query("INSERT INTO discogs_release_bodies (discogs_id, body) VALUES (1, $1)", PostgresJSON(text))
        try WorkerFixtures.enqueue(db, store: store, 1)
    }

    private func soundCloud() throws -> SearchSoundCloudTests.FakeSoundCloud {
        let fake = try SearchSoundCloudTests.FakeSoundCloud()
        soundCloudFakes.append(fake)
        return fake
    }

    private func worker(_ url: String, search baseURL: URL?, key: String = key, budget: Int = 10_000,
                        soundCloud soundCloudURL: URL? = nil) throws -> ReleaseMatchingWorker {
        var configuration = WorkerConfiguration(batchSize: 5, queuePolicy: QueuePolicy(backoffBaseSeconds: 0))
        if let baseURL {
            var search = YouTubeSearchConfiguration(baseURL: baseURL, apiKey: key, dailyQuota: budget)
            search.maxRetries = 0
            configuration.search = search
        }
        if let soundCloudURL {
            configuration.soundCloudSearch = SoundCloudSearchConfiguration(
                apiURL: soundCloudURL, authURL: soundCloudURL, clientID: SearchSoundCloudTests.clientID,
                clientSecret: SearchSoundCloudTests.secret)
        }
        return ReleaseMatchingWorker(id: "search-worker", connection: try PostgresConnection(url: url), configuration: configuration)
    }

    private func queueRow(_ db: PostgresConnection) throws -> PostgresRow {
        try XCTUnwrap(try db.query("""
            SELECT status, retry_count, error_message, EXTRACT(EPOCH FROM next_attempt_at - NOW())::float8 AS due_in
            FROM processing_queue WHERE discogs_id = 1
            """).first)
    }

    func testTracksWithoutADiscogsCandidateAreSearchedAndMatchedWithTheirSource() throws {
        let (url, db) = try TestDatabase.fresh()
        try queueRelease(db, withoutVideos: true)
        let fake = try fake()
        let report = try worker(url, search: fake.url).drain()
        XCTAssertEqual(report.completed, 1, "\(report)")
        XCTAssertEqual(report.searchedTracks, 6)
        XCTAssertEqual(report.searchPostponed, 0)
        XCTAssertEqual(try fake.stats().quotaUsed, 6 * 101)
        XCTAssertEqual(try db.query("SELECT units_used FROM search_quota_days").scalar(Int.self), 6 * 101)

        // Östermalm's labelled upload, found by search, approved by the policy; every candidate says it came from
        // YouTube search.
        let match = try XCTUnwrap(try db.query(
            "SELECT match_url, approved FROM track_matches WHERE release_id = 1 AND track_index = 0").first)
        XCTAssertEqual(match["match_url"], "https://www.youtube.com/watch?v=MpmbntGDyNE")
        XCTAssertEqual(match["approved"], "t")
        XCTAssertGreaterThanOrEqual(try db.query("SELECT count(*) FROM track_matches WHERE release_id = 1").scalar(Int.self), 5)
        XCTAssertEqual(try db.query("""
            SELECT count(*) FROM match_candidates WHERE release_id = 1 AND evidence->>'source' IS DISTINCT FROM 'youtube'
            """).scalar(Int.self), 0)
        XCTAssertEqual(try queueRow(db)["status"], "completed")

        // Matched again (requeued): the search cache answers, no quota spent.
        try db.query("UPDATE processing_queue SET status = 'queued', completed_at = NULL WHERE discogs_id = 1")
        let again = try worker(url, search: fake.url).drain()
        XCTAssertEqual(again.completed, 1)
        XCTAssertEqual(try fake.stats().quotaUsed, 6 * 101)
    }

    func testAReleaseItsDiscogsVideosMatchIsNotSearchedAndItsCandidatesSayDiscogs() throws {
        let (url, db) = try TestDatabase.fresh()
        try queueRelease(db, withoutVideos: false)
        let fake = try fake()
        let report = try worker(url, search: fake.url).drain()
        XCTAssertEqual(report.completed, 1)
        XCTAssertEqual(report.searchedTracks, 0)
        XCTAssertEqual(try fake.stats().quotaUsed, 0)
        XCTAssertEqual(try db.query("""
            SELECT count(*) FROM match_candidates WHERE release_id = 1 AND evidence->>'source' IS DISTINCT FROM 'discogs'
            """).scalar(Int.self), 0)
    }

    func testSearchIsOffWithoutAKey() throws {
        XCTAssertNil(WorkerConfiguration(settings: RotationSettings(environment: [:]), environment: [:]).search)
        XCTAssertNil(WorkerConfiguration(settings: RotationSettings(environment: [:]), environment: ["YOUTUBE_API_KEY": " "]).search)
        let on = WorkerConfiguration(settings: RotationSettings(environment: [:]), environment: ["YOUTUBE_API_KEY": Self.key])
        XCTAssertEqual(on.search?.apiKey, Self.key)
        XCTAssertEqual(on.search?.dailyQuota, 10_000)
    }

    /// The budget has room for one search of six: the job keeps what it found, goes back to the queue until the
    /// next quota day with the reason, and no attempt is counted; the worker asks no more that day.
    func testABudgetReachedPostponesTheJobUntilTheNextQuotaDay() throws {
        let (url, db) = try TestDatabase.fresh()
        try queueRelease(db, withoutVideos: true)
        let fake = try fake()
        let report = try worker(url, search: fake.url, budget: 150).drain()
        XCTAssertEqual(report.completed, 0, "\(report)")
        XCTAssertEqual(report.searchPostponed, 1)
        XCTAssertEqual(try fake.stats().quotaUsed, 101, "never past the budget")
        let row = try queueRow(db)
        XCTAssertEqual(row["status"], "queued")
        XCTAssertEqual(row["retry_count"], "0")
        let message = try XCTUnwrap(row["error_message"])
        XCTAssertTrue(message.hasPrefix("search postponed: YouTube search budget reached"), message)
        XCTAssertFalse(message.contains(Self.key))
        let dueIn = try XCTUnwrap(Double(try XCTUnwrap(row["due_in"])))
        XCTAssertGreaterThan(dueIn, 60)
        XCTAssertLessThanOrEqual(dueIn, 25 * 3_600 + 60, "due at the next midnight Pacific")
    }

    func testAnInvalidKeyAndAnAPIThatDoesNotAnswerPostponeWithTheirReason() throws {
        let (url, db) = try TestDatabase.fresh()
        try queueRelease(db, withoutVideos: true)
        let fake = try fake()
        let wrong = "AIzaWrongWorkerKey-3c3c"
        let invalid = try worker(url, search: fake.url, key: wrong).drain()
        XCTAssertEqual(invalid.searchPostponed, 1, "\(invalid)")
        var row = try queueRow(db)
        XCTAssertEqual(row["status"], "queued")
        XCTAssertEqual(row["retry_count"], "0")
        XCTAssertTrue(row["error_message"]?.contains("keyInvalid") ?? false, "\(String(describing: row["error_message"]))")
        XCTAssertFalse(row["error_message"]?.contains(wrong) ?? true)
        let dueIn = try XCTUnwrap(Double(try XCTUnwrap(row["due_in"])))
        XCTAssertTrue((3_000...3_600).contains(dueIn), "\(dueIn)")

        try db.query("UPDATE processing_queue SET next_attempt_at = NULL WHERE discogs_id = 1")
        let down = try worker(url, search: try FakeYouTube.closedPortURL()).drain()
        XCTAssertEqual(down.searchPostponed, 1, "\(down)")
        row = try queueRow(db)
        XCTAssertEqual(row["status"], "queued")
        XCTAssertTrue(row["error_message"]?.contains("cannot reach YouTube") ?? false, "\(String(describing: row["error_message"]))")
        XCTAssertTrue((1...30).contains(try XCTUnwrap(Double(try XCTUnwrap(row["due_in"])))), "a short first backoff")
    }

    /// A release matched again reads the search cache for all its tracks at once: every track answered, each
    /// counted as a hit in the ledger and in its cache entry, no API call.
    func testAWarmReleaseIsAnsweredByTheCacheForEveryTrack() throws {
        let (url, db) = try TestDatabase.fresh()
        try queueRelease(db, withoutVideos: true)
        let fake = try fake()
        _ = try worker(url, search: fake.url).drain()
        try db.query("UPDATE processing_queue SET status = 'queued', completed_at = NULL WHERE discogs_id = 1")
        let before = try fake.stats()
        let again = try worker(url, search: fake.url).drain()
        XCTAssertEqual(again.completed, 1, "\(again)")
        XCTAssertEqual(again.searchedTracks, 6)
        XCTAssertEqual(again.searchAPISeconds, 0)
        XCTAssertEqual(try fake.stats(), before, "no API call")
        let ledger = try XCTUnwrap(try db.query(
            "SELECT cache_hits, cache_misses FROM search_quota_days WHERE provider = 'youtube'").first)
        XCTAssertEqual(ledger["cache_hits"], "6")
        XCTAssertEqual(ledger["cache_misses"], "6")
        XCTAssertEqual(try db.query("SELECT sum(hits)::bigint FROM search_results WHERE provider = 'youtube'").scalar(Int.self), 6)
        XCTAssertGreaterThanOrEqual(try db.query("SELECT count(*) FROM track_matches WHERE release_id = 1").scalar(Int.self), 5)
    }

    // MARK: SoundCloud

    /// YouTube off, SoundCloud on: the tracks Discogs leaves unmatched are searched on SoundCloud, its record is
    /// approved, its candidates say `soundcloud`; the cache answers the next run without a request.
    func testSoundCloudAloneSearchesTheUnmatchedTracks() throws {
        let (url, db) = try TestDatabase.fresh()
        try queueRelease(db, withoutVideos: true)
        let soundCloud = try soundCloud()
        let report = try worker(url, search: nil, soundCloud: soundCloud.url).drain()
        XCTAssertEqual(report.completed, 1, "\(report)")
        XCTAssertEqual(report.searchedTracks, 6)
        XCTAssertEqual(report.searchPostponed, 0)
        XCTAssertEqual(try soundCloud.stats()["searches"], 6)
        XCTAssertEqual(try soundCloud.stats()["token_requests"], 1, "one token for the whole run")
        let match = try XCTUnwrap(try db.query(
            "SELECT platform, match_url, approved FROM track_matches WHERE release_id = 1 AND track_index = 0").first)
        XCTAssertEqual(match["platform"], "soundcloud")
        XCTAssertEqual(match["match_url"], "https://soundcloud.com/the-persuader/ostermalm")
        XCTAssertEqual(match["approved"], "t")
        XCTAssertGreaterThan(try db.query("SELECT count(*) FROM match_candidates WHERE release_id = 1").scalar(Int.self), 0)
        XCTAssertEqual(try db.query("""
            SELECT count(*) FROM match_candidates WHERE release_id = 1 AND evidence->>'source' IS DISTINCT FROM 'soundcloud'
            """).scalar(Int.self), 0)
        // SoundCloud spends no units, but its searches are counted for the day and for the release.
        let ledger = SearchQuotaLedger(unmeteredProvider: "soundcloud", connection: db)
        XCTAssertEqual(try ledger.usage().unitsUsed, 0)
        XCTAssertEqual(try ledger.usage().searches, 6)
        XCTAssertEqual(try ledger.releaseUsage(top: 5).most, [SearchReleaseQueries(releaseID: 1, searches: 6, cacheHits: 0, unitsUsed: 0)])

        try db.query("UPDATE processing_queue SET status = 'queued', completed_at = NULL WHERE discogs_id = 1")
        let again = try worker(url, search: nil, soundCloud: soundCloud.url).drain()
        XCTAssertEqual(again.completed, 1)
        XCTAssertEqual(try soundCloud.stats()["searches"], 6, "the search cache answered")
        XCTAssertEqual(try ledger.releaseUsage(top: 5).most, [SearchReleaseQueries(releaseID: 1, searches: 6, cacheHits: 6, unitsUsed: 0)])
        XCTAssertEqual(try ledger.usage().cacheHits, 6)
    }

    /// Both on and YouTube finds every track: SoundCloud is not asked.
    func testSoundCloudIsNotAskedForTracksYouTubeMatched() throws {
        let (url, db) = try TestDatabase.fresh()
        try queueRelease(db, withoutVideos: true)
        let youTube = try fake(), soundCloud = try soundCloud()
        let report = try worker(url, search: youTube.url, soundCloud: soundCloud.url).drain()
        XCTAssertEqual(report.completed, 1, "\(report)")
        let byYouTube = try db.query("""
            SELECT count(*) FROM track_matches WHERE release_id = 1 AND platform = 'youtube'
            """).scalar(Int.self)
        XCTAssertGreaterThanOrEqual(byYouTube, 5)
        XCTAssertEqual(try soundCloud.stats()["searches"] ?? 0, 6 - byYouTube, "only what YouTube left unmatched")
    }

    /// YouTube cannot search (its key refused): SoundCloud still searches the tracks, its matches are written, and
    /// since tracks stay unmatched the job goes back to the queue with YouTube's reason, no attempt counted.
    func testYouTubeRefusedSoundCloudStillSearchesAndTheJobWaitsForYouTube() throws {
        let (url, db) = try TestDatabase.fresh()
        try queueRelease(db, withoutVideos: true)
        let youTube = try fake(), soundCloud = try soundCloud()
        let report = try worker(url, search: youTube.url, key: "AIzaWrongWorkerKey-3c3c", soundCloud: soundCloud.url).drain()
        XCTAssertEqual(report.searchPostponed, 1, "\(report)")
        XCTAssertEqual(try soundCloud.stats()["searches"], 6)
        XCTAssertEqual(try db.query("""
            SELECT match_url FROM track_matches WHERE release_id = 1 AND track_index = 0
            """).scalar(String.self), "https://soundcloud.com/the-persuader/ostermalm")
        let row = try queueRow(db)
        XCTAssertEqual(row["status"], "queued")
        XCTAssertEqual(row["retry_count"], "0")
        XCTAssertTrue(row["error_message"]?.contains("keyInvalid") ?? false, "\(String(describing: row["error_message"]))")
    }

    /// SoundCloud refuses the credentials: the job waits (an hour: a person must act), the secret in no message.
    func testSoundCloudRefusedCredentialsPostponeWithoutTheSecret() throws {
        let (url, db) = try TestDatabase.fresh()
        try queueRelease(db, withoutVideos: true)
        let soundCloud = try soundCloud()
        var configuration = WorkerConfiguration(batchSize: 5, queuePolicy: QueuePolicy(backoffBaseSeconds: 0))
        configuration.soundCloudSearch = SoundCloudSearchConfiguration(
            apiURL: soundCloud.url, authURL: soundCloud.url, clientID: SearchSoundCloudTests.clientID,
            clientSecret: "wrong-secret-7f7f")
        let report = try ReleaseMatchingWorker(id: "search-worker", connection: try PostgresConnection(url: url),
                                               configuration: configuration).drain()
        XCTAssertEqual(report.searchPostponed, 1, "\(report)")
        let row = try queueRow(db)
        XCTAssertEqual(row["status"], "queued")
        XCTAssertEqual(row["retry_count"], "0")
        let message = try XCTUnwrap(row["error_message"])
        XCTAssertTrue(message.contains("SoundCloud refused the client credentials"), message)
        XCTAssertFalse(message.contains("wrong-secret-7f7f"))
        XCTAssertTrue((3_000...3_600).contains(try XCTUnwrap(Double(try XCTUnwrap(row["due_in"])))))
    }

    func testSoundCloudSearchIsOnWithBothCredentials() throws {
        let settings = RotationSettings(environment: [:])
        XCTAssertNil(WorkerConfiguration(settings: settings, environment: ["SOUNDCLOUD_CLIENT_ID": "id"]).soundCloudSearch)
        let on = WorkerConfiguration(settings: settings, environment: [
            "SOUNDCLOUD_CLIENT_ID": "id", "SOUNDCLOUD_CLIENT_SECRET": SearchSoundCloudTests.secret])
        XCTAssertEqual(on.soundCloudSearch?.clientID, "id")
        XCTAssertNil(on.search, "YouTube stays off without its key")
    }
}
