import Foundation
import Postgres
import Rotation
import XCTest
@testable import Console
@testable import ConsoleLive

/// `DATABASE_READ_URL` on a streaming replica of the Live servers (LocalServers+Replica.swift): the console's
/// lists come from the replica, a decision and its re-read go to the primary, and the decided rows are read from
/// the primary until the replica has replayed the decision. Replay is paused on the replica
/// (`pg_wal_replay_pause()`) to tell the two apart, never waited out with a sleep.
final class ReplicaReadLiveTests: LiveTestCase {
    private var replicaURL: String!
    private var replica: PostgresConnection!
    private var replicaHandler: ServiceEffectHandler!

    override func setUpWithError() throws {
        try super.setUpWithError()
        let replicaServer = try LiveServers.shared().startReplica()
        let database = String(try XCTUnwrap(URLComponents(string: databaseURL)).path.dropFirst())
        replicaURL = try LiveServers.url(replicaServer, database: database)
        replica = try waitForReplica()
        var settings = settings()
        settings.databaseReadURL = replicaURL
        replicaHandler = ServiceEffectHandler(settings: settings, reviewer: Self.reviewer)
    }

    override func tearDown() {
        _ = try? replica?.query("SELECT pg_wal_replay_resume()")
        replica?.close()
        replicaHandler = nil
        super.tearDown()
    }

    /// A connection to this test's database on the replica once it has replayed everything the primary has now.
    private func waitForReplica(file: StaticString = #filePath, line: UInt = #line) throws -> PostgresConnection {
        try replicaCaughtUp(with: db, existing: replica, url: replicaURL, file: file, line: line)
    }

    private func tracks(file: StaticString = #filePath, line: UInt = #line) throws -> [Int: TrackRow] {
        let events = perform(.loadTracks(requestID(), releaseID: Self.release), with: replicaHandler)
        guard events.count == 1, case .tracksLoaded(_, _, let rows) = events[0] else {
            XCTFail("expected tracksLoaded, got \(events)", file: file, line: line)
            return [:]
        }
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.index, $0) })
    }

    private func addMatch(track: Int) throws {
        try db.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence)
            VALUES ($1, $2, 'youtube', $3, 0.7)
            """, Self.release, track, "https://www.youtube.com/watch?v=track\(track)")
    }

    func testListsReadTheReplicaAndADecisionIsReadFromThePrimaryUntilTheReplicaHasIt() throws {
        try replica.query("SELECT pg_wal_replay_pause()")
        try addMatch(track: 3)
        var rows = try tracks()
        XCTAssertEqual(rows[3]?.status, .unmatched, "the paused replica answers the list: it has not seen the new match")
        XCTAssertEqual(rows[1]?.status, .pending)

        let decided = perform(.review(requestID(), ReviewCommand(decision: .approve, targets: [ReviewTarget(try XCTUnwrap(rows[1]))])),
                              with: replicaHandler)
        guard decided.count == 1, let applied = decided[0].applied else { return XCTFail("\(decided)") }
        XCTAssertEqual(applied.rows.map(\.status), [.approved], "the re-read after the decision is the primary's")

        rows = try tracks()
        XCTAssertEqual(rows[1]?.status, .approved, "read your own write: the replica has not replayed it, the primary answers")
        XCTAssertNotEqual(rows[3]?.status, .unmatched)

        try replica.query("SELECT pg_wal_replay_resume()")
        _ = try waitForReplica()
        try replica.query("SELECT pg_wal_replay_pause()")
        try db.query("DELETE FROM track_matches WHERE release_id = $1 AND track_index = 3", Self.release)
        rows = try tracks()
        XCTAssertEqual(rows[1]?.status, .approved)
        XCTAssertNotEqual(rows[3]?.status, .unmatched, "caught up: the replica answers again (it has not seen the delete)")
    }

    func testReplicaLagIsMeasuredInWALBytes() throws {
        try replica.query("SELECT pg_wal_replay_pause()")
        try addMatch(track: 3)
        let primary = try PostgresConnection(url: databaseURL)
        // The paused replica still receives the WAL, only its replay waits.
        XCTAssertGreaterThan(try ReplicaPosition.lag(replica: replica, primary: primary).bytes, 0)
        XCTAssertTrue(try ReplicaPosition.lag(replica: replica, primary: primary).isReplica)
        try replica.query("SELECT pg_wal_replay_resume()")
        _ = try waitForReplica()
        XCTAssertFalse(try ReplicaPosition.lag(replica: primary, primary: primary).isReplica)
    }
}
