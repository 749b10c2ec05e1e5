import Foundation
import Matching
import Postgres
import Rotation
import XCTest

/// One release body or listing the database cannot hold is reported with its file, JSON path and reason; every
/// other item of the run is stored (issue 9, item 1).
final class BadInputImportTests: XCTestCase {
    private func importReleases(_ files: [String: Data], into db: PostgresConnection) throws -> ImportSummary {
        let directory = try BadReleaseBodies.directory(files)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try DiscogsImporter(connection: db).importReleases(files: try DiscogsImporter.jsonFiles([directory.path]), store: "s")
    }

    private func storedReleases(_ db: PostgresConnection) throws -> [Int64] {
        try db.query("SELECT discogs_id FROM releases ORDER BY 1").column("discogs_id", as: Int64.self)
    }

    func testANulInATitleSkipsOnlyThatFile() throws {
        let (_, db) = try TestDatabase.fresh()
        // Before: "parameter $3 contains a NUL byte" failed the whole import and b.json was not imported.
        let summary = try importReleases([
            "a.json": try BadReleaseBodies.body(101) { $0["title"] = "Stock\u{0}holm" },
            "b.json": try ImportFixtures.releaseData(2),
            "c.json": try BadReleaseBodies.body(103) { BadReleaseBodies.setTrackTitle(&$0, 3, "Nul\u{0}Track") },
            "d.json": try BadReleaseBodies.body(104) { $0["notes"] = "a field we do not read\u{0}" },
        ], into: db)
        XCTAssertEqual(summary.filesRead, 4)
        XCTAssertEqual(summary.itemsProcessed, 1)
        XCTAssertEqual(summary.issues.map { URL(fileURLWithPath: $0.source).lastPathComponent + " " + $0.path },
                       ["a.json $.title", "c.json $.tracklist[3].title", "d.json $.notes"])
        XCTAssertTrue(summary.issues.allSatisfy { $0.message.contains("NUL") }, "\(summary.issues)")
        XCTAssertEqual(try storedReleases(db), [2])
        // Nothing of a refused body is written anywhere.
        XCTAssertEqual(try db.query("SELECT discogs_id FROM discogs_release_bodies").column("discogs_id", as: Int64.self), [2])
        XCTAssertEqual(try db.query("SELECT discogs_id FROM processing_queue").column("discogs_id", as: Int64.self), [2])
        XCTAssertEqual(summary.storesLogged, ["s"])
    }

    func testYearsNoColumnCanHoldSkipOnlyTheirFiles() throws {
        let (_, db) = try TestDatabase.fresh()
        // Before: 3000000000 failed the import ("integer out of range"), 1e19 crashed the process.
        let summary = try importReleases([
            "a.json": try BadReleaseBodies.body(101, raw: ["__YEAR__": "3000000000"]) { $0["year"] = "__YEAR__" },
            "b.json": try BadReleaseBodies.body(102, raw: ["__YEAR__": "1e19"]) { $0["year"] = "__YEAR__" },
            "c.json": try BadReleaseBodies.body(103, raw: ["__YEAR__": "-1e300"]) { $0["year"] = "__YEAR__" },
            "d.json": try ImportFixtures.releaseData(2),
        ], into: db)
        XCTAssertEqual(summary.issues.map { URL(fileURLWithPath: $0.source).lastPathComponent + " " + $0.path },
                       ["a.json $.year", "b.json $.year", "c.json $.year"])
        XCTAssertTrue(summary.issues[0].message.contains("3000000000 is out of range for the releases.year column"),
                      summary.issues[0].description)
        XCTAssertTrue(summary.issues[1].message.contains("out of range for an integer"), summary.issues[1].description)
        XCTAssertEqual(try storedReleases(db), [2])
    }

