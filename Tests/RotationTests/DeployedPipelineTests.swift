import Foundation
import Postgres
import Rotation
import XCTest

/// Import, sync, the worker, requeue and the release view on a database shaped the way the deployed web app's own
/// migrations leave it (`Tests/Fixtures/webapp/schema-deployed.sql`, then our migrations), beside the web app's own
/// statements (from `web-app-writes.sql`, with the values these tests need).
final class DeployedPipelineTests: XCTestCase {
    private func syncServer(listing ids: [Int64], store: String) throws -> (SyncFixtureServer, URL) {
        let server = try SyncFixtureServer(releasesDirectory: ImportFixtures.releasesDirectory)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("deployed-sync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let listings = ids.map { id in
            ["id": Int(id) * 10, "seller": ["username": store],
             "release": ["id": Int(id), "description": "Artist \(id) - Title \(id) (LP)", "year": 1990]] as [String: Any]
        }
        let page = directory.appendingPathComponent("page1.json")
        try JSONSerialization.data(withJSONObject: ["pagination": ["page": 1, "pages": 1], "listings": listings]).write(to: page)
        server.inventory[store] = [1: page]
        return (server, directory)
    }

    private func sync(_ db: PostgresConnection, _ server: SyncFixtureServer, store: String) throws -> StoreSyncReport {
        let client = DiscogsClient(configuration: DiscogsClientConfiguration(baseURL: server.baseURL, token: "t"), sleep: { _ in })
        return try StoreSync(connection: db, client: client).run(store: store)
    }

    /// The web app's processor takes the row of `release` (its statement, narrowed to one release).
    private func webAppTakes(_ db: PostgresConnection, release: Int64, startedSecondsAgo: Int = 0) throws {
        try db.query("""
            UPDATE processing_queue SET status = 'processing', started_at = NOW() - make_interval(secs => $2)
            WHERE discogs_id = $1 AND status = 'queued'
            """, release, Double(startedSecondsAgo))
    }

    // MARK: Enqueue and sync log

