import Foundation
import LocalServers
import Postgres
import Redis
import Rotation
import TmuxDriver
import XCTest
@testable import Console
@testable import ConsoleLive

/// Fault drills on what the console runs (issue 9, item 8), each on private servers of its own so that freezing
/// Redis or restarting Postgres disturbs no other test: the effect handler (`ServiceEffectHandler`) and the live
/// feeds (`LiveFeeds`) in-process, exactly as `rotation review` wires them. Each drill prints one `DRILL` line with
/// its counts. Waits poll for a state with a generous deadline; nothing is timed.
final class FaultDrillConsoleTests: XCTestCase {
    private static let release: Int64 = 9100
    private var servers: LocalServers!
    private var db: PostgresConnection!
    private var redis: RedisConnection!
    private var settings: RotationSettings!
    private var feeds: LiveFeeds?
    private let inbox = ConsoleEventInbox()

    override func setUpWithError() throws {
        servers = try LocalServers.start()
        db = try PostgresConnection(url: servers.postgresURL!)
        try LiveServers.migrate(db)
        redis = try RedisConnection(url: servers.redisURL!)
        settings = RotationSettings(environment: ["DATABASE_URL": servers.postgresURL!, "REDIS_URL": servers.redisURL!])
    }

    override func tearDown() {
        feeds?.stop()
        try? servers?.resumeRedis()  // a frozen Redis cannot be stopped
        db?.close()
        redis?.close()
        servers?.stop()
    }

    // MARK: Drill 3: Redis frozen while the console approves

    /// Redis is frozen (SIGSTOP) while the console approves three tracks whose pending values are cached, then
    /// thawed. Postgres has the approvals and the keys are queued for repair; with no further action by the
    /// reviewer, the console's live feeds repair them once Redis answers: 0 stale keys.
    func testDrillRedisFrozenWhileTheConsoleApprovesIsRepairedOnceItThaws() throws {
        try seed(tracks: 3)
        try cacheStoredValues()
        let handler = ServiceEffectHandler(settings: settings, reviewer: "drill-curator")
        feeds = startFeeds(handler)

        try servers.pauseRedis()
        handler.perform(.review(RequestID(1), ReviewCommand(decision: .approve, targets: try targets())), events: inbox)
        let applied = inbox.drain().compactMap(\.applied).first
        XCTAssertEqual(applied?.summary.hasPrefix("Approved 3 tracks"), true, "\(String(describing: applied))")
        XCTAssertEqual(try scalar("SELECT count(*) FROM track_matches WHERE approved"), 3)
        XCTAssertEqual(try scalar("SELECT count(*) FROM cache_repairs"), 3, "every key the frozen Redis missed is queued")
        try servers.resumeRedis()
        let thawed = Date()

        // An UNLINK the console sent while Redis was frozen may run on the thaw; the pass that follows clears the queue.
        try waitUntil("the console repairs the stale keys") {
            try staleKeys().isEmpty && scalar("SELECT count(*) FROM cache_repairs") == 0
        }
        let seconds = Date().timeIntervalSince(thawed)  // a figure for the README, never asserted
        XCTAssertEqual(try staleKeys(), [])
        XCTAssertEqual(try scalar("SELECT count(*) FROM cache_repairs"), 0)
        print("DRILL redis-frozen (console): 3 approvals while Redis was frozen, 3 keys queued for repair, "
              + "0 stale keys and 0 queued \(String(format: "%.1f", seconds)) s after it thawed, with no further action")
    }

    /// The same with the real console: `rotation review` under tmux approves by keys while Redis is frozen, then is
    /// left alone. Once Redis is thawed the key is repaired without another key press.
    func testDrillRedisFrozenWhileTheRealConsoleApprovesIsRepairedWithoutAKeyPress() throws {
        try seed(tracks: 3)
        try cacheStoredValues()
        let session = try TmuxSession(
            command: [try BuiltProducts.rotation.path, "review"],
            environment: ["DATABASE_URL": servers.postgresURL!, "REDIS_URL": servers.redisURL!,
                          "ROTATION_REVIEWER": "drill-curator", "XDG_CONFIG_HOME": NSTemporaryDirectory()],
            columns: 140, rows: 40)
        try session.waitFor(text: "Track 0")
        try session.send("Tab")
        try session.send("Tab")

        try servers.pauseRedis()
        try session.send("a")
        try session.waitFor(text: "Approved 1 track")
        XCTAssertEqual(try scalar("SELECT count(*) FROM track_matches WHERE approved"), 1)
        XCTAssertEqual(try scalar("SELECT count(*) FROM cache_repairs"), 1)
        try servers.resumeRedis()

        try waitUntil("the open console repairs the stale key") {
            try staleKeys().isEmpty && scalar("SELECT count(*) FROM cache_repairs") == 0
        }
        XCTAssertFalse(try session.programExited())
        print("DRILL redis-frozen (rotation review under tmux): 1 approval by key while Redis was frozen, 1 key queued, "
              + "0 stale keys after the thaw without a key press")
    }

