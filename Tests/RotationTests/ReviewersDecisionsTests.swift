import Foundation
import Postgres
import Rotation
import XCTest

/// Reviewers' decisions on both schema shapes: the guard sees every writer (the web app's too), and a matcher run
/// never undoes what a person decided (MatcherOwnership).
final class ReviewersDecisionsTests: XCTestCase {
    /// The web app's review UPDATE of `web-app-writes.sql`, aimed at one track.
    private func webAppApproves(_ key: TrackKey, on db: PostgresConnection) throws {
        let statement = try XCTUnwrap(DeployedSchema.webAppWrites().first { $0.name.hasPrefix("its review screen approves") })
        let sql = statement.sql.replacingOccurrences(of: "release_id = 4242001 AND track_index = 0",
                                                     with: "release_id = $1 AND track_index = $2")
        XCTAssertNotEqual(sql, statement.sql)
        XCTAssertEqual(try db.query(sql, key.releaseID, key.trackIndex).affectedRows, 1)
    }

    func testTheWebAppsReviewBetweenOurReadAndOurActionIsAConflict() throws {
        for shape in DeployedSchema.Shape.allCases {
            let (url, _) = try DeployedSchema.fresh(shape)
            let harness = try ServiceHarness.make(databaseURL: url)
            let key = randomKey()
            let seen = try harness.insertMatch(key)
            try webAppApproves(key, on: harness.db)
            XCTAssertThrowsError(try harness.actions.markNeedsReview(key, seen: .seen(seen), reviewer: "ana"), "\(shape)") { error in
                guard case ReviewError.conflict(let conflict) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(conflict.changedBy, "web-admin")
                XCTAssertEqual(conflict.current?.approved, true)
            }
            XCTAssertEqual(try harness.service.row(key)?.verifiedBy, "web-admin", "\(shape): nothing changed")
            XCTAssertEqual(try harness.reviews(key).count, 0, "\(shape): nothing logged")
        }
    }

    func testARowWithoutUpdatedAtIsAConflictThatChangesAndLogsNothing() throws {
        for shape in DeployedSchema.Shape.allCases {
            let (url, _) = try DeployedSchema.fresh(shape)
            let harness = try ServiceHarness.make(databaseURL: url)
            let key = randomKey()
            try harness.db.query("""
                INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved, updated_at)
                VALUES ($1, $2, 'youtube', 'https://www.youtube.com/watch?v=noupdatedat', 0.6, false, NULL)
                """, key.releaseID, key.trackIndex)
            let seen = try XCTUnwrap(harness.service.row(key))
            XCTAssertNil(seen.updatedAt)
            XCTAssertEqual(ReviewGuard.seen(seen), .rowWithoutUpdatedAt)
            XCTAssertThrowsError(try harness.actions.approve(key, seen: .seen(seen), reviewer: "ana"), "\(shape)") { error in
                guard case ReviewError.conflict = error else { return XCTFail("\(error)") }
            }
            XCTAssertEqual(try harness.service.row(key)?.approved, false, "\(shape)")
            XCTAssertEqual(try harness.reviews(key).count, 0, "\(shape)")
        }
    }

    /// Each kind of decision, then the worker matches every release again: the decisions stand, the candidates
    /// are refreshed, and a row the matcher still owns is rewritten.
    func testAMatcherRunNeverUndoesADecision() throws {
        for shape in DeployedSchema.Shape.allCases {
            let (url, db) = try DeployedSchema.fresh(shape)
            try WorkerFixtures.importFixtureReleases(db)
            _ = try WorkerFixtures.worker(url).drain()
            let harness = try ServiceHarness.make(databaseURL: url)
            func keys(approved: Bool, _ count: Int) throws -> [TrackKey] {
                try db.query("""
                    SELECT release_id, track_index FROM track_matches WHERE approved = $1 ORDER BY release_id, track_index LIMIT $2
                    """, approved, count).rows.map { TrackKey(releaseID: try $0.decode("release_id"), trackIndex: try $0.decode("track_index")) }
            }
            let auto = try keys(approved: true, 3), pending = try keys(approved: false, 4)
            XCTAssertEqual(auto.count, 3, "\(shape)")
            XCTAssertEqual(pending.count, 4, "\(shape)")
            func seen(_ key: TrackKey) throws -> ReviewGuard { .seen(try harness.service.row(key)) }

            // A person sends an auto-approved match back to review, another replaces one; one is left to the matcher.
            try harness.actions.markNeedsReview(auto[0], seen: try seen(auto[0]), reviewer: "ana")
            try harness.actions.replace(auto[1], url: "https://www.youtube.com/watch?v=chosenbyana", seen: try seen(auto[1]),
                                        reviewer: "ana")
            // Pending ones: approved here, approved in the web app, rejected, and rewritten by the web app's engine.
            try harness.actions.approve(pending[0], seen: try seen(pending[0]), reviewer: "kwame")
            try webAppApproves(pending[1], on: db)
            let rejectedURL = try XCTUnwrap(harness.service.row(pending[2])).matchURL
            try harness.actions.reject(pending[2], seen: try seen(pending[2]), reviewer: "kwame")
            try db.query("""
                INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved, verified_by)
                VALUES ($1, $2, 'youtube', 'https://www.youtube.com/watch?v=WebAppEngine', 87, true, NULL)
                ON CONFLICT (release_id, track_index) DO UPDATE SET match_url = EXCLUDED.match_url,
                  confidence = EXCLUDED.confidence, approved = EXCLUDED.approved, verified_by = EXCLUDED.verified_by,
                  verified_at = NOW(), updated_at = NOW()
                """, pending[3].releaseID, pending[3].trackIndex)
            // The control: a row the matcher still owns, changed as if the matcher had written it so.
            let owned = auto[2]
            try db.transaction { tx in
                let moved = try tx.query("""
                    UPDATE track_matches SET approved = false, verified_by = NULL WHERE release_id = $1 AND track_index = $2
                    RETURNING updated_at
                    """, owned.releaseID, owned.trackIndex).scalar(Date.self)
                try tx.query("UPDATE matcher_owned_matches SET row_updated_at = $3 WHERE release_id = $1 AND track_index = $2",
                             owned.releaseID, owned.trackIndex, moved)
            }

            let decided = auto.prefix(2) + pending.filter { $0 != pending[2] }
            var before: [TrackKey: TrackMatch] = [:]
            for key in decided { before[key] = try harness.service.row(key) }
            try db.query("DELETE FROM match_candidates")
            try db.query("UPDATE processing_queue SET status = 'queued', retry_count = 0, completed_at = NULL")
            XCTAssertEqual(try WorkerFixtures.worker(url).drain().completed, 20, "\(shape)")

            for key in decided {
                XCTAssertEqual(try harness.service.row(key), before[key], "\(shape): the decision on \(key) stands")
            }
            XCTAssertNotEqual(try harness.service.row(pending[2])?.matchURL, rejectedURL, "\(shape)")
            let control = try XCTUnwrap(harness.service.row(owned))
            XCTAssertTrue(control.approved, "\(shape): the matcher's own row is the matcher's to rewrite")
            XCTAssertEqual(control.verifiedBy, "rotation-matcher")
            for key in decided {
                XCTAssertGreaterThan(try db.query("SELECT count(*) FROM match_candidates WHERE release_id = $1 AND track_index = $2",
                                                  key.releaseID, key.trackIndex).scalar(Int.self), 0,
                                     "\(shape): candidates of \(key) are refreshed")
            }
        }
    }

