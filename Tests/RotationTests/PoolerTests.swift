import Foundation
import LocalServers
import Postgres
import Redis
import Rotation
import XCTest

/// The clients through Debian's PgBouncer in transaction mode (LocalServers+PgBouncer.swift), on private servers
/// of their own: the startup `options` refused, no session kept between transactions, LISTEN that never delivers.
final class PoolerTests: XCTestCase {
    nonisolated(unsafe) private static var servers: LocalServers?

    override class func tearDown() {
        servers?.stop()
        servers = nil
        super.tearDown()
    }

    /// A new database, migrated through the pooler: its URL direct and through PgBouncer.
    private func freshDatabase() throws -> (direct: String, pooled: String) {
        if Self.servers == nil {
            let servers = try LocalServers.start(postgres: true, redis: false)
            try servers.startPgBouncer()
            Self.servers = servers
        }
        let servers = try XCTUnwrap(Self.servers)
        let admin = try PostgresConnection(url: try XCTUnwrap(servers.postgresURL))
        defer { admin.close() }
        let name = "rotation_pooled_\(UInt32.random(in: 0...UInt32.max))"
        try admin.query("CREATE DATABASE \(admin.quoteIdentifier(name))")
        let direct = try TestDatabase.replacingDatabase(in: try XCTUnwrap(servers.postgresURL), with: name)
        let pooled = try TestDatabase.replacingDatabase(in: try XCTUnwrap(servers.pgBouncerURL), with: name)
        let migrator = try PostgresConnection(url: pooled)
        try MigrationRunner(connection: migrator, directory: TestDatabase.migrationsDirectory).apply()
        migrator.close()
        return (direct, pooled)
    }

