import Foundation
import Postgres
import Redis
import Rotation
import TmuxDriver
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Presence in the real binary (issue 14): the console in tmux holds the lease of the release it opens, shows a
/// release `rotation presence hold` holds in another process as "being reviewed by ana", its next pending release
/// skips it, and quitting deletes the console's own lease and nobody else's.
final class PresenceEndToEndTests: XCTestCase {
    static let store = "presence-vinyl"
    let opened = Int64.random(in: 700_000_000...799_999_999)
    let heldByAna = Int64.random(in: 800_000_000...899_999_999)

    var databaseURL: String!
    var redisURL: String!
    var session: TmuxSession!
    var holder: Process?

    override func setUpWithError() throws {
        databaseURL = try LiveServers.freshDatabase()
        redisURL = try LiveServers.shared().redisURL!
        let db = try PostgresConnection(url: databaseURL)
        defer { db.close() }
        let tracklist = #"[{"position": "A1", "title": "Morning Tide", "duration": "4:05", "type_": "track"}, {"position": "A2", "title": "Harbour Lights", "duration": "5:12", "type_": "track"}]"#
        for (release, title) in [(opened, "Coastal Recordings"), (heldByAna, "Inland Recordings")] {
            try db.query("""
                INSERT INTO releases (discogs_id, store_username, title, artist, catno, tracklist)
                VALUES ($1, $2, $3, 'The Harbourmasters', 'HBR-001', $4)
                """, release, Self.store, title, PostgresJSON(tracklist))
        }
        // The opened release has more pending tracks, so the console lists it first and opens it.
        try db.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved)
            VALUES ($1, 0, 'youtube', 'https://www.youtube.com/watch?v=morningtide1', 0.66, false),
                   ($1, 1, 'youtube', 'https://www.youtube.com/watch?v=harbour00001', 0.71, false),
                   ($2, 0, 'youtube', 'https://www.youtube.com/watch?v=inland000001', 0.61, false)
            """, opened, heldByAna)
    }

    override func tearDown() {
        session = nil
        if let holder, holder.isRunning {
            kill(holder.processIdentifier, SIGKILL)
            holder.waitUntilExit()
        }
    }

    private func holder(of release: Int64, _ presence: ReleasePresence) throws -> String? {
        try presence.leases(of: [release])[release]?.reviewer
    }

    /// Polls until `condition` holds, at most `seconds`: waiting for other processes, not timing them.
    private func waitUntil(_ what: String, seconds: TimeInterval = 30, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("gave up waiting: \(what)")
    }

    func testTheConsoleHoldsWhatItOpensShowsOthersAndLetsGoWhenItQuits() throws {
        let redis = try RedisConnection(url: redisURL)
        defer { redis.close() }
        let presence = ReleasePresence(redis: redis)
        session = try TmuxSession(
            command: [try BuiltProducts.rotation.path, "review"],
            environment: ["DATABASE_URL": databaseURL, "REDIS_URL": redisURL, "ROTATION_REVIEWER": "e2e-curator",
                          "ROTATION_PRESENCE_TTL": "30", "XDG_CONFIG_HOME": NSTemporaryDirectory()],
            columns: 140, rows: 40)
        try session.waitFor(text: "Morning Tide")
        try waitUntil("the console holds the release it opened") { try holder(of: opened, presence) == "e2e-curator" }

        let process = Process()
        process.executableURL = try BuiltProducts.rotation
        process.arguments = ["presence", "hold", String(heldByAna), "--as", "ana"]
        process.environment = ["REDIS_URL": redisURL, "ROTATION_PRESENCE_TTL": "30", "PATH": "/usr/bin:/bin"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        holder = process
        let screen = try session.waitFor(text: "being reviewed by ana")
        XCTAssertTrue(screen.split(separator: "\n").contains { $0.contains("Inland Recordings") && $0.contains("being reviewed by ana") },
                      screen)
        XCTAssertFalse(screen.split(separator: "\n").contains { $0.contains("Coastal Recordings") && $0.contains("being reviewed") },
                       "the console's own lease is not shown as someone else's: \(screen)")

        try session.send("N")
        try session.waitFor(text: "skipped 1 release(s) being reviewed by others")

        try session.send("q")
        try waitUntil("quitting deletes the console's lease") { try holder(of: opened, presence) == nil }
        XCTAssertEqual(try holder(of: heldByAna, presence), "ana", "and leaves ana's alone")
    }
}
