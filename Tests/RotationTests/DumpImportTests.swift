import Foundation
import Matching
import Postgres
import Rotation
import XCTest

/// `DumpImporter` on real Postgres: both dump layouts become the API's body, the default keeps only listed or queued
/// releases, an interrupted import resumes, unreadable files stop with a clear error keeping what was committed,
/// one bad release never stops the rest, and a release whose body came from the dump is matched without the API.
final class DumpImportTests: XCTestCase {
    // MARK: Layouts

    func testBothLayoutsBecomeTheBodyTheAPIGives() throws {
        let (_, db) = try TestDatabase.fresh()
        var importer = DumpImporter(connection: db)
        importer.keepAll = true
        for name in ["discogs_20200806_releases_excerpt.xml", "current_layout_releases.xml"] {
            let report = try importer.run(path: DumpFiles.fixture(name).path)
            XCTAssertTrue(report.completed, name)
            XCTAssertEqual(report.releasesFailed, 0, "\(report.failures)")
        }

        // The 2020 layout has no type_: headings and tracks are inferred exactly as the shared converted bodies.
        for id: Int64 in [25, 49] {
            let stored = try DumpFiles.storedBody(db, id)
            let expected = try XCTUnwrap(JSONSerialization.jsonObject(
                with: Data(contentsOf: DumpFiles.fixture("converted/\(id).json"))) as? [String: Any])
            XCTAssertEqual(stored["tracklist"] as? NSArray, expected["tracklist"] as? NSArray, "release \(id)")
            XCTAssertEqual(stored["videos"] as? NSArray, expected["videos"] as? NSArray, "release \(id)")
            for key in ["title", "year", "released", "artists", "labels", "formats", "genres", "styles", "master_id"] {
                XCTAssertEqual(stored[key] as? NSObject, expected[key] as? NSObject, "release \(id): \(key)")
            }
        }
        let twentyFive = try DumpFiles.storedRelease(db, 25)
        XCTAssertEqual(twentyFive.tracklist.map(\.type), [.heading, .track, .track, .heading, .track, .track])

        // The current layout says each entry's type; an artist without a page has no id.
        let current = try DumpFiles.storedRelease(db, 990001)
        XCTAssertEqual(current.tracklist.map(\.type), [.heading, .track, .heading, .track, .index, .track])
        XCTAssertEqual(current.tracklist[4].subTracks.map(\.title), ["Part One", "Part Two"])
        XCTAssertEqual(current.tracklist[4].durationSeconds, 169)
        XCTAssertEqual(current.year, 1999)
        XCTAssertEqual(current.videos.map(\.duration), [296, 376, 341])
        XCTAssertEqual(current.extraArtists.first?.name, "Unlinked Engineer")
        XCTAssertNil(current.extraArtists.first?.id)
        XCTAssertEqual(current.formats.first?.descriptions, ["12\"", "33 ⅓ RPM"])
    }

    func testAnIndexEntryKeepsItsSubTracks() throws {
        let (_, db) = try TestDatabase.fresh()
        // This excerpt is a lone <release>, pretty-printed: wrapped in the dump's root.
        let text = try String(contentsOf: DumpFiles.fixture("xml2db_dotnet_release_3.xml"), encoding: .utf8)
        let file = try DumpFiles.write("<releases>\n\(text)\n</releases>\n")
        var importer = DumpImporter(connection: db)
        importer.keepAll = true
        XCTAssertTrue(try importer.run(path: file.path).completed)
        let release = try DumpFiles.storedRelease(db, 3)
        XCTAssertEqual(release.tracklist.first?.type, .index)
        XCTAssertEqual(release.tracklist.first?.subTracks.count, 3)
        XCTAssertEqual(release.artistDisplayName, "Josh Wink")
        // `&#13;` in the notes arrives as a carriage return, as the API gives it.
        XCTAssertTrue(try XCTUnwrap(DumpFiles.storedBody(db, 3)["notes"] as? String).contains("\r\n4: Credited as J. Dahlbäck."))
    }

    // MARK: What is kept

