import Foundation
import Postgres
import Rotation
import XCTest

/// `rotation sync` against a server that plays the Discogs API with bad data: each listing and release body that
/// cannot be stored is an issue with its URL and JSON path, the rest of the store is imported (issue 9, item 1).
final class BadInputSyncTests: XCTestCase {
    func testBadListingsAndBodiesAreSkippedAndTheRestOfTheStoreIsImported() throws {
        let (_, db) = try TestDatabase.fresh()
        let bodies = try BadReleaseBodies.directory([
            "101.json": try BadReleaseBodies.body(101) { $0["title"] = "Stock\u{0}holm" },
            "102.json": try BadReleaseBodies.body(102, raw: ["__YEAR__": "3000000000"]) { $0["year"] = "__YEAR__" },
            "103.json": try BadReleaseBodies.body(103, raw: ["__YEAR__": "1e19"]) { $0["year"] = "__YEAR__" },
            "2.json": try ImportFixtures.releaseData(2),
        ])
        defer { try? FileManager.default.removeItem(at: bodies) }
        let server = try SyncFixtureServer(releasesDirectory: bodies)
        defer { server.stop() }
        let page = """
            {"pagination": {"page": 1, "pages": 1},
             "listings": [
              {"id": 1, "release": {"id": 101, "description": "A - One (LP)"}},
              {"id": 2, "release": {"id": 102, "description": "A - Two (LP)"}},
              {"id": 3, "release": {"id": 103, "description": "A - Three (LP)"}},
              {"id": 4, "release": {"id": 2, "description": "A - Four (LP)"}},
              {"id": 5, "release": {"id": 104, "description": "A - Nul\\u0000 (LP)"}},
              {"id": 6, "release": {"id": 105, "description": "A - Year (LP)", "year": 3000000000}}
             ]}
            """
        try Data(page.utf8).write(to: bodies.appendingPathComponent("page1.txt"))
        server.inventory["shop"] = [1: bodies.appendingPathComponent("page1.txt")]
        let client = DiscogsClient(configuration: DiscogsClientConfiguration(baseURL: server.baseURL, token: "t"),
                                   sleep: { _ in })

        let report = try StoreSync(connection: db, client: client).run(store: "shop")
        XCTAssertEqual(report.issues.map { "\($0.source.contains("/users/shop/inventory") ? "page" : $0.source) \($0.path)" }, [
            "page $.listings[4].release.description", "page $.listings[5].release.year",
            "/releases/101 $.title", "/releases/102 $.year", "/releases/103 $.year",
        ])
        XCTAssertEqual(report.listingsProcessed, 4)
        XCTAssertEqual(report.releaseBodiesFetched, 1)
        // The listings' releases are stored; of the bodies only the good one.
        XCTAssertEqual(try db.query("SELECT discogs_id FROM releases ORDER BY 1").column("discogs_id", as: Int64.self), [2, 101, 102, 103])
        XCTAssertEqual(try db.query("SELECT discogs_id FROM discogs_release_bodies").column("discogs_id", as: Int64.self), [2])
        XCTAssertEqual(try db.query("SELECT listings_processed FROM store_sync_log WHERE store_username = 'shop'").scalar(Int.self), 4)
    }

    func testAHostileRateLimitHeaderNeitherTrapsNorWaitsLongerThanTheFloor() throws {
        let server = try SyncFixtureServer(releasesDirectory: ImportFixtures.releasesDirectory)
        defer { server.stop() }
        server.fixedRemaining = -1_000_000_000_000
        let sleeps = RecordedSleeps()
        var configuration = DiscogsClientConfiguration(baseURL: server.baseURL, token: "t")
        configuration.maxRetries = 0
        let client = DiscogsClient(configuration: configuration, sleep: { sleeps.record($0) })
        _ = try client.releaseBody(id: 1)
        _ = try client.releaseBody(id: 2)
        XCTAssertEqual(sleeps.values.count, 1)
        // The floor's worth of window slots plus one, as for a remaining count of 0.
        let slot = configuration.rateLimitWindowSeconds / 60
        XCTAssertEqual(sleeps.values[0], slot * Double(configuration.rateLimitFloor + 1), accuracy: 1e-9)
    }

    func testAHostilePageCountEndsAtTheFirstEmptyPage() throws {
        let (_, db) = try TestDatabase.fresh()
        let directory = try BadReleaseBodies.directory(["2.json": try ImportFixtures.releaseData(2)])
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try SyncFixtureServer(releasesDirectory: directory)
        defer { server.stop() }
        let first = """
            {"pagination": {"page": 1, "pages": 2000000000},
             "listings": [{"id": 1, "release": {"id": 2, "description": "A - One (LP)"}}]}
            """
        let empty = #"{"pagination": {"page": 2, "pages": 2000000000}, "listings": []}"#
        try Data(first.utf8).write(to: directory.appendingPathComponent("page1.txt"))
        try Data(empty.utf8).write(to: directory.appendingPathComponent("page2.txt"))
        server.inventory["shop"] = [1: directory.appendingPathComponent("page1.txt"), 2: directory.appendingPathComponent("page2.txt")]
        let client = DiscogsClient(configuration: DiscogsClientConfiguration(baseURL: server.baseURL, token: "t"),
                                   sleep: { _ in })

        let report = try StoreSync(connection: db, client: client).run(store: "shop")
        XCTAssertEqual(report.pagesFetched, 2)
        XCTAssertEqual(report.listingsProcessed, 1)
        XCTAssertEqual(server.requests.filter { $0.path.contains("/inventory") }.count, 2)
    }
}
