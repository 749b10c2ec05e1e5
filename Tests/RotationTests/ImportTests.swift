import Foundation
import Matching
import Postgres
import Rotation
import XCTest

final class ImportTests: XCTestCase {
    func testImportsEveryFixtureFileAndQueuesEachNewRelease() throws {
        let (_, db) = try TestDatabase.fresh()
        let importer = DiscogsImporter(connection: db)
        let inventory = try importer.importInventory(
            files: try ImportFixtures.files(in: ImportFixtures.inventoryDirectory) + ImportFixtures.files(in: ImportFixtures.listingsDirectory))
        XCTAssertEqual(inventory.issues, [])
        let listed = try ImportFixtures.listedReleaseIDs()
        XCTAssertEqual(inventory.change.newReleases, listed.count)
        XCTAssertEqual(Set(try db.query("SELECT discogs_id FROM releases").column("discogs_id", as: Int64.self)), listed)
        XCTAssertEqual(Set(try db.query("SELECT discogs_id FROM processing_queue WHERE status = 'queued'")
            .column("discogs_id", as: Int64.self)), listed)

        // The older schema has only a description: artist and title come from it.
        let rome = try XCTUnwrap(db.query("SELECT * FROM releases WHERE discogs_id = 2992668").first)
        XCTAssertEqual(rome["artist"], "Danger Mouse & Daniele Luppi")
        XCTAssertEqual(rome["title"], "Rome")
        XCTAssertEqual(rome["store_username"], "rappcats")
        XCTAssertEqual(rome["catno"], "509990292346, TMR092")

        // Each store gets one sync log row with its listings and new releases.
        let logs = try db.query("SELECT store_username, listings_processed, new_releases_found FROM store_sync_log ORDER BY store_username")
        let brotherLogic = try XCTUnwrap(logs.rows.first { $0["store_username"] == "BrotherLogic" })
        XCTAssertEqual(brotherLogic["listings_processed"], "327")  // 322 inventory listings + 5 single listings

        let releases = try importer.importReleases(files: try ImportFixtures.files(in: ImportFixtures.releasesDirectory), store: "fixture-store")
        XCTAssertEqual(releases.issues, [])
        XCTAssertEqual(releases.change.newReleases, 20)
        let stockholm = try XCTUnwrap(db.query("""
            SELECT title, artist, year, label, catno, discogs_uri, jsonb_array_length(tracklist) AS tracks,
                   genres::text AS genres, has_audio_matches FROM releases WHERE discogs_id = 1
            """).first)
        XCTAssertEqual(stockholm["title"], "Stockholm")
        XCTAssertEqual(stockholm["artist"], "The Persuader")
        XCTAssertEqual(stockholm["label"], "Svek")
        XCTAssertEqual(stockholm["catno"], "SK032")
        XCTAssertEqual(stockholm["tracks"], "6")
        XCTAssertEqual(stockholm["genres"], "[\"Electronic\"]")
        XCTAssertEqual(stockholm["has_audio_matches"], "f")
        XCTAssertEqual(try db.query("SELECT count(*) FROM discogs_release_bodies").scalar(Int.self), 20)
        XCTAssertEqual(try db.query("SELECT count(*) FROM processing_queue WHERE store_username = 'fixture-store'").scalar(Int.self), 20)
    }

    func testImportingAgainChangesNothing() throws {
        let (_, db) = try TestDatabase.fresh()
        let importer = DiscogsImporter(connection: db)
        let inventoryFiles = try ImportFixtures.files(in: ImportFixtures.inventoryDirectory) + ImportFixtures.files(in: ImportFixtures.listingsDirectory)
        let releaseFiles = try ImportFixtures.files(in: ImportFixtures.releasesDirectory)
        _ = try importer.importInventory(files: inventoryFiles)
        _ = try importer.importReleases(files: releaseFiles, store: "fixture-store")
        let before = try ImportFixtures.snapshot(db)

        let again = try importer.importInventory(files: inventoryFiles)
        let releasesAgain = try importer.importReleases(files: releaseFiles, store: "fixture-store")
        XCTAssertEqual(again.change, CatalogChange())
        XCTAssertEqual(releasesAgain.change, CatalogChange())
        XCTAssertEqual(again.storesLogged + releasesAgain.storesLogged, [])
        XCTAssertEqual(try ImportFixtures.snapshot(db), before)
    }

