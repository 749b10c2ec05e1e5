import Foundation
import LocalServers
import Postgres
import Redis
import Rotation
import XCTest
@testable import Console
@testable import ConsoleLive

/// Private servers for the Live tests: one pair per test process (started with `LocalServers.start()`, never the
/// shared pair other targets use, so flushing Redis here disturbs nobody), a migrated template database, and a
/// fresh copy of it for every test.
enum LiveServers {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var servers: LocalServers?
    nonisolated(unsafe) private static var templateReady = false
    static let templateName = "console_live_template"

    static func shared() throws -> LocalServers {
        lock.lock(); defer { lock.unlock() }
        if let servers { return servers }
        let started = try LocalServers.start()
        servers = started
        atexit { LiveServers.stopAll() }
        return started
    }

    private static func stopAll() {
        lock.lock(); let running = servers; servers = nil; lock.unlock()
        running?.stop()
    }

    /// A new database with the whole schema, on the shared private server.
    static func freshDatabase() throws -> String {
        let servers = try shared()
        let baseURL = servers.postgresURL!
        let admin = try PostgresConnection(url: baseURL)
        defer { admin.close() }
        try prepareTemplate(admin: admin, baseURL: baseURL)
        let name = "console_live_\(UInt32.random(in: 0...UInt32.max))"
        try admin.query("CREATE DATABASE \(admin.quoteIdentifier(name)) TEMPLATE \(admin.quoteIdentifier(templateName))")
        return try url(baseURL, database: name)
    }

    private static func prepareTemplate(admin: PostgresConnection, baseURL: String) throws {
        lock.lock(); defer { lock.unlock() }
        if templateReady { return }
        try admin.query("DROP DATABASE IF EXISTS \(admin.quoteIdentifier(templateName))")
        try admin.query("CREATE DATABASE \(admin.quoteIdentifier(templateName))")
        let template = try PostgresConnection(url: try url(baseURL, database: templateName))
        try migrate(template)
        template.close()
        templateReady = true
    }

    static func migrate(_ connection: PostgresConnection) throws {
        try MigrationRunner(connection: connection, directory: repositoryRoot.appendingPathComponent("migrations")).apply()
    }