    func testByDefaultOnlyListedOrQueuedReleasesAreKeptAndAllKeepsTheWholeFile() throws {
        let (_, db) = try TestDatabase.fresh()
        try db.query("INSERT INTO releases (discogs_id, store_username, title, artist) VALUES (1, 'svek-shop', 'Stockholm', 'The Persuader')")
        try WorkerFixtures.enqueue(db, store: "other-shop", 5)
        let file = try DumpFiles.gzip(DumpFiles.fixture("data-discogs_releases.xml"))

        let listed = try DumpImporter(connection: db).run(path: file.path)
        XCTAssertTrue(listed.completed)
        XCTAssertEqual(listed.wantedReleases, 2)
        XCTAssertEqual(listed.releasesSeen, 8)
        XCTAssertEqual(listed.releasesKept, 2)
        XCTAssertEqual(try DumpFiles.storedIDs(db), [1, 5])

        var everything = DumpImporter(connection: db)
        everything.keepAll = true
        let all = try everything.run(path: file.path)
        XCTAssertTrue(all.completed)
        XCTAssertNil(all.wantedReleases)
        XCTAssertEqual(all.releasesSeen, 8)
        XCTAssertEqual(all.releasesKept, 6)
        XCTAssertEqual(all.releasesAlreadyStored, 2, "a stored body is never replaced")
        XCTAssertEqual(try DumpFiles.storedIDs(db), Array(1...8))
        // Only the catalogue is written: no release row or queue row appears for the unlisted ones.
        XCTAssertEqual(try db.query("SELECT count(*) FROM releases").scalar(Int.self), 1)
        XCTAssertEqual(try db.query("SELECT count(*) FROM processing_queue").scalar(Int.self), 1)
    }

    func testAStoredBodyFromTheAPIIsNotReplaced() throws {
        let (_, db) = try TestDatabase.fresh()
        _ = try DiscogsImporter(connection: db).importReleases(
            files: [ImportFixtures.releasesDirectory.appendingPathComponent("1.json")], store: "svek-shop")
        let before = try db.query("SELECT body::text AS b FROM discogs_release_bodies WHERE discogs_id = 1").scalar(String.self)
        var importer = DumpImporter(connection: db)
        importer.keepAll = true
        _ = try importer.run(path: DumpFiles.fixture("data-discogs_releases.xml").path)
        XCTAssertEqual(try db.query("SELECT body::text AS b FROM discogs_release_bodies WHERE discogs_id = 1").scalar(String.self), before)
    }

    // MARK: Resuming

    func testAStoppedImportResumesAfterItsLastCommittedBatch() throws {
        let (_, db) = try TestDatabase.fresh()
        let file = try DumpFiles.synthetic(count: 400, firstID: 100_000)
        var importer = DumpImporter(connection: db)
        importer.keepAll = true
        importer.batchSize = 100
        let stop = StopSignal()
        let first = try importer.run(path: file.path, stop: stop, progress: { progress in
            if progress.releasesSeen >= 150 { stop.requestStop() }
        })
        XCTAssertTrue(first.stopped)
        XCTAssertFalse(first.completed)
        XCTAssertGreaterThanOrEqual(first.releasesSeen, 150)
        XCTAssertLessThan(first.releasesSeen, 400, "the file must be several chunks long for this test")
        XCTAssertEqual(Int64(try DumpFiles.storedIDs(db).count), first.releasesKept)
        XCTAssertEqual(first.releasesKept, first.releasesSeen)

        var notices: [String] = []
        let second = try importer.run(path: file.path, notice: { notices.append($0) })
        XCTAssertTrue(second.completed)
        XCTAssertEqual(second.resumedAfterReleases, first.releasesSeen)
        XCTAssertTrue(notices.contains { $0.hasPrefix("resuming the import of") && $0.contains("after \(first.releasesSeen) releases") }, "\(notices)")
        XCTAssertEqual(second.releasesSeen, 400, "no release counted twice")
        XCTAssertEqual(second.releasesKept, 400)
        XCTAssertEqual(second.releasesAlreadyStored, 0, "the resumed run started after the stored releases")
        XCTAssertEqual(try DumpFiles.storedIDs(db), Array(100_000...100_399))

        // The same file once more starts over (stores listed since may want bodies), storing nothing new.
        let again = try importer.run(path: file.path)
        XCTAssertNil(again.resumedAfterReleases)
        XCTAssertEqual(again.releasesAlreadyStored, 400)
    }

    func testAResumedGzipImportSkipsToTheSameRelease() throws {
        let (_, db) = try TestDatabase.fresh()
        let file = try DumpFiles.gzip(DumpFiles.synthetic(count: 400, firstID: 200_000))
        var importer = DumpImporter(connection: db)
        importer.keepAll = true
        importer.batchSize = 50
        let stop = StopSignal()
        let first = try importer.run(path: file.path, stop: stop, progress: { if $0.releasesSeen >= 150 { stop.requestStop() } })
        XCTAssertTrue(first.stopped)
        XCTAssertLessThan(first.releasesSeen, 400)
        let second = try importer.run(path: file.path)
        XCTAssertTrue(second.completed)
        XCTAssertEqual(second.releasesSeen, 400)
        XCTAssertEqual(second.releasesKept, 400)
        XCTAssertEqual(second.releasesAlreadyStored, 0)
        XCTAssertEqual(try DumpFiles.storedIDs(db), Array(200_000...200_399))
    }