    func testTheClientNoticesThePoolerAndTheServerStillEnforcesReadOnlyAndTimeouts() throws {
        let (direct, pooled) = try freshDatabase()
        XCTAssertTrue(try PostgresConnection(url: direct).sessionOptionsApplied)
        let reader = try PostgresConnection(PostgresConfiguration(pooled, readOnly: true))
        XCTAssertFalse(reader.sessionOptionsApplied, "PgBouncer refuses the startup options")
        XCTAssertEqual(try reader.query("SELECT count(*) FROM track_matches").scalar(Int.self), 0)
        XCTAssertThrowsError(try reader.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence) VALUES (1, 0, 'youtube', 'u', 0.6)
            """)) { error in XCTAssertEqual((error as? PostgresError)?.sqlState, "25006") }
        XCTAssertThrowsError(try reader.transaction { db in try db.query("DELETE FROM track_matches") }) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, "25006")
        }
        let writer = try PostgresConnection(PostgresConfiguration(pooled, statementTimeout: 1234))
        let timeout = try writer.transaction { db in try db.query("SHOW statement_timeout").scalar(String.self) }
        XCTAssertEqual(timeout, "1234ms")
    }

    func testMigratingAgainThroughThePoolerAppliesNothingAndLeavesNoLockBehind() throws {
        let (direct, pooled) = try freshDatabase()
        let again = try MigrationRunner(connection: try PostgresConnection(url: pooled),
                                        directory: TestDatabase.migrationsDirectory).apply()
        XCTAssertEqual(again.count, 0)
        let db = try PostgresConnection(url: direct)
        XCTAssertEqual(try db.query("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'").scalar(Int.self), 0,
                       "no session advisory lock left on a pooled server connection")
        XCTAssertEqual(try db.query("SELECT count(*) FROM schema_migrations").scalar(Int.self),
                       try Migration.load(from: TestDatabase.migrationsDirectory).count)
    }

    func testReviewActionsThroughThePooler() throws {
        let (_, pooled) = try freshDatabase()
        let h = try ServiceHarness.make(databaseURL: pooled)
        let key = randomKey()
        let seen = try h.insertMatch(key, confidence: 0.6)
        try h.actions.approve(key, seen: .seen(seen), reviewer: "ana")
        let approved = try XCTUnwrap(h.service.row(key))
        XCTAssertTrue(approved.approved)
        XCTAssertEqual(try XCTUnwrap(h.cached(key)).verifiedBy, "ana")
        // A second reviewer who saw the old row is refused, and told who changed it.
        XCTAssertThrowsError(try h.actions.reject(key, seen: .seen(seen), reviewer: "bo")) { error in
            guard case ReviewError.conflict(let conflict) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(conflict.changedBy, "ana")
        }
        try h.actions.reject(key, seen: .seen(approved), reviewer: "ana")
        XCTAssertNil(try h.service.row(key))
        XCTAssertNil(try h.cached(key))
        try h.actions.undo(reviewer: "ana")
        XCTAssertEqual(try XCTUnwrap(h.service.row(key)).approved, true, "the undo restored the approved row")
        XCTAssertEqual(try h.reviews(key).count, 3)
    }

    func testTheWorkerDrainsTheQueueThroughThePooler() throws {
        let (_, pooled) = try freshDatabase()
        let db = try PostgresConnection(url: pooled)
        try WorkerFixtures.importFixtureReleases(db)
        let report = try WorkerFixtures.worker(pooled, batch: 5).drain()
        XCTAssertEqual(report.completed, 20)
        XCTAssertEqual(report.failed + report.retried + report.lost, 0)
        XCTAssertEqual(try db.query("SELECT count(*) FROM processing_queue WHERE status = 'completed'").scalar(Int.self), 20)
        XCTAssertGreaterThan(try db.query("SELECT count(*) FROM track_matches").scalar(Int.self), 0)
    }

    func testTheChangeFeedPollsBehindThePoolerAndSaysSo() throws {
        let (direct, pooled) = try freshDatabase()
        let feed = ChangeFeed(configuration: PostgresConfiguration(pooled), probeTimeout: 1, changePollInterval: 0.2)
        let collector = FeedTests.Collector()
        feed.subscribe { collector.add($0) }
        feed.start()
        defer { feed.stop() }
        let mode = collector.wait { if case .mode = $0 { true } else { false } }
        guard case .mode(.polling(_, let reason)) = mode else { return XCTFail("\(String(describing: mode))") }
        XCTAssertTrue(reason.contains("pooler"), reason)
        XCTAssertNotNil(feed.mode?.note)

        try PostgresConnection(url: direct).query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence) VALUES (5, 0, 'youtube', 'u', 0.6)
            """)
        XCTAssertNotNil(collector.wait(timeout: 30) { $0 == .resync }, "a change is noticed by polling")
    }

    func testTheChangeFeedListensOnTheDirectURLWhenGivenOne() throws {
        let (direct, pooled) = try freshDatabase()
        let feed = ChangeFeed(configuration: PostgresConfiguration(pooled),
                              listenConfiguration: PostgresConfiguration(direct), probeTimeout: 1)
        let collector = FeedTests.Collector()
        feed.subscribe { collector.add($0) }
        feed.start()
        defer { feed.stop() }
        XCTAssertEqual(collector.wait { if case .mode = $0 { true } else { false } }, .mode(.listeningDirectly))
        XCTAssertNil(feed.mode?.note)
        // Written through the pooler, as the console and the web app write.
        try PostgresConnection(url: pooled).query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence) VALUES (6, 1, 'youtube', 'u', 0.6)
            """)
        XCTAssertEqual(collector.wait { if case .change = $0 { true } else { false } },
                       .change(ChangeEvent(table: .trackMatches, releaseID: 6, trackIndex: 1, operation: .insert)))
    }

    func testTheChangeFeedListensDirectlyWithoutAPooler() throws {
        let (direct, _) = try freshDatabase()
        let feed = ChangeFeed(url: direct)
        feed.start()
        defer { feed.stop() }
        XCTAssertEqual(feed.mode, .listening)
    }
}

extension PoolerTests {
    func testTheGrantsSayReadOnlyThroughThePooler() throws {
        let (_, pooled) = try freshDatabase()
        XCTAssertTrue(try DatabaseGrants.read(from: PostgresConnection(PostgresConfiguration(pooled, readOnly: true))).readOnly)
        XCTAssertFalse(try DatabaseGrants.read(from: PostgresConnection(PostgresConfiguration(pooled))).readOnly)
    }
}
