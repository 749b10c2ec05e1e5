import Foundation
import LocalServers
import Postgres
import XCTest

/// `rotation search track|stats` against the repository's copy of the YouTube stand-in (`Tests/Fixtures/search`).
final class SearchCLITests: CLITestCase {
    static let key = "AIzaCLITestKey-never-printed-4d1e"
    private var fake: LocalFakeYouTube?
    private var fakeURL = ""

    override func setUpWithError() throws {
        try super.setUpWithError()
        let body = try String(contentsOfFile: CLILocations.fixture("releases/1.json"), encoding: .utf8)
        try db.query("INSERT INTO discogs_release_bodies (discogs_id, body) VALUES (1, $1)", PostgresJSON(body))
        try startFake()
    }

    override func tearDownWithError() throws {
        fake?.stop()
        try super.tearDownWithError()
    }

    /// Starts `Tests/Fixtures/search/fake-youtube` (python3) on a free port.
    private func startFake() throws {
        let started = try LocalFakeYouTube.start(
            fixtures: CLILocations.repositoryRoot.appendingPathComponent("Tests/Fixtures/search"), key: Self.key)
        fake = started
        fakeURL = started.url.absoluteString
    }

    private func youtube(key: String = key, quota: String? = nil) -> [String: String?] {
        ["YOUTUBE_API_KEY": key, "YOUTUBE_API_URL": fakeURL, "YOUTUBE_DAILY_QUOTA": quota, "YOUTUBE_SEARCH_CACHE_DAYS": nil]
    }

    func testTrackSearchScoresTheLabelledVideoThenTheCacheAnswersAndStatsCount() throws {
        let first = try ok(["search", "track", "1", "0", "--no-release-videos", "--json"], environment: youtube())
        let report = try first.object()
        XCTAssertEqual(report.string("query"), "The Persuader - Östermalm")
        XCTAssertEqual(report.int("units_spent"), 101)
        XCTAssertEqual(report.bool("from_cache"), false)
        let top = try XCTUnwrap((report.array("candidates") as? [[String: Any]])?.first)
        XCTAssertEqual(top.string("url"), "https://www.youtube.com/watch?v=MpmbntGDyNE")
        XCTAssertEqual(top.string("source"), "youtube")
        XCTAssertEqual(report.string("decided_url"), "https://www.youtube.com/watch?v=MpmbntGDyNE")

        let again = try ok(["search", "track", "1", "0", "--no-release-videos"], environment: youtube())
        XCTAssertTrue(again.stdout.contains("from the cache (0 units)"), "\(again)")
        XCTAssertTrue(again.stdout.contains("MpmbntGDyNE"), "\(again)")

        let stats = try ok(["search", "stats", "--json"], environment: youtube()).object()
        XCTAssertEqual(stats.object("quota")?.int("units_used"), 101)
        XCTAssertEqual(stats.object("quota")?.int("budget"), 10_000)
        XCTAssertEqual(stats.object("quota")?.int("cache_hits"), 1)
        XCTAssertEqual(stats.object("quota")?.int("cache_misses"), 1)
        XCTAssertEqual(stats.object("cache")?.int("fresh"), 1)
        let text = try ok(["search", "stats"], environment: youtube())
        XCTAssertTrue(text.stdout.contains("101 of 10000 units used"), "\(text)")
        XCTAssertEqual(try count("SELECT count(*) FROM track_matches"), 0, "search track stores nothing")
        for result in [first, again, text] {
            XCTAssertFalse(result.stdout.contains(Self.key) || result.stderr.contains(Self.key), "\(result)")
        }
    }

    func testErrorsAreClearAndNeverShowTheKey() throws {
        let wrong = "AIzaWrongCLIKey-secret-55aa"
        let invalid = try rotation(["search", "track", "1", "0"], environment: youtube(key: wrong))
        XCTAssertEqual(invalid.status, 1, "\(invalid)")
        XCTAssertTrue(invalid.stderr.contains("keyInvalid") && invalid.stderr.contains("YOUTUBE_API_KEY"), "\(invalid)")
        XCTAssertFalse(invalid.stderr.contains(wrong) || invalid.stdout.contains(wrong), "\(invalid)")

        let overBudget = try rotation(["search", "track", "1", "0"], environment: youtube(quota: "50"))
        XCTAssertEqual(overBudget.status, 1, "\(overBudget)")
        XCTAssertTrue(overBudget.stderr.contains("budget"), "\(overBudget)")

        let missing = try rotation(["search", "track", "1", "0"], environment: youtube(key: ""))
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("YOUTUBE_API_KEY"), "\(missing)")