    /// Another process (here: a service whose Redis is unreachable) approved and left the cached pending values
    /// stale; a console opened afterwards repairs them without being asked, before any action of its own.
    func testDrillAConsoleOpenedAfreshRepairsKeysLeftStaleElsewhere() throws {
        try seed(tracks: 2)
        try cacheStoredValues()
        let elsewhere = MatchService(database: try PostgresConnection(url: servers.postgresURL!),
                                     redis: try RedisConnection(url: "redis://127.0.0.1:1/0"))
        for target in try targets() {
            let key = TrackKey(releaseID: target.track.releaseID, trackIndex: target.track.trackIndex)
            let outcome = try ReviewActions(service: elsewhere).approve(key, seen: .none, reviewer: "elsewhere")
            XCTAssertEqual(outcome.cache, .repairQueued)
        }
        XCTAssertEqual(try staleKeys().count, 2)

        feeds = startFeeds(nil)
        try waitUntil("the fresh console repairs the stale keys") {
            try staleKeys().isEmpty && scalar("SELECT count(*) FROM cache_repairs") == 0
        }
        XCTAssertEqual(try scalar("SELECT count(*) FROM cache_repairs"), 0)
        print("DRILL redis-frozen (fresh console): 2 keys left stale by another process, 0 after the console opened")
    }

    // MARK: Drill 2: Postgres restarted during a 20-track bulk approve

    /// The console approves 20 marked tracks; at the 11th Postgres is shut down (fast: sessions terminated) and it
    /// comes back only after the batch has ended. Every track is either approved and logged or neither, and the
    /// report names the tracks applied and those not applied (or unknown).
    func testDrillPostgresRestartDuringABulkApproveIsNeverHalfApplied() throws {
        try seed(tracks: 20)
        let handler = ServiceEffectHandler(settings: settings, reviewer: "drill-curator")
        let command = ReviewCommand(decision: .approve, targets: try targets())
        // The 11th track's row is locked by another session, so the batch waits there, mid-way, for the restart.
        let blocker = try PostgresConnection(url: servers.postgresURL!)
        try blocker.query("BEGIN")
        try blocker.query("SELECT 1 FROM track_matches WHERE release_id = $1 AND track_index = 10 FOR UPDATE", Self.release)
        let finished = DispatchSemaphore(value: 0)
        let inbox = self.inbox
        DispatchQueue.global().async {
            handler.perform(.review(RequestID(1), command), events: inbox)
            finished.signal()
        }
        try waitUntil("the bulk approve waits at the 11th track") {
            try scalar("""
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()
                """) == 1
        }
        servers.stopPostgres()
        XCTAssertEqual(finished.wait(timeout: .now() + 120), .success, "the bulk approve did not end with Postgres down")
        try servers.startPostgres()
        blocker.close()
        // The test's own session was terminated too: its first use reports that, the next one reconnects.
        _ = try? db.query("SELECT 1")

        let applied = try XCTUnwrap(inbox.drain().compactMap(\.applied).first, "no report of the bulk approve")
        let approved = Set(try db.query("SELECT track_index FROM track_matches WHERE approved").column("track_index", as: Int.self))
        let logged = Set(try db.query("SELECT track_index FROM match_reviews").column("track_index", as: Int.self))
        XCTAssertEqual(approved, logged, "a track approved without its log line, or logged without the change")
        XCTAssertEqual(approved, Set(0..<10))
        XCTAssertEqual(try scalar("SELECT count(*) FROM match_reviews"), 10)
        let appliedList = (0..<10).map { "\(Self.release)/\($0)" }.joined(separator: " ")
        XCTAssertTrue(applied.summary.hasPrefix("Approved 10 tracks (\(appliedList))"), applied.summary)
        XCTAssertTrue(applied.summary.contains("not applied"), applied.summary)
        for track in 10..<20 {
            XCTAssertTrue(applied.summary.contains("\(Self.release)/\(track)"), "track \(track) missing from: \(applied.summary)")
        }
        print("DRILL postgres-restart (console bulk approve): 20 tracks, Postgres shut down at the 11th: 10 applied and logged, "
              + "10 reported not applied or unknown, 0 half-applied; report: \(applied.summary)")
    }

