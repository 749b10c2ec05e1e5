import Foundation
import Postgres
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// `rotation import dump` as an operator runs it: a summary and each failed release on stderr (exit 5), a killed
/// import resumed by the same command (which says so), and hostile text from the dump never printed raw.
final class DumpCLITests: CLITestCase {
    private func temporaryFile(_ name: String, _ data: Data) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cli-dump-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent(name)
        try data.write(to: url)
        return url
    }

    /// The eight `<release>` elements of the fixture excerpt (ids 1 to 8).
    private func samples() throws -> [String] {
        Self.releases(in: try String(contentsOfFile: CLILocations.fixture("dumps/data-discogs_releases.xml"), encoding: .utf8))
    }

    private static func releases(in text: String) -> [String] {
        var found: [String] = []
        var rest = text[...]
        while let start = rest.range(of: "<release "), let end = rest[start.lowerBound...].range(of: "</release>") {
            found.append(String(rest[start.lowerBound..<end.upperBound]))
            rest = rest[end.upperBound...]
        }
        return found
    }

    private func gzip(_ url: URL) throws -> URL {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-f", "-k", url.path]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        return URL(fileURLWithPath: url.path + ".gz")
    }

    func testImportPrintsASummaryAndEachFailedReleaseAndExits5() throws {
        try db.query("INSERT INTO releases (discogs_id, store_username, title, artist) VALUES (2, 's', 'Knockin', 'Barth')")
        let broken = "<release id=\"502\" status=\"Accepted\"><title>No Tracks</title><tracklist/></release>"
        let file = try gzip(temporaryFile("discogs_20200101_releases.xml",
                                          Data(("<releases>\n" + (try samples()).joined(separator: "\n") + "\n\(broken)\n</releases>\n").utf8)))

        let listed = try rotation(["import", "dump", file.path])
        XCTAssertEqual(listed.status, 0, "\(listed)")
        XCTAssertTrue(listed.stdout.contains("discogs_20200101_releases.xml.gz: 9 releases read; 1 wanted (listed or queued, no body yet): "
                                             + "1 bodies stored, 0 already stored, 0 failed (done)"), "\(listed)")

        let all = try rotation(["import", "dump", "--all", file.path])
        XCTAssertEqual(all.status, 5, "\(all)")
        XCTAssertTrue(all.stdout.contains("9 releases read (--all): 7 bodies stored, 1 already stored, 1 failed (done)"), "\(all)")
        XCTAssertTrue(all.stderr.contains("rotation: skipped release 502: $.tracklist: the release has an empty tracklist"), "\(all)")
        XCTAssertEqual(try db.query("SELECT count(*) FROM discogs_release_bodies").scalar(Int.self), 8)

        let json = try rotation(["import", "dump", "--all", "--restart", "--json", file.path])
        XCTAssertEqual(json.status, 5, "\(json)")
        let report = try json.object()
        XCTAssertEqual(report["releases_already_stored"] as? Int, 8, "\(json)")
        XCTAssertEqual((report["failures"] as? [[String: Any]])?.first?["release_id"] as? Int, 502, "\(json)")
    }

    func testAnUnreadableFileExits1AndSaysWhere() throws {
        let text = "<releases>\n" + (try samples())[0] + "\n<release id=\"9\"><title>x</titel></release>\n</releases>\n"
        let file = try temporaryFile("broken.xml", Data(text.utf8))
        let result = try rotation(["import", "dump", "--all", file.path])
        XCTAssertEqual(result.status, 1, "\(result)")
        XCTAssertTrue(result.stderr.contains("rotation: the XML is malformed at line"), "\(result)")
        XCTAssertTrue(result.stdout.contains("broken.xml: 1 releases read (--all): 1 bodies stored"), "\(result)")
        XCTAssertEqual(try db.query("SELECT discogs_id FROM discogs_release_bodies").column("discogs_id", as: Int64.self), [1])
    }

    func testAKilledImportResumesWhereItsLastBatchEndedAndSaysSo() throws {
        let samples = try samples()
        var text = "<releases>\n"
        let count = 600
        for index in 0..<count {
            let release = samples[index % samples.count]
            let afterID = release[release.range(of: "\" status=")!.lowerBound...]
            text += "<release id=\"\(700_000 + index)\(afterID)\n"
        }
        text += "</releases>\n"
        let file = try gzip(temporaryFile("big_releases.xml", Data(text.utf8)))

        let process = Process()
        process.executableURL = try binary()
        process.arguments = ["import", "dump", "--all", "--batch", "100", file.path]
        process.environment = environment([:])
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        addTeardownBlock { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }

        // Killed once a batch is committed and before the end (a wait for a state, the deadline only a safety net).
        let deadline = Date().addingTimeInterval(120)
        var committed = 0
        while Date() < deadline, process.isRunning {
            committed = try db.query("SELECT COALESCE(max(releases_seen), 0)::int AS n FROM discogs_dump_imports WHERE completed_at IS NULL")
                .scalar(Int.self)
            if committed > 0 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertTrue(process.isRunning, "the import ended before it could be killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let stored = try db.query("SELECT count(*) FROM discogs_release_bodies").scalar(Int.self)
        XCTAssertGreaterThan(stored, 0)
        XCTAssertLessThan(stored, count)

        let resumed = try rotation(["import", "dump", "--all", "--batch", "100", file.path])
        XCTAssertEqual(resumed.status, 0, "\(resumed)")
        XCTAssertTrue(resumed.stderr.contains("rotation: resuming the import of big_releases.xml.gz after"), "\(resumed)")
        XCTAssertTrue(resumed.stdout.contains("\(count) releases read (--all): \(count) bodies stored, 0 already stored, 0 failed (done)"),
                      "\(resumed)")
        XCTAssertEqual(try db.query("SELECT count(*) FROM discogs_release_bodies").scalar(Int.self), count)
    }

    func testHostileTextFromTheDumpIsStoredAsIsAndNeverPrintedRaw() throws {
        let hostile = "Östermalm\u{1B}[2J\u{1B}]0;pwned\u{07} C1\u{9B}31m RLO\u{202E}exe"
        try db.query("INSERT INTO releases (discogs_id, store_username, title, artist) VALUES (1, 's', 'Stockholm', 'The Persuader')")
        let release = try samples()[0].replacingOccurrences(of: "<title>Östermalm</title>", with: "<title>\(hostile)</title>")
        XCTAssertTrue(release.contains(hostile), "the fixture text changed")
        let file = try gzip(temporaryFile("evil\u{1B}[31m\u{202E}_releases.xml", Data("<releases>\n\(release)\n</releases>\n".utf8)))

        let imported = try rotation(["import", "dump", file.path])
        XCTAssertEqual(imported.status, 0, "\(imported)")
        XCTAssertEqual(try db.query("SELECT body->'tracklist'->0->>'title' AS t FROM discogs_release_bodies WHERE discogs_id = 1")
            .scalar(String.self), hostile, "stored exactly as the dump has it")

        // The listing left no tracklist, so `releases show` reads the titles from the body the dump stored.
        let shown = try rotation(["releases", "show", "1"])
        XCTAssertEqual(shown.status, 0, "\(shown)")
        XCTAssertTrue(shown.stdout.contains("Östermalm"), "\(shown)")
        for result in [imported, shown] {
            for output in [result.stdout, result.stderr] {
                XCTAssertFalse(output.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B || $0.value == 0x202E },
                               "raw control text reached the terminal: \(result)")
            }
        }
    }
}