    func testOversizedFieldsTracklistsAndFilesNameTheirLimit() throws {
        let (_, db) = try TestDatabase.fresh()
        let longTitle = String(repeating: "x", count: StorageRules.maxTextBytes + 1)
        let manyTracks = (0...StorageRules.maxTracklistEntries).map { ["position": "\($0)", "title": "t\($0)", "type_": "track"] }
        let directory = try BadReleaseBodies.directory([
            "a.json": try BadReleaseBodies.body(101) { BadReleaseBodies.setTrackTitle(&$0, 1, longTitle) },
            "b.json": try BadReleaseBodies.body(102) { $0["tracklist"] = manyTracks },
            "d.json": try ImportFixtures.releaseData(2),
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        // A file over the document limit is refused by its size, before it is read (this one is sparse).
        let huge = directory.appendingPathComponent("c.json")
        XCTAssertTrue(FileManager.default.createFile(atPath: huge.path, contents: nil))
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: UInt64(DiscogsDocumentLimits.maxDocumentBytes) + 1)
        try handle.close()

        // Neither is a device, whose reading would never end.
        try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("e.json").path, withDestinationPath: "/dev/zero")

        let summary = try DiscogsImporter(connection: db).importReleases(files: try DiscogsImporter.jsonFiles([directory.path]), store: "s")
        XCTAssertEqual(summary.issues.map { URL(fileURLWithPath: $0.source).lastPathComponent + " " + $0.path },
                       ["a.json $.tracklist[1].title", "b.json $.tracklist", "c.json $", "e.json $"])
        XCTAssertEqual(summary.issues[3].message, "not a regular file")
        XCTAssertTrue(summary.issues[0].message.contains("over the limit of 64 KiB for one field"), summary.issues[0].description)
        XCTAssertTrue(summary.issues[1].message.contains("over the limit of \(StorageRules.maxTracklistEntries)"), summary.issues[1].description)
        XCTAssertTrue(summary.issues[2].message.contains("over the limit of 16 MiB"), summary.issues[2].description)
        XCTAssertEqual(summary.filesRead, 3, "the oversized file is not read")
        XCTAssertEqual(try storedReleases(db), [2])
    }

    func testInvalidUTF8AndDeepNestingAreReportedWithTheirPath() throws {
        let (_, db) = try TestDatabase.fresh()
        var invalid = try BadReleaseBodies.body(101) { $0["title"] = "__TITLE__" }
        let marker = invalid.range(of: Data("__TITLE__".utf8))!
        invalid.replaceSubrange(marker, with: [0x41, 0xFF, 0x42])
        let deep = try BadReleaseBodies.body(102, raw: ["__DEEP__": String(repeating: "[", count: 500) + String(repeating: "]", count: 500)]) {
            $0["notes"] = "__DEEP__"
        }
        let summary = try importReleases(["a.json": invalid, "b.json": deep, "c.json": try ImportFixtures.releaseData(2)], into: db)
        XCTAssertEqual(summary.issues.map(\.path), ["$.title", "$.notes" + String(repeating: "[0]", count: DiscogsDocumentLimits.maxNestingDepth - 1)])
        XCTAssertTrue(summary.issues[0].message.contains("invalid UTF-8"), summary.issues[0].description)
        XCTAssertTrue(summary.issues[1].message.contains("nested deeper than 32 levels"), summary.issues[1].description)
        XCTAssertEqual(try storedReleases(db), [2])
    }

