import Foundation
import Postgres
import XCTest

/// `rotation import release` with release bodies Postgres cannot store: each bad file is reported with its file,
/// JSON path and reason, the good ones are imported, the exit status is 5 (issue 9, item 1).
final class BadInputCLITests: CLITestCase {
    private func directory(_ files: [String: String]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cli-bad-input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: directory.appendingPathComponent(name)) }
        return directory
    }

    /// Fixture release 1 as text, with its title and year replaced by raw JSON.
    private func release(id: Int64, title: String = "\"Stockholm\"", year: String = "1999") throws -> String {
        var text = try String(contentsOfFile: CLILocations.fixture("releases/1.json"), encoding: .utf8)
        text = text.replacingOccurrences(of: "\"title\": \"Stockholm\"", with: "\"title\": \(title)")
        text = text.replacingOccurrences(of: "\"year\": 1999", with: "\"year\": \(year)")
        let releaseID = try XCTUnwrap(text.range(of: "\"id\": 1,"))  // the release's own id comes first
        return text.replacingCharacters(in: releaseID, with: "\"id\": \(id),")
    }

    func testNulAndOutOfRangeYearsSkipTheirFilesAndTheGoodOneIsImported() throws {
        let a = try release(id: 101, title: #""Stock\u0000holm""#)
        XCTAssertTrue(a.contains(#"\u0000"#) && a.contains("\"id\": 101,"), "the fixture text changed")
        let files = try directory([
            "a.json": a,
            "b.json": try String(contentsOfFile: CLILocations.fixture("releases/2.json"), encoding: .utf8),
            "c.json": try release(id: 103, year: "3000000000"),
            "d.json": try release(id: 104, year: "1e19"),
        ])
        defer { try? FileManager.default.removeItem(at: files) }
        let paths = ["a.json", "b.json", "c.json", "d.json"].map { files.appendingPathComponent($0).path }

        let result = try rotation(["import", "release", "--store", "s"] + paths)
        XCTAssertEqual(result.status, 5, "\(result)")
        XCTAssertTrue(result.stderr.contains("a.json: $.title: the text contains a NUL character"), "\(result)")
        XCTAssertTrue(result.stderr.contains("c.json: $.year: 3000000000 is out of range for the releases.year column"), "\(result)")
        XCTAssertTrue(result.stderr.contains("d.json: $.year:"), "\(result)")
        XCTAssertTrue(result.stdout.contains("4 files, 1 releases: 1 new releases"), "\(result)")
        XCTAssertEqual(try db.query("SELECT discogs_id FROM releases").column("discogs_id", as: Int64.self), [2])

        let json = try rotation(["import", "release", "--store", "s", "--json"] + paths)
        XCTAssertEqual(json.status, 5, "\(json)")
        let issues = try XCTUnwrap(try json.object()["issues"] as? [[String: Any]])
        XCTAssertEqual(issues.compactMap { $0["path"] as? String }, ["$.title", "$.year", "$.year"])
    }

    func testTheWorkerFailsOnlyTheUnreadableReleaseAndExits5() throws {
        _ = try ok(["import", "release", "--store", "s", CLILocations.fixture("releases/2.json")])
        // A stored body with a year no integer holds: before, decoding it trapped and killed the worker.
        try db.query("INSERT INTO discogs_release_bodies (discogs_id, body) VALUES (998, $1::jsonb)",
                     PostgresJSON(#"{"id": 998, "title": "T", "year": 1e19, "tracklist": [{"title": "A"}]}"#))
        try db.query("INSERT INTO processing_queue (store_username, discogs_id, release_data) VALUES ('s', 998, '{}')")

        let result = try rotation(["worker", "--once", "--concurrency", "1", "--json"])
        XCTAssertEqual(result.status, 5, "\(result)")
        let report = try result.object()
        XCTAssertEqual(report.int("completed"), 1, "\(result)")
        XCTAssertEqual(report.int("failed"), 1, "\(result)")
        XCTAssertTrue(result.stderr.contains("998: the stored body of release 998 is unreadable: $.year:"), "\(result)")
        let failed = try XCTUnwrap(try ok(["queue", "list", "--status", "failed", "--json"]).array() as? [[String: Any]])
        XCTAssertEqual(failed.compactMap { $0.int("discogsID") }, [998])
        XCTAssertTrue(failed.first?.string("errorMessage")?.contains("out of range") == true, "\(failed)")
        XCTAssertEqual(try count("SELECT count(*) FROM processing_queue WHERE discogs_id = 2 AND status = 'completed'"), 1)
    }

    func testTheExitStatusIsDocumentedInHelp() throws {
        for command in [["import", "release"], ["import", "inventory"], ["sync"], ["worker"]] {
            let help = try rotation(command + ["--help"])
            XCTAssertEqual(help.status, 0, "\(help)")
            XCTAssertTrue(help.stdout.replacingOccurrences(of: "\n", with: " ").contains("Exits 5 when some"), "\(command): \(help)")
        }
    }
}
