import Foundation
import Postgres
import Rotation
import XCTest

final class SyncTests: XCTestCase {
    private func server() throws -> SyncFixtureServer {
        let server = try SyncFixtureServer(releasesDirectory: ImportFixtures.releasesDirectory)
        var pages: [Int: URL] = [:]
        for page in 1...4 {
            pages[page] = ImportFixtures.inventoryDirectory.appendingPathComponent("brotherlogic_inventory_forsale_page\(page).json")
        }
        server.inventory["brotherlogic"] = pages
        return server
    }

    private func client(_ server: SyncFixtureServer, sleeps: RecordedSleeps, retries: Int = 5) -> DiscogsClient {
        var configuration = DiscogsClientConfiguration(baseURL: server.baseURL, token: "secret-token-123")
        configuration.maxRetries = retries
        return DiscogsClient(configuration: configuration, sleep: { sleeps.record($0) })
    }

    func testSyncImportsEveryPageBacksOffOn429And5xxAndLogsTheSync() throws {
        let (_, db) = try TestDatabase.fresh()
        let server = try server()
        defer { server.stop() }
        server.inject(.init(status: 429, headers: ["Retry-After": "7"]), forPath: "/users/brotherlogic/inventory?page=2")
        server.inject(.init(status: 503), forPath: "/users/brotherlogic/inventory?page=3", times: 2)
        let sleeps = RecordedSleeps()
        let client = client(server, sleeps: sleeps)
        var lines: [String] = []
        let report = try StoreSync(connection: db, client: client).run(store: "brotherlogic") { lines.append($0) }

        XCTAssertEqual(report.pagesFetched, 4)
        XCTAssertEqual(report.listingsProcessed, 322)
        XCTAssertEqual(report.newReleasesFound, 320)  // two releases are listed twice
        XCTAssertEqual(try db.query("SELECT count(*) FROM processing_queue WHERE store_username = 'brotherlogic'").scalar(Int.self), 320)
        // Retry-After is honoured; 5xx backs off exponentially.
        XCTAssertEqual(Array(sleeps.values.prefix(3)), [7, 1, 2])
        // The token went in the header on every request and appears in no report or issue.
        XCTAssertTrue(server.requests.allSatisfy { $0.authorization == "Discogs token=secret-token-123" })
        XCTAssertFalse((report.issues.map(\.description) + lines).joined().contains("secret-token"))
        // Release bodies were fetched for every release new to the database: none of the listed ones is recorded.
        XCTAssertEqual(report.releaseBodiesFetched, 0)
        XCTAssertEqual(report.issues.count, 320)
        XCTAssertTrue(report.issues[0].message.contains("HTTP 404"), report.issues[0].description)
        let log = try XCTUnwrap(db.query("SELECT listings_processed, new_releases_found FROM store_sync_log WHERE store_username = 'brotherlogic'").first)
        XCTAssertEqual(log["listings_processed"], "322")
        XCTAssertEqual(log["new_releases_found"], "320")
    }