    func testListingsDoNotOverwriteWhatAReleaseBodyStored() throws {
        let (_, db) = try TestDatabase.fresh()
        let importer = DiscogsImporter(connection: db)
        _ = try importer.importReleases(files: [ImportFixtures.releasesDirectory.appendingPathComponent("1.json")], store: "svek-shop")
        let listing = """
            {"id": 5, "seller": {"username": "other-shop"},
             "release": {"id": 1, "description": "Wrong Artist - Wrong Title (LP)", "year": 1999}}
            """
        let outcome = try importer.importInventoryPage(Data(listing.utf8), source: "inline")
        XCTAssertEqual(outcome.change, CatalogChange())
        let row = try XCTUnwrap(db.query("SELECT title, artist, store_username FROM releases WHERE discogs_id = 1").first)
        XCTAssertEqual(row["title"], "Stockholm")
        XCTAssertEqual(row["store_username"], "svek-shop")
    }

    func testBadFilesAndListingsAreReportedWithTheirPathAndTheRestIsImported() throws {
        let (_, db) = try TestDatabase.fresh()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        // A page cut off mid-way.
        let page = try Data(contentsOf: ImportFixtures.inventoryDirectory.appendingPathComponent("brotherlogic_inventory_forsale_page1.json"))
        try page.prefix(page.count / 2).write(to: directory.appendingPathComponent("a_truncated.json"))
        // A page whose second listing has no release id.
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: ImportFixtures.inventoryDirectory
            .appendingPathComponent("rappcats_docs_example.json"))) as! [String: Any]
        var listings = object["listings"] as! [[String: Any]]
        var release = listings[1]["release"] as! [String: Any]
        release.removeValue(forKey: "id")
        listings[1]["release"] = release
        object["listings"] = listings
        try JSONSerialization.data(withJSONObject: object).write(to: directory.appendingPathComponent("b_missing_id.json"))

        let summary = try DiscogsImporter(connection: db).importInventory(files: try DiscogsImporter.jsonFiles([directory.path]))
        XCTAssertEqual(summary.issues.count, 2)
        let truncated = try XCTUnwrap(summary.issues.first { $0.source.hasSuffix("a_truncated.json") })
        XCTAssertTrue(truncated.message.contains("truncated"), truncated.description)
        XCTAssertTrue(truncated.path.hasPrefix("$.listings["), truncated.description)
        let missing = try XCTUnwrap(summary.issues.first { $0.source.hasSuffix("b_missing_id.json") })
        XCTAssertEqual(missing.path, "$.listings[1].release.id")
        XCTAssertTrue(missing.description.contains("b_missing_id.json: $.listings[1].release.id"))
        // The other three listings of that page are imported.
        XCTAssertEqual(summary.itemsProcessed, 3)
        XCTAssertEqual(try db.query("SELECT count(*) FROM releases").scalar(Int.self), 3)
    }

    func testAReleaseWithAnEmptyTracklistIsRefusedAndTheOthersImported() throws {
        let (_, db) = try TestDatabase.fresh()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var body = try JSONSerialization.jsonObject(with: ImportFixtures.releaseData(79)) as! [String: Any]
        body["tracklist"] = [Any]()
        try JSONSerialization.data(withJSONObject: body).write(to: directory.appendingPathComponent("79.json"))
        try ImportFixtures.releaseData(1).write(to: directory.appendingPathComponent("1.json"))
        try Data("{\"id\": 5, \"title\": \"cut".utf8).write(to: directory.appendingPathComponent("5.json"))

        let summary = try DiscogsImporter(connection: db).importReleases(files: try DiscogsImporter.jsonFiles([directory.path]), store: "s")
        XCTAssertEqual(summary.issues.map(\.path).sorted(), ["$.title", "$.tracklist"])
        let empty = try XCTUnwrap(summary.issues.first { $0.source.hasSuffix("79.json") })
        XCTAssertTrue(empty.message.contains("empty tracklist"))
        XCTAssertEqual(try db.query("SELECT discogs_id FROM releases").column("discogs_id", as: Int64.self), [1])
    }
}
