import Foundation
import LocalServers
import Postgres
import Redis
import Rotation
import TmuxDriver
import XCTest

/// The real `rotation` binary in tmux on private servers, driven by keys as a person would.
final class ConsoleEndToEndTests: XCTestCase {
    static let store = "e2e-vinyl"
    static let release: Int64 = 424_242

    var servers: LocalServers!
    var db: PostgresConnection!
    var session: TmuxSession!

    override func setUpWithError() throws {
        servers = try LocalServers.start()
        db = try PostgresConnection(url: servers.postgresURL!)
        try MigrationRunner(connection: db, directory: Self.repositoryRoot.appendingPathComponent("migrations")).apply()
        let tracklist = #"""
            [{"position": "A1", "title": "Morning Tide", "duration": "4:05", "type_": "track"},
             {"position": "A2", "title": "Harbour Lights", "duration": "5:12", "type_": "track"},
             {"position": "B1", "title": "Último Tren", "duration": "3:58", "type_": "track"}]
            """#
        try db.query("""
            INSERT INTO releases (discogs_id, store_username, title, artist, catno, tracklist)
            VALUES ($1, $2, 'Coastal Recordings', 'The Harbourmasters', 'HBR-001', $3)
            """, Self.release, Self.store, PostgresJSON(tracklist))
        try db.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved)
            VALUES ($1, 0, 'youtube', 'https://www.youtube.com/watch?v=morningtide1', 0.66, false),
                   ($1, 1, 'youtube', 'https://www.youtube.com/watch?v=harbour00001', 0.71, false)
            """, Self.release)
        session = try TmuxSession(
            command: [try BuiltProducts.rotation.path, "review"],
            environment: ["DATABASE_URL": servers.postgresURL!, "REDIS_URL": servers.redisURL!,
                          "ROTATION_REVIEWER": "e2e-curator", "XDG_CONFIG_HOME": NSTemporaryDirectory()],
            columns: 140, rows: 40)
        try session.waitFor(text: "Morning Tide")
    }

    override func tearDown() {
        session = nil
        db?.close()
        servers?.stop()
    }

    func testApprovingByKeysWritesPostgresAndRedis() throws {
        try session.send("Tab")
        try session.send("Tab")
        try session.send("a")
        try session.waitFor(text: "Approved 1 track")

        let row = try db.query("SELECT approved, verified_by FROM track_matches WHERE release_id = $1 AND track_index = 0",
                               Self.release).first!
        XCTAssertEqual(try row.decode("approved", as: Bool.self), true)
        XCTAssertEqual(try row.decode("verified_by", as: String.self), "e2e-curator")
        let logged = try db.query("SELECT action, reviewer FROM match_reviews WHERE release_id = $1", Self.release).first
        XCTAssertEqual(logged?["action"], "approve")
        XCTAssertEqual(logged?["reviewer"], "e2e-curator")

        let redis = try RedisConnection(url: servers.redisURL!)
        guard case .value(let cached) = CachedMatchDecoder.decode(try redis.getBytes("match:\(Self.release):0")) else {
            return XCTFail("the approved match is not in the cache")
        }
        XCTAssertTrue(cached.approved)
        XCTAssertEqual(cached.verifiedBy, "e2e-curator")
        XCTAssertEqual(cached.matchURL, "https://www.youtube.com/watch?v=morningtide1")
    }

    func testAnotherProcessesChangeAppearsOnScreen() throws {
        try session.waitFor("two pending tracks") { $0.components(separatedBy: "pending").count - 1 >= 2 }
        // The web app (plain SQL, another connection) approves one and adds a match for the third track.
        let other = try PostgresConnection(url: servers.postgresURL!)
        try other.query("UPDATE track_matches SET approved = true, verified_by = 'web-app', updated_at = now() WHERE release_id = $1 AND track_index = 1",
                        Self.release)
        try other.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence)
            VALUES ($1, 2, 'soundcloud', 'https://soundcloud.com/harbourmasters/ultimo-tren', 0.58)
            """, Self.release)
        try session.waitFor("the web app's changes") { screen in
            screen.contains("1 new") && screen.contains("1 resolved")
        }
        let screen = try session.screen()
        let harbourLine = screen.split(separator: "\n").first { $0.contains("Harbour Lights") } ?? ""
        XCTAssertTrue(harbourLine.contains("approved"), "Harbour Lights should show approved: \(harbourLine)")
    }

    func testRedisOutageShowsTheBannerAndRecovery() throws {
        servers.stopRedis()
        try session.waitFor(text: "Redis down")
        try servers.startRedis()
        try session.waitFor("the banner to go") { !$0.contains("Redis down") }
    }

    func testResizingRedrawsAndExplainsATooSmallWindow() throws {
        try session.resize(columns: 100, rows: 30)
        try session.waitFor("a 100-column frame") { screen in
            screen.contains("Morning Tide") && screen.split(separator: "\n").allSatisfy { $0.count <= 100 }
        }
        try session.resize(columns: 50, rows: 12)
        try session.waitFor(text: "Window too small")
        try session.resize(columns: 120, rows: 36)
        try session.waitFor(text: "Morning Tide")
        XCTAssertFalse(try session.screen().contains("Window too small"))
    }

    func testQuittingRestoresTheTerminal() throws {
        try session.send("q")
        try session.waitFor("the program to exit", timeout: 15) { _ in (try? self.session.programExited()) == true }
        XCTAssertFalse(try session.screen().contains("Morning Tide"), "the console's screen should be gone after exit")
    }

    static var repositoryRoot: URL {
        var dir = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        while dir.path != "/" {
            dir.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("migrations").path) { return dir }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }
}
