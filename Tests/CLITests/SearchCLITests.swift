import Foundation
import LocalServers
import Postgres
import XCTest

/// `rotation search track|stats` against the repository's copy of the YouTube stand-in (`Tests/Fixtures/search`).
final class SearchCLITests: CLITestCase {
    static let key = "AIzaCLITestKey-never-printed-4d1e"
    static let soundCloudID = "rotation-cli-client"
    static let soundCloudSecret = "sc-cli-secret-never-printed-3b9e"
    private var fake: LocalFakeYouTube?
    private var fakeURL = ""
    private var soundCloudFake: LocalFakeSoundCloud?

    override func setUpWithError() throws {
        try super.setUpWithError()
        let body = try String(contentsOfFile: CLILocations.fixture("releases/1.json"), encoding: .utf8)
        try db.query("INSERT INTO discogs_release_bodies (discogs_id, body) VALUES (1, $1)", PostgresJSON(body))
        try startFake()
    }

    override func tearDownWithError() throws {
        fake?.stop()
        soundCloudFake?.stop()
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

    /// YouTube's settings and SoundCloud's, both providers on their stand-ins (SoundCloud's started on first use).
    private func bothProviders() throws -> [String: String?] {
        let soundCloud = try soundCloudFake ?? LocalFakeSoundCloud(
            fixtures: CLILocations.repositoryRoot.appendingPathComponent("Tests/Fixtures/search"),
            clientID: Self.soundCloudID, clientSecret: Self.soundCloudSecret)
        soundCloudFake = soundCloud
        return youtube().merging([
            "SOUNDCLOUD_CLIENT_ID": Self.soundCloudID, "SOUNDCLOUD_CLIENT_SECRET": Self.soundCloudSecret,
            "SOUNDCLOUD_API_URL": soundCloud.url.absoluteString, "SOUNDCLOUD_AUTH_URL": soundCloud.url.absoluteString,
        ]) { _, new in new }
    }

    /// `search stats`: per provider, the searches sent, the cache's hits and misses and the queries per release;
    /// YouTube's quota, SoundCloud without one; a wrong API URL does not stop the figures.
    func testStatsShowQueriesPerReleaseForBothProviders() throws {
        let environment = try bothProviders()
        _ = try ok(["search", "track", "1", "0", "--no-release-videos"], environment: environment)
        _ = try ok(["search", "track", "1", "0", "--no-release-videos"], environment: environment)
        _ = try ok(["search", "track", "1", "1", "--no-release-videos"], environment: environment)
        _ = try ok(["search", "track", "1", "0", "--provider", "soundcloud"], environment: environment)

        var broken = environment
        broken["YOUTUBE_API_URL"] = "not a url"
        broken["YOUTUBE_API_KEY"] = .some(nil)
        let stats = try ok(["search", "stats", "--json"], environment: broken).object()
        XCTAssertEqual(stats.object("quota")?.int("units_used"), 202, "YouTube's figures where they were: \(stats)")
        let providers = try XCTUnwrap(stats.array("providers") as? [[String: Any]], "\(stats)")
        XCTAssertEqual(providers.compactMap { $0.string("provider") }, ["youtube", "soundcloud"])
        let youTube = providers[0], soundCloud = providers[1]
        XCTAssertEqual(youTube.object("quota")?.int("units_left"), 10_000 - 202)
        XCTAssertEqual(youTube.int("searches"), 2)
        XCTAssertEqual(youTube.int("cache_hits"), 1)
        XCTAssertEqual(youTube.int("cache_misses"), 2)
        let perRelease = try XCTUnwrap(youTube.object("releases"))
        XCTAssertEqual(perRelease.int("releases"), 1)
        XCTAssertEqual(perRelease.int("searches"), 2)
        XCTAssertEqual(perRelease.int("cache_hits"), 1)
        XCTAssertEqual(perRelease.int("units_used"), 202)
        XCTAssertEqual(perRelease.double("queries_per_release"), 3)
        let most = try XCTUnwrap((perRelease.array("most") as? [[String: Any]])?.first)
        XCTAssertEqual(most.int("release_id"), 1)
        XCTAssertTrue(soundCloud["quota"] is NSNull, "SoundCloud has no unit quota: \(soundCloud)")
        XCTAssertEqual(soundCloud.int("searches"), 1)
        XCTAssertEqual(soundCloud.int("cache_misses"), 1)
        XCTAssertEqual(soundCloud.object("releases")?.int("releases"), 1)
        XCTAssertEqual(soundCloud.object("releases")?.double("queries_per_release"), 1)
        XCTAssertEqual(soundCloud.object("cached_queries")?.int("fresh"), 1)

        let text = try ok(["search", "stats"], environment: environment)
        XCTAssertTrue(text.stdout.contains("202 of 10000 units used"), "\(text)")
        XCTAssertTrue(text.stdout.contains("1 releases searched: 3.0 queries a release (2.0 sent, 1.0 from the cache), 202.0 units"), "\(text)")
        XCTAssertTrue(text.stdout.contains("release 1: 2 sent, 1 from the cache, 202 units"), "\(text)")
        XCTAssertTrue(text.stdout.contains("soundcloud  (no unit quota)"), "\(text)")
        XCTAssertTrue(text.stdout.contains("release 1: 1 sent, 0 from the cache\n"), "\(text)")
        for secret in [Self.key, Self.soundCloudSecret] {
            XCTAssertFalse(text.stdout.contains(secret) || text.stderr.contains(secret), "\(text)")
        }
        let none = try ok(["search", "stats", "--releases", "0", "--json"], environment: environment).object()
        XCTAssertEqual(((none.array("providers") as? [[String: Any]])?.first?.object("releases")?.array("most"))?.count, 0)
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

    /// `matcher eval --search soundcloud`: candidates from the SoundCloud stand-in (a three-track catalogue: this
    /// tests the path, its figures are not SoundCloud's recall or precision), searches counted, no quota units.
    func testMatcherEvalSearchesSoundCloud() throws {
        let environment = try bothProviders()
        let labels = ["matcher", "eval", "--labels", CLILocations.fixture("labels.json"),
                      "--releases", CLILocations.fixture("releases")]
        let report = try ok(labels + ["--search", "soundcloud", "--no-release-videos", "--json"], environment: environment).object()
        let search = try XCTUnwrap(report.object("search"), "\(report)")
        XCTAssertEqual(search.string("provider"), "soundcloud")
        XCTAssertEqual(search.bool("release_videos"), false)
        XCTAssertEqual(search.int("quota_units"), 0, "SoundCloud has no unit quota")
        let searches = try XCTUnwrap(search.int("searches"))
        XCTAssertGreaterThan(searches, 0)
        XCTAssertEqual(try soundCloudFake?.stats()["searches"], searches, "one request per distinct query")
        let releases = try XCTUnwrap(report.array("releases") as? [[String: Any]])
        XCTAssertEqual(search.int("releases"), releases.count)
        XCTAssertEqual(releases.compactMap { $0.object("search")?.int("searches") }.reduce(0, +), searches)
        // The stand-in's record of release 1's first track is found and scored like any candidate.
        let first = try XCTUnwrap(releases.first { $0.int("release_id") == 1 }, "\(releases)")
        XCTAssertNotNil(first.object("search"), "\(first)")

        let text = try ok(labels + ["--search", "soundcloud"], environment: environment)
        XCTAssertTrue(text.stdout.contains("search: soundcloud with the releases' Discogs videos"), "\(text)")
        XCTAssertFalse(text.stdout.contains(Self.soundCloudSecret) || text.stderr.contains(Self.soundCloudSecret), "\(text)")

        var wrong = environment
        wrong["SOUNDCLOUD_CLIENT_SECRET"] = "sc-wrong-eval-secret-19"
        let refused = try rotation(labels + ["--search", "soundcloud"], environment: wrong)
        XCTAssertEqual(refused.status, 1, "\(refused)")
        XCTAssertTrue(refused.stderr.contains("search failed") && refused.stderr.contains("SOUNDCLOUD_CLIENT_SECRET"), "\(refused)")
        XCTAssertFalse(refused.stderr.contains("sc-wrong-eval-secret-19") || refused.stdout.contains("sc-wrong-eval-secret-19"))

        var unset = environment
        unset["SOUNDCLOUD_CLIENT_ID"] = .some(nil)
        let missing = try rotation(labels + ["--search", "soundcloud"], environment: unset)
        XCTAssertEqual(missing.status, 1, "\(missing)")
        XCTAssertTrue(missing.stderr.contains("SOUNDCLOUD_CLIENT_ID"), "\(missing)")
    }
}