    func testSyncFetchesTheBodiesOfNewReleasesTheServerHas() throws {
        let (_, db) = try TestDatabase.fresh()
        let server = try server()
        defer { server.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let listings = [Int64(1), 79, 999_999].map { id in
            ["id": Int(id) * 10, "seller": ["username": "svek"], "release": ["id": Int(id), "description": "A - T (LP)"]] as [String: Any]
        }
        let page = directory.appendingPathComponent("page1.json")
        try JSONSerialization.data(withJSONObject: ["pagination": ["page": 1, "pages": 1], "listings": listings]).write(to: page)
        server.inventory["svek"] = [1: page]

        let report = try StoreSync(connection: db, client: client(server, sleeps: RecordedSleeps())).run(store: "svek")
        XCTAssertEqual(report.newReleasesFound, 3)
        XCTAssertEqual(report.releaseBodiesFetched, 2)
        XCTAssertEqual(report.issues.map(\.source), ["/releases/999999"])
        let stockholm = try XCTUnwrap(db.query("SELECT title, jsonb_array_length(tracklist) AS n FROM releases WHERE discogs_id = 1").first)
        XCTAssertEqual(stockholm["title"], "Stockholm")
        XCTAssertEqual(stockholm["n"], "6")
        XCTAssertEqual(try db.query("SELECT count(*) FROM discogs_release_bodies").scalar(Int.self), 2)
    }

    func testAnInterruptedSyncResumesAtThePageWhereItStopped() throws {
        let (_, db) = try TestDatabase.fresh()
        let server = try server()
        defer { server.stop() }
        server.inject(.init(status: 500), forPath: "/users/brotherlogic/inventory?page=3", times: 2)
        let sleeps = RecordedSleeps()
        var sync = StoreSync(connection: db, client: client(server, sleeps: sleeps, retries: 1))
        sync.fetchReleaseBodies = false
        XCTAssertThrowsError(try sync.run(store: "brotherlogic")) { error in
            XCTAssertEqual((error as? DiscogsClientError)?.kind, .http(status: 500))
        }
        XCTAssertEqual(try db.query("SELECT next_page FROM discogs_sync_state").scalar(Int.self), 3)
        XCTAssertEqual(try db.query("SELECT count(*) FROM store_sync_log").scalar(Int.self), 0)

        let resumed = try sync.run(store: "brotherlogic")
        XCTAssertEqual(resumed.startedAtPage, 3)
        XCTAssertEqual(resumed.pagesFetched, 2)
        XCTAssertEqual(server.requests.filter { $0.path.hasSuffix("page=1") }.count, 1)
        let log = try XCTUnwrap(db.query("SELECT listings_processed, new_releases_found FROM store_sync_log").first)
        XCTAssertEqual(log["listings_processed"], "322")
        XCTAssertEqual(log["new_releases_found"], "320")

        // A finished sync starts over from page 1 next time.
        XCTAssertEqual(try sync.run(store: "brotherlogic").startedAtPage, 1)
    }

    func testTheClientWaitsWhenTheRateLimitIsNearlySpent() throws {
        let server = try server()
        defer { server.stop() }
        server.fixedRemaining = 1
        let sleeps = RecordedSleeps()
        let client = client(server, sleeps: sleeps)
        _ = try client.releaseBody(id: 1)
        XCTAssertEqual(client.rateLimit?.remaining, 1)
        XCTAssertEqual(sleeps.values, [])
        _ = try client.releaseBody(id: 2)
        XCTAssertEqual(sleeps.values.count, 1)
        XCTAssertGreaterThan(sleeps.values[0], 0)
        XCTAssertThrowsError(try client.releaseBody(id: 424242)) { error in
            let failure = error as? DiscogsClientError
            XCTAssertEqual(failure?.isPermanent, true)
            XCTAssertEqual(failure?.description, "Discogs answered HTTP 404 for /releases/424242: Release not found.")
        }
    }

    /// The issue's "done when": inventory imported, the server plays the Discogs API, one worker pass completes or
    /// fails every job, and the pending list is populated by the policy.
    func testImportedInventoryThenOneWorkerPassLeavesEveryJobCompletedOrFailed() throws {
        let (url, db) = try TestDatabase.fresh()
        let server = try server()
        defer { server.stop() }
        let inventory = try DiscogsImporter(connection: db).importInventory(
            files: try ImportFixtures.files(in: ImportFixtures.inventoryDirectory), store: "brotherlogic")
        XCTAssertEqual(inventory.issues, [])
        for id in try ImportFixtures.releaseIDs() { try WorkerFixtures.enqueue(db, store: "brotherlogic", id) }

        let sleeps = RecordedSleeps()
        let worker = try WorkerFixtures.worker(url, batch: 25, source: client(server, sleeps: sleeps, retries: 1))
        let report = try worker.drain()
        XCTAssertEqual(try db.query("SELECT count(*) FROM processing_queue WHERE status NOT IN ('completed', 'failed')").scalar(Int.self), 0)
        XCTAssertEqual(report.completed, 20)
        XCTAssertEqual(report.failed, 324)
        let messages = try db.query("SELECT error_message FROM processing_queue WHERE status = 'failed'").column("error_message", as: String.self)
        XCTAssertTrue(messages.allSatisfy { $0.contains("HTTP 404") && $0.contains("Release not found") }, messages.first ?? "")
        XCTAssertGreaterThan(try db.query("SELECT count(*) FROM track_matches WHERE NOT approved").scalar(Int.self), 0)
        XCTAssertGreaterThan(try db.query("SELECT count(*) FROM track_matches WHERE approved").scalar(Int.self), 0)
    }
}
