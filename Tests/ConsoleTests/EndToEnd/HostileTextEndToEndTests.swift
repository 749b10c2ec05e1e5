import Foundation
import LocalServers
import Postgres
import Rotation
import Terminal
import TmuxDriver
import XCTest

/// The real `rotation` binary in tmux under a UTF-8 locale, with titles a terminal must not obey and characters
/// newer than the C library's tables: nothing escapes, and every row keeps its borders in place.
final class HostileTextEndToEndTests: XCTestCase {
    static let release: Int64 = 515_151
    static let title = "Shaking \u{1FAE8} heart \u{2764}\u{FE0F} fill\u{3164}er \u{1B}[2J\u{1B}]0;pwned\u{07}\u{9B}31m\u{202E}end"

    var servers: LocalServers!
    var db: PostgresConnection!
    var session: TmuxSession!

    override func setUpWithError() throws {
        servers = try LocalServers.start()
        db = try PostgresConnection(url: servers.postgresURL!)
        try MigrationRunner(connection: db, directory: ConsoleEndToEndTests.repositoryRoot.appendingPathComponent("migrations")).apply()
        let tracklist = #"[{"position": "A1", "title": "Plain track", "duration": "4:05", "type_": "track"}]"#
        try db.query("""
            INSERT INTO releases (discogs_id, store_username, title, artist, catno, tracklist)
            VALUES ($1, 'hostile-store', $2, 'Artist', 'CAT-1', $3)
            """, Self.release, Self.title, PostgresJSON(tracklist))
        try db.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved)
            VALUES ($1, 0, 'youtube', 'https://www.youtube.com/watch?v=hostile0001', 0.66, false)
            """, Self.release)
        session = try TmuxSession(
            command: [try BuiltProducts.rotation.path, "review"],
            environment: ["DATABASE_URL": servers.postgresURL!, "REDIS_URL": servers.redisURL!, "LANG": "C.UTF-8",
                          "LC_ALL": "C.UTF-8", "ROTATION_REVIEWER": "e2e", "XDG_CONFIG_HOME": NSTemporaryDirectory()],
            columns: 140, rows: 40)
    }

    override func tearDown() {
        session = nil
        db?.close()
        servers?.stop()
    }

    func testHostileTitleOnScreenNeitherEscapesNorShiftsTheBorders() throws {
        let screen = try session.waitFor(text: "Plain track")
        XCTAssertTrue(screen.contains("Shaking"), screen)
        XCTAssertFalse(screen.contains("pwned"), "the OSC was removed whole: \(screen)")
        XCTAssertTrue(screen.contains("\u{2423}"), "the filler shows as a mark: \(screen)")
        // A character newer than the C library's tables (U+1FAE8, Unicode 15, on glibc 2.36) is drawn as the
        // placeholder in its two columns, so no terminal can shift the row whatever width it gives it.
        XCTAssertTrue(screen.contains("Shaking \u{FFFD}  heart"), screen)
        let rows = screen.split(separator: "\n").filter { $0.contains("Shaking") }
        XCTAssertEqual(rows.count, 2, screen)
        for row in rows {
            XCTAssertEqual(DisplayWidth.of(String(row)), 140, "the row keeps its width: \(row)")
            XCTAssertTrue(row.hasSuffix("│") || row.hasSuffix("┐"), "the right border stays in the last column: \(row)")
        }
    }
}