    // MARK: Unreadable files and bad releases

    func testATruncatedGzipStopsWithAClearErrorAndKeepsWhatWasCommitted() throws {
        let (_, db) = try TestDatabase.fresh()
        let whole = try Data(contentsOf: DumpFiles.gzip(DumpFiles.synthetic(count: 400, firstID: 300_000)))
        let file = try DumpFiles.write(whole.prefix(whole.count / 2), suffix: ".xml.gz")
        var importer = DumpImporter(connection: db)
        importer.keepAll = true
        importer.batchSize = 100
        XCTAssertThrowsError(try importer.run(path: file.path)) { error in
            let failure = error as? DumpImportError
            XCTAssertTrue(failure?.reason.contains("the gzip data ends early (a truncated file?)") ?? false, "\(error)")
            XCTAssertGreaterThan(failure?.report.releasesKept ?? 0, 0)
            XCTAssertEqual(Int64((try? DumpFiles.storedIDs(db).count) ?? -1), failure?.report.releasesKept)
        }
        // Every stored body is whole.
        let stored = try DumpFiles.storedIDs(db)
        for id in stored.prefix(3) + stored.suffix(3) {
            XCTAssertFalse(try DumpFiles.storedRelease(db, id).tracklist.isEmpty, "release \(id)")
        }
    }

    func testMalformedXMLStopsWithItsLineAndKeepsTheReleasesBeforeIt() throws {
        let (_, db) = try TestDatabase.fresh()
        let samples = try DumpFiles.samples()
        let head = "<releases>\n" + samples[0] + "\n" + samples[1] + "\n"
        let text = head + "<release id=\"77\"><title>Broken</titel></release>\n" + samples[2] + "\n</releases>\n"
        let brokenLine = head.filter { $0 == "\n" }.count + 1
        let file = try DumpFiles.write(text)
        var importer = DumpImporter(connection: db)
        importer.keepAll = true
        XCTAssertThrowsError(try importer.run(path: file.path)) { error in
            let reason = (error as? DumpImportError)?.reason ?? "\(error)"
            XCTAssertTrue(reason.contains("the XML is malformed at line \(brokenLine)"), reason)
            XCTAssertTrue(reason.contains("titel"), reason)
        }
        XCTAssertEqual(try DumpFiles.storedIDs(db), [1, 2])

        let masters = try DumpFiles.write("<masters><master id=\"1\"><title>T</title></master></masters>")
        XCTAssertThrowsError(try importer.run(path: masters.path)) { error in
            XCTAssertTrue("\(error)".contains("the root element is <masters>, not <releases>: not a Discogs releases dump"), "\(error)")
        }
    }

    func testABadReleaseIsReportedWithItsIDAndTheRestIsStored() throws {
        let (_, db) = try TestDatabase.fresh()
        let samples = try DumpFiles.samples()
        let nul = samples[0].replacingOccurrences(of: "<release id=\"1\"", with: "<release id=\"501\"")
            .replacingOccurrences(of: "<title>Stockholm</title>", with: "<title>Stock\u{0}holm</title>")
        let empty = "<release id=\"502\" status=\"Accepted\"><title>No Tracks</title><tracklist></tracklist></release>"
        let noID = "<release status=\"Accepted\"><title>No Id</title></release>"
        let file = try DumpFiles.write("<releases>\n\(nul)\n\(empty)\n\(noID)\n\(samples[1])\n</releases>\n")
        var importer = DumpImporter(connection: db)
        importer.keepAll = true
        let report = try importer.run(path: file.path)
        XCTAssertTrue(report.completed)
        XCTAssertEqual(report.releasesSeen, 4)
        XCTAssertEqual(report.releasesKept, 1)
        XCTAssertEqual(report.releasesFailed, 3)
        XCTAssertEqual(report.failures, [
            DumpImportFailure(releaseID: 501, reason: "$.title: the text contains a NUL character (\\u0000), which Postgres cannot store"),
            DumpImportFailure(releaseID: 502, reason: "$.tracklist: the release has an empty tracklist: nothing to match"),
            DumpImportFailure(releaseID: nil, reason: "the <release> has no numeric id attribute"),
        ])
        XCTAssertEqual(try DumpFiles.storedIDs(db), [2])
    }

