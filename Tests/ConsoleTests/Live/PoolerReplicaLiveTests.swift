import Foundation
import Postgres
import Rotation
import XCTest
@testable import Console
@testable import ConsoleLive

/// The console on a whole deployment at once: `DATABASE_URL` through PgBouncer in transaction mode,
/// `DATABASE_READ_URL` a streaming replica, `DATABASE_LISTEN_URL` a direct connection (LocalServers+PgBouncer.swift,
/// +Replica.swift, beside the Live servers). The pending list comes from the replica (its replay paused to tell the
/// servers apart), an approval goes through the pooler to the primary and the decided row is read back from the
/// primary, and the change feed delivers another writer's change.
final class PoolerReplicaLiveTests: LiveTestCase {
    private var directURL: String!
    private var pooledURL: String!
    private var replicaURL: String!
    private var replica: PostgresConnection!
    private var deploymentSettings: RotationSettings!
    private var deploymentHandler: ServiceEffectHandler!
    private var feeds: LiveFeeds?

    override func setUpWithError() throws {
        try super.setUpWithError()
        let servers = try LiveServers.shared()
        let pooler = try servers.startPgBouncer()
        let replicaServer = try servers.startReplica()
        let database = String(try XCTUnwrap(URLComponents(string: databaseURL)).path.dropFirst())
        directURL = databaseURL
        pooledURL = try LiveServers.url(pooler, database: database)
        replicaURL = try LiveServers.url(replicaServer, database: database)
        replica = try waitForReplica()
        deploymentSettings = RotationSettings(environment: [
            "DATABASE_URL": pooledURL, "DATABASE_READ_URL": replicaURL, "DATABASE_LISTEN_URL": directURL,
            "REDIS_URL": redisURL,
        ])
        deploymentHandler = ServiceEffectHandler(settings: deploymentSettings, reviewer: Self.reviewer)
    }

    override func tearDown() {
        feeds?.stop()
        feeds = nil
        _ = try? replica?.query("SELECT pg_wal_replay_resume()")
        replica?.close()
        deploymentHandler = nil
        super.tearDown()
    }

    /// A connection to this test's database on the replica once it has replayed everything the primary has now.
    private func waitForReplica(file: StaticString = #filePath, line: UInt = #line) throws -> PostgresConnection {
        try replicaCaughtUp(with: db, existing: replica, url: replicaURL, file: file, line: line)
    }

    private func releases(file: StaticString = #filePath, line: UInt = #line) -> [Int64: ReleaseRow] {
        let events = perform(.loadReleases(requestID(), store: Self.store, after: nil), with: deploymentHandler)
        guard events.count == 1, case .releasesLoaded(_, _, let rows, _) = events[0] else {
            XCTFail("expected releasesLoaded, got \(events)", file: file, line: line)
            return [:]
        }
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.discogsID, $0) })
    }

    private func tracks(file: StaticString = #filePath, line: UInt = #line) -> [Int: TrackRow] {
        let events = perform(.loadTracks(requestID(), releaseID: Self.release), with: deploymentHandler)
        guard events.count == 1, case .tracksLoaded(_, _, let rows) = events[0] else {
            XCTFail("expected tracksLoaded, got \(events)", file: file, line: line)
            return [:]
        }
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.index, $0) })
    }

    func testPendingFromTheReplicaDecisionsThroughThePoolerAndTheFeedOnTheDirectConnection() throws {
        // Another release with a pending track, committed on the primary while the replica's replay is paused.
        try replica.query("SELECT pg_wal_replay_pause()")
        let newRelease = Self.release + 1
        try db.query("""
            INSERT INTO releases (discogs_id, store_username, title, artist, tracklist)
            VALUES ($1, $2, 'Later Pressing', 'The Harbourmasters', '[{"position":"A1","title":"Tide","type_":"track"}]')
            """, newRelease, Self.store)
        try db.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence)
            VALUES ($1, 0, 'youtube', 'https://www.youtube.com/watch?v=latertide01', 0.6)
            """, newRelease)

        let listed = releases()
        XCTAssertEqual(listed[Self.release]?.pending, 1, "\(listed)")
        XCTAssertNil(listed[newRelease], "the pending list is the paused replica's: it has not seen the new release")
        var rows = tracks()
        XCTAssertEqual(rows[1]?.status, .pending)

        // The approval goes through the pooler to the primary; its re-read is the primary's.
        let decided = perform(.review(requestID(), ReviewCommand(decision: .approve, targets: [ReviewTarget(try XCTUnwrap(rows[1]))])),
                              with: deploymentHandler)
        guard decided.count == 1, let applied = decided[0].applied else { return XCTFail("\(decided)") }
        XCTAssertEqual(applied.rows.map(\.status), [.approved])
        let row = try XCTUnwrap(try db.query(
            "SELECT approved, verified_by FROM track_matches WHERE release_id = $1 AND track_index = 1", Self.release).first)
        XCTAssertEqual(try row.decode("approved", as: Bool.self), true, "committed on the primary")
        XCTAssertEqual(try row.decode("verified_by", as: String.self), Self.reviewer)

        // Read your writes: the replica has not replayed the approval, so the decided row is read from the primary.
        rows = tracks()
        XCTAssertEqual(rows[1]?.status, .approved, "the decided row comes from the primary, not the paused replica")
        XCTAssertEqual(try replica.query(
            "SELECT approved FROM track_matches WHERE release_id = $1 AND track_index = 1", Self.release).first?
            .decode("approved", as: Bool.self), false, "the replica still has the old row")
        try replica.query("SELECT pg_wal_replay_resume()")

        // The change feed listens on DATABASE_LISTEN_URL: another writer's change arrives.
        let feeds = LiveFeeds(settings: deploymentSettings, inbox: inbox, counters: { nil })
        feeds.healthInterval = 0.2
        feeds.statsInterval = 0.2
        feeds.changeInterval = 0.25
        feeds.start()
        self.feeds = feeds
        let wanted = TrackReference(releaseID: Self.release, trackIndex: 2)
        func delivered(_ events: [ConsoleEvent]) -> Bool {
            events.contains { event in
                guard case .dataChanged(let changes) = event else { return false }
                return changes.contains(.trackMatch(wanted))
            }
        }
        // Written until it arrives: the feed may still be opening its LISTEN when the first write commits.
        var events: [ConsoleEvent] = []
        for attempt in 0..<5 where !delivered(events) {
            let other = try PostgresConnection(url: directURL)
            try other.query("UPDATE track_matches SET verified_by = $2, updated_at = now() WHERE release_id = $1 AND track_index = 2",
                            Self.release, "web-app-\(attempt)")
            other.close()
            events += collectEvents(from: inbox, timeout: 5, until: delivered)
        }
        XCTAssertTrue(delivered(events), "no dataChanged for \(wanted): \(events)")
        let degraded = events.filter { if case .liveUpdatesDegraded = $0 { return true } else { return false } }
        XCTAssertEqual(degraded.count, 0, "notifications through DATABASE_LISTEN_URL, not polling: \(degraded)")
    }
}