    func testAValuePostgresRefusesThatNoRuleForesawSkipsOnlyThatFile() throws {
        let (_, db) = try TestDatabase.fresh()
        // A lone surrogate escape is valid JSON text but no jsonb value: whether the decoder or Postgres refuses
        // it, only its file is skipped.
        let lone = try BadReleaseBodies.body(101, raw: ["__TITLE__": #""A\ud800B""#]) { $0["title"] = "__TITLE__" }
        let summary = try importReleases(["a.json": lone, "b.json": try ImportFixtures.releaseData(2)], into: db)
        XCTAssertEqual(summary.issues.map { URL(fileURLWithPath: $0.source).lastPathComponent }, ["a.json"], "\(summary.issues)")
        XCTAssertEqual(try storedReleases(db), [2])
        XCTAssertEqual(try db.query("SELECT discogs_id FROM discogs_release_bodies").column("discogs_id", as: Int64.self), [2])
    }

    func testBadListingsOfAPageAreSkippedAndTheOthersStored() throws {
        let (_, db) = try TestDatabase.fresh()
        let page = """
            {"pagination": {"page": 1, "pages": 1, "per_page": 50, "items": 6},
             "listings": [
              {"id": 1, "seller": {"username": "shop"}, "release": {"id": 10, "description": "A - Good (LP)", "year": 1999}},
              {"id": 2, "seller": {"username": "shop"}, "release": {"id": 11, "title": "Nul\\u0000Title", "artist": "A"}},
              {"id": 3, "seller": {"username": "shop"}, "release": {"id": 12, "description": "A - B (LP)", "year": 3000000000}},
              {"id": 4, "seller": {"username": "shop"}, "release": {"id": 13, "description": "A - B (LP)", "year": 1e19}},
              {"id": 5, "seller": {"username": "sh\\u0000op"}, "release": {"id": 14, "description": "A - B (LP)"}},
              {"id": 6, "seller": {"username": "shop"}, "release": {"id": 15, "description": "C - Also Good (LP)"}}
             ]}
            """
        let outcome = try DiscogsImporter(connection: db).importInventoryPage(Data(page.utf8), source: "page.json")
        XCTAssertEqual(outcome.issues.map(\.path), ["$.listings[1].release.title", "$.listings[2].release.year",
                                                   "$.listings[3].release.year", "$.listings[4].seller.username"])
        XCTAssertEqual(outcome.listingsProcessed, 2)
        XCTAssertEqual(try storedReleases(db), [10, 15])
        XCTAssertEqual(try db.query("SELECT discogs_id FROM processing_queue ORDER BY 1").column("discogs_id", as: Int64.self), [10, 15])
    }

    func testAListingPostgresRefusesIsWrittenAloneAndOnlyItIsSkipped() throws {
        let (_, db) = try TestDatabase.fresh()
        // A refusal no rule foresaw (here a trigger raising a data exception for one release): the page's one
        // statement fails, so each listing is written on its own and only the refused one is reported.
        try db.query("""
            CREATE FUNCTION test_refuse_release() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.discogs_id = 11 THEN RAISE EXCEPTION 'release 11 refused' USING ERRCODE = '22023'; END IF;
              RETURN NEW;
            END $$
            """)
        try db.query("CREATE TRIGGER test_refuse BEFORE INSERT ON releases FOR EACH ROW EXECUTE FUNCTION test_refuse_release()")
        let page = """
            {"listings": [
              {"id": 1, "release": {"id": 10, "description": "A - One (LP)"}},
              {"id": 2, "release": {"id": 11, "description": "A - Two (LP)"}},
              {"id": 3, "release": {"id": 12, "description": "A - Three (LP)"}}
            ]}
            """
        let outcome = try DiscogsImporter(connection: db).importInventoryPage(Data(page.utf8), source: "page.json", store: "shop")
        XCTAssertEqual(outcome.issues.map(\.path), ["$.listings[1]"])
        XCTAssertTrue(outcome.issues[0].message.contains("release 11 refused"), outcome.issues[0].description)
        XCTAssertEqual(outcome.listingsProcessed, 2)
        XCTAssertEqual(outcome.change.newReleases, 2)
        XCTAssertEqual(try storedReleases(db), [10, 12])
    }
}

extension BadInputImportTests {
    /// Hostile values through the whole body check (decoder, JSONSerialization, StorageRules): each body is
    /// accepted or an `ImportIssue` with a path, and the process never traps.
    func testHostileBodiesAreAcceptedOrIssuesNeverTraps() {
        let values = ["1e400", "-1e400", "9223372036854775808", "3000000000", "-2147483649", "\"\\u0000\"", "\"\\ud800\"",
                      "\"\\udc00x\"", "{\"\\u0000\": 1}", "[[[[[[[[[[1]]]]]]]]]]", "0.5", "null"]
        var refused = 0
        for value in values {
            let body = """
                {"id": 7, "title": \(value), "year": \(value), "notes": \(value), "labels": [{"name": \(value)}],
                 "tracklist": [{"title": "A"}, {"title": \(value), "duration": \(value)}], "images": [{"width": \(value)}]}
                """
            do {
                _ = try ReleaseBody(data: Data(body.utf8), source: "hostile")
            } catch {
                XCTAssertTrue(error.path.hasPrefix("$"), "\(value): \(error)")
                refused += 1
            }
        }
        // The NUL in a value and in a key, and the years no integer column holds, are refused at least.
        XCTAssertGreaterThanOrEqual(refused, 6)
    }
}
