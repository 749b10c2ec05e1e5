import Foundation
import LocalServers
import Matching
import Postgres
import Rotation
import XCTest

/// What `rotation search stats` reads, recorded where the searches are made: per provider and day, the searches
/// sent and the cache's hits and misses, and per release (`search_release_queries`) the searches, hits and quota
/// units; YouTube against `Tests/Fixtures/search/fake-youtube`, SoundCloud against `fake-soundcloud`, on a real
/// Postgres.
final class SearchStatsTests: XCTestCase {
    private var youTubes: [LocalFakeYouTube] = []
    private var soundClouds: [LocalFakeSoundCloud] = []

    override func tearDown() {
        youTubes.forEach { $0.stop() }
        soundClouds.forEach { $0.stop() }
        youTubes = []; soundClouds = []
        super.tearDown()
    }

    /// Release 1 of the fixtures (six tracks by The Persuader), and a copy of it under another id: the same queries
    /// asked for a second release.
    private func releases() throws -> (DiscogsRelease, DiscogsRelease) {
        let body = try Data(contentsOf: TestDatabase.fixturesDirectory.appendingPathComponent("releases/1.json"))
        let first = try DiscogsDecoding.decode(DiscogsRelease.self, from: body)
        var copy = first
        copy.id = 424_242
        return (first, copy)
    }

    private func query(_ release: DiscogsRelease, _ index: Int) throws -> SearchQuery {
        try XCTUnwrap(SearchQuery(release: release, trackIndex: index))
    }

    private func cache(_ db: PostgresConnection, _ provider: String) -> SearchResultCache {
        SearchResultCache(connection: db, provider: provider, ttlSeconds: 86_400)
    }

    func testYouTubeCountsQueriesAndUnitsPerRelease() throws {
        let (_, db) = try TestDatabase.fresh()
        let fake = try FakeYouTube.start(key: SearchProviderTests.key)
        youTubes.append(fake)
        var configuration = YouTubeSearchConfiguration(baseURL: fake.url, apiKey: SearchProviderTests.key, dailyQuota: 10_000)
        configuration.maxRetries = 0
        let provider = YouTubeSearchProvider(configuration: configuration, connection: db)
        let (release, copy) = try releases()

        XCTAssertFalse(try provider.search(query(release, 0)).fromCache)
        XCTAssertFalse(try provider.search(query(release, 1)).fromCache)
        XCTAssertTrue(try provider.search(query(release, 0)).fromCache)
        // The worker's way: a release's queries asked of the cache at once; a query two tracks share counts once.
        let cached = try provider.cached([query(copy, 0), query(copy, 1), query(copy, 1)])
        XCTAssertEqual(cached.count, 2)
        // A query a person typed belongs to no release: counted for the day only.
        XCTAssertFalse(try provider.search(SearchQuery("The Persuader - Gamla Stan")).fromCache)

        let byRelease = try provider.ledger.releaseUsage(top: 5)
        XCTAssertEqual(byRelease.releases, 2)
        XCTAssertEqual(byRelease.searches, 2)
        XCTAssertEqual(byRelease.cacheHits, 3)
        XCTAssertEqual(byRelease.unitsUsed, 202)
        XCTAssertEqual(byRelease.queriesPerRelease, 2.5)
        XCTAssertEqual(byRelease.unitsPerRelease, 101)
        XCTAssertEqual(byRelease.most, [
            SearchReleaseQueries(releaseID: 1, searches: 2, cacheHits: 1, unitsUsed: 202),
            SearchReleaseQueries(releaseID: 424_242, searches: 0, cacheHits: 2, unitsUsed: 0),
        ])
        XCTAssertEqual(try provider.ledger.releaseUsage(top: 1).most.map(\.releaseID), [1])

        let stats = try SearchProviderStats.read(ledger: provider.ledger, cache: provider.cache, metered: true, topReleases: 5)
        XCTAssertEqual(stats.quota?.unitsUsed, 303)
        XCTAssertEqual(stats.quota?.unitsLeft, 10_000 - 303)
        XCTAssertEqual(try fake.stats().quotaUsed, 303, "the stand-in charged what the ledger says")
        XCTAssertEqual(stats.searches, 3)
        XCTAssertEqual(stats.cacheHits, 3)
        XCTAssertEqual(stats.cacheMisses, 3)
        XCTAssertEqual(stats.releases, byRelease)
        XCTAssertEqual(stats.cachedQueries.fresh, 3)
    }

    func testSoundCloudIsCountedLikeYouTubeWithoutAQuota() throws {
        let (_, db) = try TestDatabase.fresh()
        let fake = try LocalFakeSoundCloud()
        soundClouds.append(fake)
        let provider = SoundCloudSearchProvider(
            configuration: SoundCloudSearchConfiguration(apiURL: fake.url, authURL: fake.url, clientID: SearchSoundCloudTests.clientID,
                                                         clientSecret: SearchSoundCloudTests.secret),
            connection: db)
        let (release, _) = try releases()

        XCTAssertFalse(try provider.search(query(release, 0)).fromCache)
        XCTAssertTrue(try provider.search(query(release, 0)).fromCache)
        XCTAssertFalse(try provider.search(query(release, 5)).fromCache)
        XCTAssertFalse(try provider.search(SearchQuery("Gamla Stan live")).fromCache)
        XCTAssertEqual(try fake.stats()["searches"], 3)

        let stats = try SearchProviderStats.read(ledger: provider.ledger, cache: provider.cache, metered: false, topReleases: 5)
        XCTAssertEqual(stats.provider, "soundcloud")
        XCTAssertNil(stats.quota)
        XCTAssertEqual(stats.searches, 3)
        XCTAssertEqual(stats.cacheHits, 1)
        XCTAssertEqual(stats.cacheMisses, 3)
        XCTAssertEqual(stats.releases.releases, 1)
        XCTAssertEqual(stats.releases.searches, 2)
        XCTAssertEqual(stats.releases.cacheHits, 1)
        XCTAssertEqual(stats.releases.unitsUsed, 0)
        XCTAssertEqual(stats.releases.queriesPerRelease, 3)
        let json = String(decoding: try JSONEncoder().encode(stats), as: UTF8.self)
        XCTAssertTrue(json.contains("\"quota\":null"), json)
        XCTAssertTrue(json.contains("\"queries_per_release\":3"), json)

        // The other provider's figures are its own.
        let youTube = SearchQuotaLedger(connection: db, provider: YouTubeSearchProvider.name, dailyBudget: 10_000)
        XCTAssertEqual(try youTube.releaseUsage(top: 5).releases, 0)
        XCTAssertEqual(try youTube.usage().cacheHits, 0)
    }
}