    func testAHostileTitleIsStoredExactlyAsTheDumpHasIt() throws {
        let (_, db) = try TestDatabase.fresh()
        let hostile = "Stock\u{1B}[2J\u{1B}]0;owned\u{07}holm \u{9B}31m\u{202E}evil"
        let release = try DumpFiles.samples()[0].replacingOccurrences(of: "<title>Stockholm</title>", with: "<title>\(hostile)</title>")
        let file = try DumpFiles.gzip(DumpFiles.write("<releases>\n\(release)\n</releases>\n"))
        var importer = DumpImporter(connection: db)
        importer.keepAll = true
        let report = try importer.run(path: file.path)
        XCTAssertEqual(report.releasesKept, 1, "\(report.failures)")
        XCTAssertEqual(try DumpFiles.storedRelease(db, 1).title, hostile)
    }

    // MARK: The catalogue before the API

    func testAReleaseWhoseBodyCameFromTheDumpIsMatchedWithoutAnyAPICall() throws {
        let (url, db) = try TestDatabase.fresh()
        // Listed by a store (as an inventory import leaves it: no tracklist) and queued, as the web app does.
        try db.query("INSERT INTO releases (discogs_id, store_username, title, artist) VALUES (1, 'svek-shop', 'Stockholm', 'The Persuader')")
        try WorkerFixtures.enqueue(db, store: "svek-shop", 1)
        _ = try DumpImporter(connection: db).run(path: DumpFiles.gzip(DumpFiles.fixture("data-discogs_releases.xml")).path)

        // `rotation sync` fetches only the bodies the catalogue lacks: none.
        XCTAssertEqual(try ReleaseCatalog(connection: db).releasesWithoutBody(store: "svek-shop"), [])

        let api = StubReleaseSource()  // serves nothing: any request would fail the job
        let worker = try WorkerFixtures.worker(url, source: api)
        let report = try worker.drain()
        XCTAssertEqual(report.completed, 1, "\(report.failures)")
        XCTAssertEqual(api.requests, [])
        let approved = try db.query("SELECT count(*) FROM track_matches WHERE release_id = 1 AND approved").scalar(Int.self)
        XCTAssertGreaterThan(approved, 0)
    }
}

/// Dump files for the tests: the fixtures in Tests/Fixtures/discogs/dumps, written or gzip-compressed copies in
/// the temporary directory, and the bodies a test stored.
enum DumpFiles {
    static func fixture(_ name: String) -> URL {
        TestDatabase.fixturesDirectory.appendingPathComponent("dumps").appendingPathComponent(name)
    }

    /// The eight `<release>` elements of the 2019/2020 excerpt, ids 1 to 8.
    static func samples() throws -> [String] {
        SyntheticDump.releases(in: try String(contentsOf: fixture("data-discogs_releases.xml"), encoding: .utf8))
    }

    static func temporaryURL(_ suffix: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("dump-test-\(UUID().uuidString)\(suffix)")
    }

    static func write(_ text: String, suffix: String = ".xml") throws -> URL { try write(Data(text.utf8), suffix: suffix) }

    static func write(_ data: Data, suffix: String) throws -> URL {
        let url = temporaryURL(suffix)
        try data.write(to: url)
        return url
    }

    /// `count` releases cycling through the samples, ids from `firstID` on (about 4 kB each: a 256 KiB chunk of the
    /// reader holds about 65).
    static func synthetic(count: Int, firstID: Int64) throws -> URL {
        let url = temporaryURL(".xml")
        try SyntheticDump.write(try samples(), count: count, firstID: firstID, to: url)
        return url
    }

    /// A gzip-compressed copy made by the system's gzip.
    static func gzip(_ file: URL) throws -> URL {
        let url = temporaryURL(".xml.gz")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", file.path]
        process.standardOutput = try FileHandle(forWritingTo: url)
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw GzipFailed() }
        return url
    }

    struct GzipFailed: Error {}

    static func storedIDs(_ db: PostgresConnection) throws -> [Int64] {
        try db.query("SELECT discogs_id FROM discogs_release_bodies ORDER BY 1").column("discogs_id", as: Int64.self)
    }

    static func storedBody(_ db: PostgresConnection, _ id: Int64) throws -> [String: Any] {
        let text = try db.query("SELECT body::text AS body FROM discogs_release_bodies WHERE discogs_id = $1", id).scalar(String.self)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func storedRelease(_ db: PostgresConnection, _ id: Int64) throws -> DiscogsRelease {
        let text = try db.query("SELECT body::text AS body FROM discogs_release_bodies WHERE discogs_id = $1", id).scalar(String.self)
        return try DiscogsDecoding.decode(DiscogsRelease.self, from: Data(text.utf8))
    }
}