    /// `url` with another database, or another user and password.
    static func url(_ url: String, database: String? = nil, user: String? = nil, password: String? = nil) throws -> String {
        guard var components = URLComponents(string: url) else { throw PostgresError(.connectionFailed, message: "not a URL") }
        if let database { components.path = "/" + database }
        if let user { components.user = user }
        if let password { components.password = password }
        return components.string!
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

/// A fresh database and an empty Redis, seeded with one store, a release with a heading, a pending, an approved
/// and an unmatched track (with candidates and evidence), and a handler over them.
class LiveTestCase: XCTestCase {
    static let store = "live-vinyl"
    static let release: Int64 = 5001
    static let reviewer = "live-curator"

    var databaseURL: String!
    var redisURL: String!
    var db: PostgresConnection!
    var redis: RedisConnection!
    var inbox: ConsoleEventInbox!
    var handler: ServiceEffectHandler!
    private var nextRequest: UInt64 = 0

    override func setUpWithError() throws {
        databaseURL = try LiveServers.freshDatabase()
        redisURL = try LiveServers.shared().redisURL!
        db = try PostgresConnection(url: databaseURL)
        redis = try RedisConnection(url: redisURL)
        try redis.command("FLUSHDB")
        try seed()
        inbox = ConsoleEventInbox()
        handler = ServiceEffectHandler(settings: settings(), reviewer: Self.reviewer)
    }

    override func tearDown() {
        handler = nil
        db?.close()
        redis?.close()
    }

    func settings(readOnly: Bool = false, databaseURL: String? = nil) -> RotationSettings {
        var environment = ["DATABASE_URL": databaseURL ?? self.databaseURL!, "REDIS_URL": redisURL!]
        if readOnly { environment["ROTATION_READ_ONLY"] = "1" }
        return RotationSettings(environment: environment)
    }

    func requestID() -> RequestID {
        nextRequest += 1
        return RequestID(nextRequest)
    }

    /// Runs one effect synchronously and returns what it posted.
    func perform(_ effect: ConsoleEffect, with handler: ServiceEffectHandler? = nil) -> [ConsoleEvent] {
        (handler ?? self.handler).perform(effect, events: inbox)
        return inbox.drain()
    }

    func seed() throws {
        let tracklist = #"""
            [{"position": "", "title": "Side A", "type_": "heading"},
             {"position": "A1", "title": "Morning Tide", "duration": "4:05", "type_": "track"},
             {"position": "A2", "title": "Harbour Lights", "duration": "5:12", "type_": "track"},
             {"position": "B1", "title": "Último Tren", "duration": "3:58", "type_": "track"}]
            """#
        try db.query("""
            INSERT INTO releases (discogs_id, store_username, title, artist, catno, year, tracklist)
            VALUES ($1, $2, 'Coastal Recordings', 'The Harbourmasters', 'HBR-001', 1979, $3)
            """, Self.release, Self.store, PostgresJSON(tracklist))
        try db.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved, verified_by)
            VALUES ($1, 1, 'youtube', 'https://www.youtube.com/watch?v=morningtide1', 0.62, false, NULL),
                   ($1, 2, 'soundcloud', 'https://soundcloud.com/harbour/lights', 0.93, true, 'ana')
            """, Self.release)
        try db.query("""
            INSERT INTO match_candidates (release_id, track_index, platform, match_url, title, confidence, evidence)
            VALUES ($1, 1, 'youtube', 'https://www.youtube.com/watch?v=morningtide1', 'Morning Tide (1979)', 0.62,
                    '{"signals": [{"name": "title", "value": 0.9, "weight": 0.5, "contribution": 0.45},
                                  {"name": "duration", "value": 0.5, "weight": 0.2}]}'),
                   ($1, 1, 'youtube', 'https://www.youtube.com/watch?v=morningtide2', 'Morning Tide live', 0.41,
                    '{"signals": [{"name": "title", "value": 0.7, "weight": 0.5, "contribution": 0.35}]}'),
                   ($1, 1, 'soundcloud', 'https://soundcloud.com/someone/morning-tide', NULL, 0.30, '{"other": true}')
            """, Self.release)
        try db.query("""
            INSERT INTO match_rejections (release_id, track_index, match_url, reviewer)
            VALUES ($1, 1, 'https://www.youtube.com/watch?v=morningtide2', 'bo')
            """, Self.release)
    }

    /// The cache value the web app expects for a stored row, as the database renders it.
    func cacheValue(track: Int, release: Int64 = LiveTestCase.release) throws -> String {
        try db.query("SELECT rotation_cache_value(m)::text AS v FROM track_matches m WHERE release_id = $1 AND track_index = $2",
                     release, track).first!["v"]!
    }

    func matchRow(track: Int, release: Int64 = LiveTestCase.release) throws -> PostgresRow? {
        try db.query("""
            SELECT platform, match_url, approved, verified_by, updated_at FROM track_matches
            WHERE release_id = $1 AND track_index = $2
            """, release, track).first
    }

    func cached(track: Int, release: Int64 = LiveTestCase.release) throws -> CachedMatch? {
        guard case .value(let value) = CachedMatchDecoder.decode(try redis.getBytes("match:\(release):\(track)")) else { return nil }
        return value
    }

    func reviewCount() throws -> Int {
        try db.query("SELECT count(*) FROM match_reviews").scalar(Int.self)
    }

    /// The rows of the seeded release, as the console shows them.
    func loadTracks(release: Int64 = LiveTestCase.release, file: StaticString = #filePath, line: UInt = #line) throws -> [TrackRow] {
        let events = perform(.loadTracks(requestID(), releaseID: release))
        guard events.count == 1, case .tracksLoaded(_, let id, let rows) = events[0], id == release else {
            XCTFail("expected tracksLoaded, got \(events)", file: file, line: line)
            return []
        }
        return rows
    }

    func track(_ index: Int, file: StaticString = #filePath, line: UInt = #line) throws -> TrackRow {
        try XCTUnwrap(try loadTracks(file: file, line: line).first { $0.index == index }, file: file, line: line)
    }
}

/// Waits (polling, up to `timeout`) until `done` says the events collected so far are enough.
func collectEvents(from inbox: ConsoleEventInbox, timeout: TimeInterval = 10, until done: ([ConsoleEvent]) -> Bool)
    -> [ConsoleEvent]
{
    var events: [ConsoleEvent] = []
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        events += inbox.drain()
        if done(events) { return events }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return events + inbox.drain()
}

extension ConsoleEvent {
    var failureMessage: String? {
        if case .requestFailed(_, let message) = self { return message }
        return nil
    }

    var applied: (rows: [TrackRow], conflicts: [ConflictInfo], summary: String)? {
        if case .reviewApplied(_, let rows, let conflicts, let summary) = self { return (rows, conflicts, summary) }
        return nil
    }
}

/// A connection to the replica at `url` (or `existing`) once it has replayed everything `primary` has now.
func replicaCaughtUp(with primary: PostgresConnection, existing: PostgresConnection?, url: String,
                     file: StaticString = #filePath, line: UInt = #line) throws -> PostgresConnection {
    let target = try ReplicaPosition.primaryLSN(primary)
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline {
        if let connection = existing ?? (try? PostgresConnection(url: url)),
           (try? ReplicaPosition.hasReplayed(target, on: connection)) == true {
            return connection
        }
        Thread.sleep(forTimeInterval: 0.05)
    }
    XCTFail("the replica did not replay \(target) within 60 s", file: file, line: line)
    throw PostgresError(.connectionFailed, message: "replica behind")
}