    func testImportOnTheDeployedShapeQueuesEveryReleaseWithTheListingsReleaseObject() throws {
        let (_, db) = try DeployedSchema.fresh(.deployed)
        let summary = try DiscogsImporter(connection: db).importInventory(
            files: try ImportFixtures.files(in: ImportFixtures.inventoryDirectory) + ImportFixtures.files(in: ImportFixtures.listingsDirectory))
        XCTAssertEqual(summary.issues, [])
        let listed = try ImportFixtures.listedReleaseIDs()
        XCTAssertEqual(Set(try db.query("SELECT discogs_id FROM releases").column("discogs_id", as: Int64.self)), listed)
        let queued = try db.query("""
            SELECT discogs_id, release_data->>'id' AS data_id, release_data->>'title' AS data_title, priority, max_retries
            FROM processing_queue WHERE status = 'queued'
            """).rows
        XCTAssertEqual(Set(try queued.map { try $0.decode("discogs_id", as: Int64.self) }), listed)
        for row in queued {
            XCTAssertEqual(row["data_id"], row["discogs_id"], "release_data is the listing's release")
            XCTAssertNotNil(row["data_title"])
            XCTAssertEqual(row["priority"], "1", "the deployed default priority")
            XCTAssertEqual(row["max_retries"], "3")
        }
        // The older inventory schema names the release by its description only: the object says what it says.
        let rome = try XCTUnwrap(db.query("SELECT release_data FROM processing_queue WHERE discogs_id = 2992668").first)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(rome["release_data"]!.utf8)) as? [String: Any])
        XCTAssertEqual(object["title"] as? String, "Rome")
        XCTAssertEqual(object["artist"] as? String, "Danger Mouse & Daniele Luppi")
        XCTAssertEqual(object["catalog_number"] as? String, "509990292346, TMR092")

        // One cumulative row per store, and the import recorded as a run.
        XCTAssertEqual(try db.query("SELECT count(*) FROM store_sync_log").scalar(Int.self),
                       try db.query("SELECT count(DISTINCT store_username) FROM releases").scalar(Int.self))
        XCTAssertEqual(try db.query("SELECT count(*) FROM store_sync_runs WHERE source = 'import'").scalar(Int.self),
                       summary.storesLogged.count)
    }

    func testASecondSyncAddsToTheStoresOneLogRowAndRecordsEachRun() throws {
        let (_, db) = try DeployedSchema.fresh(.deployed)
        let (server, directory) = try syncServer(listing: [1, 79, 999_999], store: "svek")
        defer { server.stop(); try? FileManager.default.removeItem(at: directory) }

        let first = try sync(db, server, store: "svek")
        XCTAssertEqual(first.newReleasesFound, 3)
        XCTAssertEqual(first.releaseBodiesFetched, 2)
        // Every queued row carries release_data; the bodies sync fetched are stored.
        XCTAssertEqual(try db.query("SELECT count(*) FROM processing_queue WHERE release_data->>'id' = discogs_id::text")
            .scalar(Int.self), 3)
        XCTAssertEqual(Set(try db.query("SELECT discogs_id FROM discogs_release_bodies").column("discogs_id", as: Int64.self)), [1, 79])

        let second = try sync(db, server, store: "svek")
        XCTAssertEqual(second.newReleasesFound, 0)
        let log = try db.query("SELECT listings_processed, new_releases_found FROM store_sync_log WHERE store_username = 'svek'").rows
        XCTAssertEqual(log.count, 1, "one cumulative row per store")
        XCTAssertEqual(log.first?["listings_processed"], "6")
        XCTAssertEqual(log.first?["new_releases_found"], "3")
        let runs = try db.query("""
            SELECT source, listings_processed, new_releases_found FROM store_sync_runs WHERE store_username = 'svek'
            ORDER BY finished_at, id
            """).rows.map { "\($0["source"]!) \($0["listings_processed"]!) \($0["new_releases_found"]!)" }
        XCTAssertEqual(runs, ["sync 3 3", "sync 3 0"])
        let history = try ReviewQueries(database: db).syncLog(of: "svek")
        XCTAssertEqual(history.map(\.newReleases), [0, 3], "newest first, from store_sync_runs")
        XCTAssertEqual(history.map(\.source), ["sync", "sync"])

        // The web app's own counter function keeps adding to the same row.
        try db.query("SELECT update_sync_stats('svek', 120, 7, 113, 31)")
        XCTAssertEqual(try db.query("SELECT listings_processed FROM store_sync_log WHERE store_username = 'svek'").scalar(Int.self), 126)
    }

    func testTheWorkersMatchesGoToTheOneLogRowAndFollowTheImportInTheHistory() throws {
        let (url, db) = try DeployedSchema.fresh(.deployed)
        try WorkerFixtures.importFixtureReleases(db)
        let report = try WorkerFixtures.worker(url).drain()
        XCTAssertGreaterThan(report.matchesCreated, 0)
        let log = try XCTUnwrap(db.query("""
            SELECT count(*) OVER () AS rows, audio_matches_created, last_sync FROM store_sync_log WHERE store_username = 'fixture-store'
            """).first)
        XCTAssertEqual(log["rows"], "1")
        XCTAssertEqual(try log.decode("audio_matches_created", as: Int.self), report.matchesCreated)
        XCTAssertEqual(try db.query("""
            SELECT sum(audio_matches_created)::bigint FROM store_sync_runs WHERE store_username = 'fixture-store' AND source = 'worker'
            """).scalar(Int.self), report.matchesCreated)
        // A worker run is not a sync: the store's last_sync stays the import's.
        XCTAssertEqual(try db.query("""
            SELECT last_sync = (SELECT max(finished_at) FROM store_sync_runs WHERE store_username = 'fixture-store' AND source = 'import')
            FROM store_sync_log WHERE store_username = 'fixture-store'
            """).scalar(Bool.self), true)
        let history = try ReviewQueries(database: db).syncLog(of: "fixture-store")
        XCTAssertEqual(history.map(\.source), ["import"])
        XCTAssertEqual(history.first?.matchesCreated, report.matchesCreated)
    }

    func testTheSeederFitsTheDeployedShapeAndSeedsAgainOverItself() throws {
        let (_, db) = try DeployedSchema.fresh(.deployed)
        let request = SeedRequest(stores: 2, releases: 6, tracksPerRelease: 2, queuedReleases: 2)
        for _ in 1...2 {
            let report = try SyntheticDataSeeder(connection: db).seed(request)
            XCTAssertEqual(report.queueRows, 8)
        }
        XCTAssertEqual(try db.query("""
            SELECT count(*) FROM processing_queue WHERE release_data->>'id' = discogs_id::text AND release_data->>'title' <> ''
            """).scalar(Int.self), 8)
        XCTAssertEqual(try db.query("SELECT count(*) FROM store_sync_log").scalar(Int.self), 2, "one row per store")
        XCTAssertEqual(try db.query("SELECT count(*) FROM store_sync_runs").scalar(Int.self), 2, "the earlier seed's runs replaced")
    }

    // MARK: Titles

    func testTitlesSurviveTheWebAppsReleaseUpsertFromTheStoredBody() throws {
        let (_, db) = try DeployedSchema.fresh(.deployed)
        _ = try DiscogsImporter(connection: db).importReleases(
            files: [ImportFixtures.releasesDirectory.appendingPathComponent("1.json")], store: "release-store")
        let body = try JSONSerialization.jsonObject(with: ImportFixtures.releaseData(1)) as! [String: Any]
        let titles = (body["tracklist"] as! [[String: Any]]).map { $0["title"] as! String }

        let before = try ReviewQueries(database: db).release(1)
        XCTAssertEqual(before.titleSource, .releases)
        XCTAssertEqual(before.tracks.compactMap(\.title), titles)

        // The web app caches the release with the tracklist it holds: empty.
        try db.query("""
            INSERT INTO releases (discogs_id, store_username, title, artist, year, tracklist, has_audio_matches, audio_match_count)
            VALUES (1, 'release-store', 'Stockholm', 'The Persuader', 1999, '[]', true, 3)
            ON CONFLICT (discogs_id) DO UPDATE SET title = EXCLUDED.title, artist = EXCLUDED.artist, year = EXCLUDED.year,
                tracklist = EXCLUDED.tracklist, has_audio_matches = EXCLUDED.has_audio_matches,
                audio_match_count = EXCLUDED.audio_match_count, last_updated = NOW()
            """)
        XCTAssertEqual(try db.query("SELECT tracklist::text FROM releases WHERE discogs_id = 1").scalar(String.self), "[]")
        let after = try ReviewQueries(database: db).release(1)
        XCTAssertEqual(after.tracks.compactMap(\.title), titles)
        XCTAssertEqual(after.titleSource, .storedDiscogsBody)
        XCTAssertEqual(after.titleSource?.label, "titles from stored Discogs body")
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(after)) as! [String: Any]
        XCTAssertEqual(encoded["titleSource"] as? String, "stored_discogs_body")

        // NULL is as empty as [].
        try db.query("UPDATE releases SET tracklist = NULL WHERE discogs_id = 1")
        XCTAssertEqual(try ReviewQueries(database: db).release(1).tracks.compactMap(\.title), titles)
    }

    // MARK: Beside the web app's processor

    func testRequeueLeavesTheWebAppsFreshProcessingRowAloneUnlessForced() throws {
        let (_, db) = try DeployedSchema.fresh(.deployed)
        try db.query("""
            INSERT INTO processing_queue (discogs_id, store_username, priority, release_data)
            VALUES (4242001, 'webapp-store', 1, '{"id": 4242001, "title": "Web App Release", "artist": "Web Artist"}')
            """)
        try webAppTakes(db, release: 4242001)
        let queue = ProcessingQueue(connection: db)

        let refused = try queue.requeue(failedOnly: false, release: 4242001)
        XCTAssertEqual(refused.requeued, 0)
        XCTAssertEqual(refused.processingElsewhere, 1)
        XCTAssertNotNil(refused.processingElsewhereSince)
        XCTAssertEqual(try db.query("SELECT status FROM processing_queue WHERE discogs_id = 4242001").scalar(String.self), "processing")
        // Nor does a worker reclaim it.
        XCTAssertEqual(try queue.reclaimExpiredLeases(), 0)

        let forced = try queue.requeue(failedOnly: false, release: 4242001, force: true)
        XCTAssertEqual(forced.requeued, 1)
        XCTAssertEqual(forced.processingElsewhere, 0)
        XCTAssertEqual(try db.query("SELECT status FROM processing_queue WHERE discogs_id = 4242001").scalar(String.self), "queued")

        // Past the stuck limit the row is abandoned: requeue takes it without --force.
        try webAppTakes(db, release: 4242001, startedSecondsAgo: QueuePolicy.stuckWithoutLeaseSeconds + 60)
        let stuck = try queue.requeue(failedOnly: false, release: 4242001)
        XCTAssertEqual([stuck.requeued, stuck.processingElsewhere], [1, 0])
    }

    func testTheWorkerTakesOverAWebAppRowOnlyPastTheStuckLimitCountingTheAttempt() throws {
        let (_, db) = try DeployedSchema.fresh(.deployed)
        for id: Int64 in [11, 12] {
            try db.query("INSERT INTO processing_queue (discogs_id, store_username, release_data) VALUES ($1, 'w', $2::jsonb)",
                         id, PostgresJSON("{\"id\": \(id)}"))
        }
        try webAppTakes(db, release: 11, startedSecondsAgo: QueuePolicy.stuckWithoutLeaseSeconds - 60)
        try webAppTakes(db, release: 12, startedSecondsAgo: QueuePolicy.stuckWithoutLeaseSeconds + 60)
        XCTAssertEqual(try ProcessingQueue(connection: db).reclaimExpiredLeases(), 1)
        let fresh = try XCTUnwrap(db.query("SELECT status, retry_count FROM processing_queue WHERE discogs_id = 11").first)
        XCTAssertEqual([fresh["status"], fresh["retry_count"]], ["processing", "0"])
        let taken = try XCTUnwrap(db.query("SELECT status, retry_count, error_message FROM processing_queue WHERE discogs_id = 12").first)
        XCTAssertEqual(taken["status"], "queued")
        XCTAssertEqual(taken["retry_count"], "1")
        XCTAssertTrue(taken["error_message"]!.hasPrefix("taken over from another processor"), taken["error_message"]!)
        // The stuck count agrees with what was taken over.
        XCTAssertEqual(try ProcessingQueue(connection: db).statistics().stuck.map(\.discogsID), [])
    }

    func testARowsMaxRetriesIsItsLimitAndRetryCountMeansWhatTheWebAppMeans() throws {
        let (_, db) = try DeployedSchema.fresh(.deployed)
        for (id, limit) in [(Int64(21), 2), (22, 4)] {
            try db.query("""
                INSERT INTO processing_queue (discogs_id, store_username, release_data, max_retries) VALUES ($1, 's', $2::jsonb, $3)
                """, id, PostgresJSON("{\"id\": \(id)}"), limit)
        }
        // The web app's processor fails release 21 once: retry_count counts that run.
        try webAppTakes(db, release: 21)
        try db.query("""
            UPDATE processing_queue SET status = 'queued', error_message = 'YouTube quota exceeded', completed_at = NOW(),
                   retry_count = retry_count + 1
            WHERE discogs_id = 21
            """)
        let queue = ProcessingQueue(connection: db, policy: QueuePolicy(maxAttempts: 3, backoffBaseSeconds: 0))
        let jobs = Dictionary(uniqueKeysWithValues: try queue.claim(limit: 2, worker: "w").map { ($0.discogsID, $0) })
        XCTAssertEqual(jobs[21]?.retryCount, 1)
        XCTAssertEqual(jobs[21]?.maxRetries, 2)
        // Its second failed run is its last (max_retries 2), though the policy would allow 3.
        XCTAssertEqual(try queue.fail(jobs[21]!, worker: "w", message: "no videos", permanent: false), .failed)
        XCTAssertEqual(try db.query("SELECT retry_count FROM processing_queue WHERE discogs_id = 21").scalar(Int.self), 2)
        // Release 22 (max_retries 4) is retried past the policy's 3.
        var job = try XCTUnwrap(jobs[22])
        for _ in 1...3 {
            XCTAssertEqual(try queue.fail(job, worker: "w", message: "timeout", permanent: false), .retryLater)
            job = try XCTUnwrap(queue.claim(limit: 1, worker: "w").first)
        }
        XCTAssertEqual(try queue.fail(job, worker: "w", message: "timeout", permanent: false), .failed)
        XCTAssertEqual(try db.query("SELECT retry_count FROM processing_queue WHERE discogs_id = 22").scalar(Int.self), 4)
    }

    func testRequeueOfAReleaseWithoutAQueueRowCarriesItsReleaseData() throws {
        let (_, db) = try DeployedSchema.fresh(.deployed)
        _ = try DiscogsImporter(connection: db).importReleases(
            files: [ImportFixtures.releasesDirectory.appendingPathComponent("1.json")], store: "release-store")
        try db.query("DELETE FROM processing_queue")
        try db.query("INSERT INTO releases (discogs_id, store_username, title, artist, year) VALUES (77, 'web', 'Only A Row', 'Someone', 2001)")
        let queue = ProcessingQueue(connection: db)
        XCTAssertEqual(try queue.requeue(failedOnly: false, release: 1).requeued, 1)
        XCTAssertEqual(try queue.requeue(failedOnly: false, release: 77).requeued, 1)
        let data = Dictionary(uniqueKeysWithValues: try db.query("""
            SELECT discogs_id, release_data->>'title' AS title, release_data->>'artist' AS artist FROM processing_queue
            """).rows.map { (try $0.decode("discogs_id", as: Int64.self), "\($0["artist"] ?? "-") / \($0["title"] ?? "-")") })
        XCTAssertEqual(data[1], "The Persuader / Stockholm", "from the stored Discogs body")
        XCTAssertEqual(data[77], "Someone / Only A Row", "from the releases row")
    }
}