        let notStored = try rotation(["search", "track", "424242", "0"], environment: youtube())
        XCTAssertTrue(notStored.stderr.contains("no stored Discogs body"), "\(notStored)")
    }

    /// `--store`: the track's candidates and the policy's match written as the worker writes them, the approved
    /// match through to the cache; the other tracks untouched; wrong combinations refused.
    func testStoreWritesTheTrackAsTheWorkerDoesAndCachesIt() throws {
        let report = try ok(["search", "track", "1", "0", "--store", "--json"], environment: youtube()).object()
        XCTAssertEqual(report.string("provider"), "youtube")
        XCTAssertEqual(report.object("stored")?.string("match_url"), "https://www.youtube.com/watch?v=MpmbntGDyNE")
        XCTAssertEqual(report.object("stored")?.bool("approved"), true)
        XCTAssertEqual(try count("SELECT count(*) FROM track_matches WHERE release_id = 1 AND track_index = 0 AND approved"), 1)
        XCTAssertEqual(try count("SELECT count(*) FROM track_matches"), 1)
        XCTAssertGreaterThan(try count("SELECT count(*) FROM match_candidates WHERE release_id = 1 AND track_index = 0"), 0)
        XCTAssertEqual(try count("SELECT count(*) FROM match_candidates WHERE track_index <> 0"), 0)
        XCTAssertTrue(try redis.command("GET", "match:1:0").string?.contains("MpmbntGDyNE") ?? false, "written through")

        let text = try ok(["search", "track", "1", "0", "--store"], environment: youtube())
        XCTAssertTrue(text.stdout.contains("candidates written"), "\(text)")

        let badProvider = try rotation(["search", "track", "1", "0", "--provider", "vimeo"], environment: youtube())
        XCTAssertNotEqual(badProvider.status, 0)
        XCTAssertTrue(badProvider.stderr.contains("youtube or soundcloud"), "\(badProvider)")
        let noVideos = try rotation(["search", "track", "1", "0", "--store", "--no-release-videos"], environment: youtube())
        XCTAssertNotEqual(noVideos.status, 0)
        XCTAssertTrue(noVideos.stderr.contains("--no-release-videos"), "\(noVideos)")
        var noSoundCloud = youtube()
        noSoundCloud["SOUNDCLOUD_CLIENT_ID"] = .some(nil)
        noSoundCloud["SOUNDCLOUD_CLIENT_SECRET"] = .some(nil)
        let soundCloud = try rotation(["search", "track", "1", "0", "--provider", "soundcloud"], environment: noSoundCloud)
        XCTAssertNotEqual(soundCloud.status, 0)
        XCTAssertTrue(soundCloud.stderr.contains("SOUNDCLOUD_CLIENT_ID"), "\(soundCloud)")
    }

    /// `matcher eval --search youtube`: candidates from the stand-in, the same metrics, and the quota per release.
    func testMatcherEvalWithSearchCountsQuotaPerRelease() throws {
        let labels = ["matcher", "eval", "--labels", CLILocations.fixture("labels.json"),
                      "--releases", CLILocations.fixture("releases")]
        let report = try ok(labels + ["--search", "youtube", "--no-release-videos", "--json"], environment: youtube()).object()
        let search = try XCTUnwrap(report.object("search"), "\(report)")
        XCTAssertEqual(search.string("provider"), "youtube")
        XCTAssertEqual(search.bool("release_videos"), false)
        let searches = try XCTUnwrap(search.int("searches"))
        XCTAssertGreaterThan(searches, 0)
        // 100 a search and 1 its videos call (none when the search found nothing).
        XCTAssertTrue((searches * 100...searches * 101).contains(try XCTUnwrap(search.int("quota_units"))), "\(search)")
        let releases = try XCTUnwrap(report.array("releases") as? [[String: Any]])
        XCTAssertEqual(search.int("releases"), releases.count)
        XCTAssertEqual(releases.compactMap { $0.object("search")?.int("quota_units") }.reduce(0, +), search.int("quota_units"))
        let overall = try XCTUnwrap(report.object("overall"))
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(overall.double("auto_approve_precision")), 0.97, "\(overall)")
        XCTAssertLessThanOrEqual(try XCTUnwrap(overall.double("false_match_rate")), 0.05, "\(overall)")
        XCTAssertEqual(try fake?.stats().quotaUsed, search.int("quota_units"), "the stand-in was charged what the report says")

        let text = try ok(labels + ["--search", "youtube"], environment: youtube())
        XCTAssertTrue(text.stdout.contains("search: youtube with the releases' Discogs videos"), "\(text)")
        XCTAssertFalse(text.stdout.contains(Self.key) || text.stderr.contains(Self.key), "\(text)")

        let wrongKey = try rotation(labels + ["--search", "youtube"], environment: youtube(key: "AIzaWrong-eval-key-77"))
        XCTAssertEqual(wrongKey.status, 1, "\(wrongKey)")
        XCTAssertTrue(wrongKey.stderr.contains("search failed") && wrongKey.stderr.contains("keyInvalid"), "\(wrongKey)")
        XCTAssertFalse(wrongKey.stderr.contains("AIzaWrong-eval-key-77"), "\(wrongKey)")

        let alone = try rotation(labels + ["--no-release-videos"])
        XCTAssertNotEqual(alone.status, 0)
        XCTAssertTrue(alone.stderr.contains("--no-release-videos needs --search"), "\(alone)")
    }
}