    /// After the worker ran on each shape: the console's queries agree with the rows, and the decisions the other
    /// tests do not cover (clear, clear of a release, undo) work there too.
    func testTheConsolesQueriesAndTheRemainingActionsOnBothShapes() throws {
        for shape in DeployedSchema.Shape.allCases {
            let (url, db) = try DeployedSchema.fresh(shape)
            try WorkerFixtures.importFixtureReleases(db)
            _ = try WorkerFixtures.worker(url).drain()
            let queries = ReviewQueries(database: db)
            let pendingRows = try db.query("SELECT count(*) FROM track_matches WHERE NOT approved").scalar(Int.self)
            let store = try XCTUnwrap(queries.stores().items.first { $0.store == "fixture-store" }, "\(shape)")
            XCTAssertEqual(store.releaseCount, 20, "\(shape)")
            XCTAssertEqual(store.pendingCount, pendingRows, "\(shape)")
            XCTAssertEqual(try queries.releases(of: "fixture-store", limit: 100).items.count, 20, "\(shape)")
            let pending = try queries.pending(limit: 1000).items
            XCTAssertEqual(pending.count, pendingRows, "\(shape)")
            XCTAssertTrue(pending.allSatisfy { $0.store == "fixture-store" && $0.releaseTitle != nil }, "\(shape)")

            let harness = try ServiceHarness.make(databaseURL: url)
            let key = try XCTUnwrap(pending.first).match.key
            try harness.actions.clear(key, seen: .seen(try harness.service.row(key)), reviewer: "ana")
            XCTAssertNil(try harness.service.row(key), "\(shape)")
            try harness.actions.undo(reviewer: "ana")
            XCTAssertNotNil(try harness.service.row(key), "\(shape)")
            let cleared = try harness.actions.clearRelease(key.releaseID, reviewer: "ana")
            XCTAssertGreaterThan(cleared.rowsAffected, 0, "\(shape)")
            XCTAssertEqual(try db.query("SELECT count(*) FROM track_matches WHERE release_id = $1", key.releaseID).scalar(Int.self), 0)
            try harness.actions.undo(reviewer: "ana")
            XCTAssertEqual(try db.query("SELECT count(*) FROM track_matches WHERE release_id = $1", key.releaseID).scalar(Int.self),
                           cleared.rowsAffected, "\(shape)")
        }
    }

    /// The read path's compute tier stores a match only where none is, and records it as the matcher's.
    func testTheComputeTiersMatchIsTheMatchersOwn() throws {
        let (url, db) = try DeployedSchema.fresh(.deployed)
        try WorkerFixtures.importFixtureReleases(db)
        let release = try db.query("SELECT discogs_id FROM discogs_release_bodies ORDER BY discogs_id LIMIT 1").scalar(Int64.self)
        let harness = try ServiceHarness.make(databaseURL: url, computer: StoredReleaseMatchComputer(connection: try PostgresConnection(url: url)))
        var computed: TrackKey?
        for track in 0..<20 {
            let key = TrackKey(releaseID: release, trackIndex: track)
            if let row = try harness.service.getOrComputeMatch(key).row {
                computed = key
                XCTAssertEqual(try db.query("""
                    SELECT row_updated_at = $3 FROM matcher_owned_matches WHERE release_id = $1 AND track_index = $2
                    """, key.releaseID, key.trackIndex, try XCTUnwrap(row.updatedAt)).scalar(Bool.self), true)
                break
            }
        }
        XCTAssertNotNil(computed, "some track of the release has a playable candidate")
    }
}