    // MARK: Helpers

    private func startFeeds(_ handler: ServiceEffectHandler?) -> LiveFeeds {
        let feeds = LiveFeeds(settings: settings, inbox: inbox, counters: { [handler] in handler?.serviceCounters })
        feeds.healthInterval = 0.5
        feeds.statsInterval = 0.2
        feeds.start()
        return feeds
    }

    /// A release of `tracks` tracks, each with a pending match.
    private func seed(tracks: Int) throws {
        let tracklist = (0..<tracks).map { #"{"position": "A\#($0 + 1)", "title": "Track \#($0)", "duration": "3:00", "type_": "track"}"# }
        try db.query("""
            INSERT INTO releases (discogs_id, store_username, title, artist, tracklist)
            VALUES ($1, 'drill-store', 'Drill Release', 'Drill Artist', $2)
            """, Self.release, PostgresJSON("[" + tracklist.joined(separator: ",") + "]"))
        try db.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved)
            SELECT $1, t, 'youtube', 'https://www.youtube.com/watch?v=drill' || t, 0.6, false
            FROM generate_series(0, $2::integer - 1) AS t
            """, Self.release, tracks)
    }

    /// Caches every stored row as the web app expects it (pending values, before any decision).
    private func cacheStoredValues() throws {
        for row in try db.query("""
            SELECT release_id, track_index, rotation_cache_value(m)::text AS v FROM track_matches m WHERE release_id = $1
            """, Self.release).rows {
            try redis.set("match:\(try row.decode("release_id", as: Int64.self)):\(try row.decode("track_index", as: Int.self))",
                          try row.decode("v", as: String.self), expireSeconds: 3600)
        }
    }

    /// Every track of the release as the console marks it: the row with the `updated_at` it shows.
    private func targets() throws -> [ReviewTarget] {
        try db.query("SELECT track_index, updated_at FROM track_matches WHERE release_id = $1 ORDER BY track_index", Self.release)
            .rows.map {
                ReviewTarget(track: TrackReference(releaseID: Self.release, trackIndex: try $0.decode("track_index", as: Int.self)),
                             seen: .match(updatedAt: try $0.decode("updated_at", as: Date.self)))
            }
    }

    /// The `match:*` keys whose value disagrees with Postgres (another URL or approval, no row, or garbage).
    private func staleKeys() throws -> [String] {
        var keys: [String] = []
        try redis.scanAll(match: "match:*") { keys += $0; return true }
        var stale: [String] = []
        for key in keys.sorted() {
            let parts = key.split(separator: ":")
            guard parts.count == 3, let release = Int64(parts[1]), let track = Int(parts[2]),
                  case .value(let cached) = CachedMatchDecoder.decode(try redis.getBytes(key)) else { stale.append(key); continue }
            let row = try db.query("SELECT match_url, approved FROM track_matches WHERE release_id = $1 AND track_index = $2",
                                   release, track).first
            let agrees = try row.map {
                try $0.decode("match_url", as: String.self) == cached.matchURL && $0.decode("approved", as: Bool.self) == cached.approved
            } ?? false
            if !agrees { stale.append(key) }
        }
        return stale
    }

    private func scalar(_ sql: String, _ parameters: any PostgresEncodable...) throws -> Int {
        try db.query(sql, parameters: parameters).scalar(Int.self)
    }

    /// Polls `condition` until it holds (a wait for a state; the deadline is only a safety net).
    private func waitUntil(_ what: String, deadline seconds: TimeInterval = 60, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? condition()) == true { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("gave up waiting: \(what)")
        throw PostgresError(.server, message: "gave up waiting: \(what)")
    }
}
