import Foundation
import Postgres
import Redis
import Rotation
import XCTest

/// The decision log cannot be bypassed or forged (migration 0010): logins of the group roles connect as
/// themselves, with a password, and every decision goes through the SECURITY DEFINER functions that record the
/// login (`db_login`) beside the reviewer label.
final class AuditLogSecurityTests: XCTestCase {
    private var harness: ServiceHarness!

    override func setUpWithError() throws {
        harness = try ServiceHarness.make()
    }

    /// A login role with a password in `group`, dropped after the test; its name is also its reviewer label.
    private func login(in group: String) throws -> (name: String, url: String, actions: ReviewActions, db: PostgresConnection) {
        let name = "audit_\(group.replacingOccurrences(of: "rotation_", with: ""))_\(UInt32.random(in: 0...UInt32.max))"
        let password = "pw-\(UInt64.random(in: 0...UInt64.max))"
        let db = harness.db
        try db.query("CREATE ROLE \(db.quoteIdentifier(name)) LOGIN PASSWORD '\(password)' IN ROLE \(db.quoteIdentifier(group))")
        var components = try XCTUnwrap(URLComponents(string: harness.url))
        components.user = name
        components.password = password
        let url = try XCTUnwrap(components.string)
        let connection = try PostgresConnection(url: url)
        let serviceConnection = try PostgresConnection(url: url)
        addTeardownBlock {
            connection.close()
            serviceConnection.close()
            _ = try? db.query("DROP OWNED BY \(db.quoteIdentifier(name))")
            _ = try? db.query("DROP ROLE \(db.quoteIdentifier(name))")
        }
        XCTAssertEqual(try connection.query("SELECT session_user::text").scalar(String.self), name)
        return (name, url, actions(on: serviceConnection), connection)
    }

    private func actions(on connection: PostgresConnection) -> ReviewActions {
        ReviewActions(service: MatchService(database: connection, redis: harness.redis, cacheTTL: 3600, readOnly: false))
    }

    private func assertRefused(_ sql: String, on db: PostgresConnection, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try db.query(sql), sql, file: file, line: line) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .insufficientPrivilege, "\(error)", file: file, line: line)
        }
    }

    private func logged(_ reviewID: Int64) throws -> PostgresRow {
        try XCTUnwrap(harness.db.query("SELECT reviewer, action, db_login, undoes FROM match_reviews WHERE id = $1",
                                       reviewID).first)
    }

    func testAReviewerLoginCannotWriteTheLogOrTheMatchesDirectly() throws {
        let key = randomKey()
        try harness.insertMatch(key)
        let reviewer = try login(in: "rotation_reviewer")
        XCTAssertEqual(try reviewer.db.query("SELECT count(*) FROM track_matches WHERE release_id = $1", key.releaseID)
            .scalar(Int.self), 1, "reading stays allowed")
        assertRefused("INSERT INTO match_reviews (reviewer, action) VALUES ('someone', 'approve')", on: reviewer.db)
        assertRefused("UPDATE track_matches SET approved = true WHERE release_id = \(key.releaseID)", on: reviewer.db)
        assertRefused("DELETE FROM track_matches WHERE release_id = \(key.releaseID)", on: reviewer.db)
        assertRefused("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence)
            VALUES (\(key.releaseID), 5, 'youtube', 'https://youtu.be/x', 0.9)
            """, on: reviewer.db)
        assertRefused("""
            INSERT INTO match_rejections (release_id, track_index, match_url, reviewer)
            VALUES (\(key.releaseID), 0, 'https://youtu.be/x', 'someone')
            """, on: reviewer.db)
        assertRefused("DELETE FROM match_rejections", on: reviewer.db)
        XCTAssertEqual(try harness.service.row(key)?.approved, false)
        XCTAssertEqual(try harness.db.query("SELECT count(*) FROM match_reviews").scalar(Int.self), 0)

        // Admins keep the pipeline's writes on track_matches, but not on the log either.
        let admin = try login(in: "rotation_admin")
        assertRefused("INSERT INTO match_reviews (reviewer, action) VALUES ('someone', 'approve')", on: admin.db)
    }

    func testADecisionThroughTheServiceLogsTheLoginAndAnotherNameIsRefused() throws {
        let key = randomKey()
        let seen = try harness.insertMatch(key)
        let reviewer = try login(in: "rotation_reviewer")

        XCTAssertThrowsError(try reviewer.actions.approve(key, seen: .seen(seen), reviewer: "alice")) { error in
            guard case ReviewError.notPermitted(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains(reviewer.name), message)
        }
        XCTAssertEqual(try harness.service.row(key)?.approved, false, "nothing changed under the forged name")
        XCTAssertEqual(try harness.reviews(key).count, 0)

        let outcome = try reviewer.actions.approve(key, seen: .seen(seen), reviewer: reviewer.name)
        let row = try XCTUnwrap(harness.service.row(key))
        XCTAssertTrue(row.approved)
        XCTAssertEqual(row.verifiedBy, reviewer.name)
        let log = try logged(outcome.reviewID)
        XCTAssertEqual(log["reviewer"], reviewer.name)
        XCTAssertEqual(log["db_login"], reviewer.name)

        // A superuser (an admin) may log under a label of its choosing; the login is still recorded beside it.
        let other = randomKey()
        let adminOutcome = try harness.actions.approve(other, seen: .seen(try harness.insertMatch(other)), reviewer: "ana")
        let superuser = try harness.db.query("SELECT session_user::text").scalar(String.self)
        XCTAssertEqual(try logged(adminOutcome.reviewID)["reviewer"], "ana")
        XCTAssertEqual(try logged(adminOutcome.reviewID)["db_login"], superuser)
    }

    func testUndoOfAnotherReviewersDecisionIsRefusedForAReviewerAndAllowedForAnAdmin() throws {
        let key = randomKey()
        let seen = try harness.insertMatch(key)
        let alice = try login(in: "rotation_reviewer")
        let bob = try login(in: "rotation_reviewer")
        let decision = try alice.actions.approve(key, seen: .seen(seen), reviewer: alice.name)

        XCTAssertThrowsError(try bob.actions.undo(reviewer: alice.name)) { error in
            guard case ReviewError.notPermitted = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try bob.actions.undo(reviewer: bob.name)) { error in
            guard case ReviewError.nothingToUndo = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try harness.service.row(key)?.approved, true, "alice's decision stands")

        let admin = try login(in: "rotation_admin")
        let undone = try admin.actions.undo(reviewer: alice.name)
        XCTAssertEqual(undone.undoes, decision.reviewID)
        XCTAssertEqual(try harness.service.row(key)?.approved, false)
        let log = try logged(undone.reviewID)
        XCTAssertEqual(log["action"], "undo")
        XCTAssertEqual(log["db_login"], admin.name, "the log says which login undid it")
    }

    func testARetriedUndoWithTheSameRequestIDReversesExactlyOneDecision() throws {
        let first = randomKey(track: 0)
        let second = TrackKey(releaseID: first.releaseID, trackIndex: 1)
        let reviewer = try login(in: "rotation_reviewer")
        try reviewer.actions.approve(first, seen: .seen(try harness.insertMatch(first)), reviewer: reviewer.name)
        try reviewer.actions.approve(second, seen: .seen(try harness.insertMatch(second)), reviewer: reviewer.name)

        let request = UUID()
        let undone = try reviewer.actions.undo(reviewer: reviewer.name, requestID: request)
        XCTAssertEqual(undone.key, second)
        XCTAssertFalse(undone.resolvedAfterConnectionLoss)
        let retried = try reviewer.actions.undo(reviewer: reviewer.name, requestID: request)
        XCTAssertEqual(retried.reviewID, undone.reviewID)
        XCTAssertEqual(retried.undoes, undone.undoes)
        XCTAssertEqual(retried.key, second)
        XCTAssertTrue(retried.resolvedAfterConnectionLoss, "the first outcome, found again")
        XCTAssertEqual(try harness.cached(second)?.approved, false, "the cache follows the row")

        XCTAssertEqual(try harness.service.row(first)?.approved, true, "the older decision is not reversed")
        XCTAssertEqual(try harness.service.row(second)?.approved, false)
        XCTAssertEqual(try harness.db.query("""
            SELECT count(*) FROM match_reviews WHERE action = 'undo' AND release_id = $1
            """, first.releaseID).scalar(Int.self), 1)

        // A new request goes on to the next older decision; someone else's request id is not replayed.
        try reviewer.actions.undo(reviewer: reviewer.name)
        XCTAssertEqual(try harness.service.row(first)?.approved, false)
        let other = try login(in: "rotation_reviewer")
        XCTAssertThrowsError(try other.actions.undo(reviewer: other.name, requestID: request)) { error in
            guard case ReviewError.notPermitted = error else { return XCTFail("\(error)") }
        }
    }

    func testAnUndoRetriedWhileTheFirstIsStillRunningWaitsForItAndReturnsItsOutcome() throws {
        let first = randomKey(track: 0)
        let second = TrackKey(releaseID: first.releaseID, trackIndex: 1)
        let reviewer = try login(in: "rotation_reviewer")
        try reviewer.actions.approve(first, seen: .seen(try harness.insertMatch(first)), reviewer: reviewer.name)
        try reviewer.actions.approve(second, seen: .seen(try harness.insertMatch(second)), reviewer: reviewer.name)
        let retryConnection = try PostgresConnection(url: reviewer.url)
        defer { retryConnection.close() }
        let retryPID = try retryConnection.query("SELECT pg_backend_pid()").scalar(Int.self)
        let retryActions = actions(on: retryConnection)
        let name = reviewer.name
        let request = UUID()
        let retried = LockedBox<Result<ReviewOutcome, Error>?>(nil)
        let done = DispatchGroup()

        // The first call has done its work but not committed when the retry arrives.
        let firstID = try reviewer.db.transaction { tx -> Int64 in
            let id = try tx.query("SELECT review_id FROM rotation_review_undo($1::text, $2::uuid)",
                                  reviewer.name, request.uuidString).scalar(Int64.self)
            done.enter()
            DispatchQueue.global().async {
                let outcome = Result { try retryActions.undo(reviewer: name, requestID: request) }
                retried.mutate { $0 = outcome }
                done.leave()
            }
            // Wait (for the condition, not for a time) until the retry is blocked behind this transaction.
            var waiting = false
            for _ in 0..<3000 where !waiting {
                waiting = try harness.db.query("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $1::integer",
                                               retryPID).scalar(Bool?.self) ?? false
                if !waiting { usleep(10_000) }
            }
            XCTAssertTrue(waiting, "the retry waits for the first call")
            return id
        }
        done.wait()
        let outcome = try XCTUnwrap(retried.value).get()
        XCTAssertEqual(outcome.reviewID, firstID)
        XCTAssertTrue(outcome.resolvedAfterConnectionLoss)
        XCTAssertEqual(try harness.service.row(first)?.approved, true, "the older decision is not reversed")
        XCTAssertEqual(try harness.service.row(second)?.approved, false)
    }

    func testADecisionRepeatedWithTheSameRequestIDIsLoggedOnce() throws {
        let key = randomKey()
        try harness.insertMatch(key)
        let reviewer = try login(in: "rotation_reviewer")
        let request = UUID().uuidString
        func decide(_ action: String) throws -> Int64? {
            try reviewer.db.query("""
                SELECT review_id FROM rotation_review_decide($1::bigint, $2::integer, 'none', NULL, NULL, $3::text, NULL,
                                                             $4::uuid, NULL, NULL, NULL)
                """, key.releaseID, key.trackIndex, action, request).scalar(Int64?.self)
        }
        let first = try XCTUnwrap(decide("approve"))
        XCTAssertEqual(try decide("approve"), first, "the first outcome again")
        XCTAssertThrowsError(try decide("clear"), "a request id names one decision")
        XCTAssertEqual(try harness.reviews(key).count, 1)
        XCTAssertEqual(try harness.reviews(key).first?["reviewer"], reviewer.name, "an empty label is the login")
        XCTAssertNotNil(try harness.service.row(key))
    }

    func testClearingAReleaseNeedsAnAdminAndLogsTheLogin() throws {
        let key = randomKey()
        try harness.insertMatch(key)
        let reviewer = try login(in: "rotation_reviewer")
        XCTAssertThrowsError(try reviewer.actions.clearRelease(key.releaseID, reviewer: reviewer.name)) { error in
            guard case ReviewError.notPermitted = error else { return XCTFail("\(error)") }
        }
        XCTAssertNotNil(try harness.service.row(key))

        let admin = try login(in: "rotation_admin")
        let cleared = try admin.actions.clearRelease(key.releaseID, reviewer: admin.name)
        XCTAssertEqual(cleared.rowsAffected, 1)
        XCTAssertNil(try harness.service.row(key))
        XCTAssertEqual(try logged(cleared.reviewID)["db_login"], admin.name)
        let undone = try admin.actions.undo(reviewer: admin.name)
        XCTAssertEqual(undone.rowsAffected, 1)
        XCTAssertNotNil(try harness.service.row(key))
    }

    func testMigratingADatabaseThatLetEveryoneCreateInPublicTakesThatBack() throws {
        // Databases created before Postgres 15 granted CREATE on public to PUBLIC.
        let (_, db) = try TestDatabase.fresh(migrated: false)
        try db.query("GRANT CREATE ON SCHEMA public TO PUBLIC")
        try MigrationRunner(connection: db, directory: TestDatabase.migrationsDirectory).apply()
        for role in ["rotation_readonly", "rotation_reviewer", "rotation_admin"] {
            XCTAssertFalse(try db.query("SELECT has_schema_privilege($1, 'public', 'CREATE')", role).scalar(Bool.self), role)
        }
    }

    func testTheFunctionsSearchPathCannotBeHijacked() throws {
        // Every decision function runs as its owner with a fixed search_path that searches pg_temp last.
        let functions = try harness.db.query("""
            SELECT p.proname::text AS name, p.prosecdef, array_to_string(p.proconfig, ',') AS config
            FROM pg_proc p WHERE p.proname IN ('rotation_review_decide', 'rotation_review_undo', 'rotation_review_bulk_clear')
            ORDER BY 1
            """).rows
        XCTAssertEqual(functions.count, 3)
        for function in functions {
            XCTAssertEqual(try function.decode("prosecdef", as: Bool.self), true, "\(function["name"] ?? "")")
            XCTAssertEqual(function["config"], "search_path=pg_catalog, public, pg_temp", "\(function["name"] ?? "")")
        }

        let key = randomKey()
        let seen = try harness.insertMatch(key)
        let reviewer = try login(in: "rotation_reviewer")
        // Nothing of a reviewer's own in public...
        assertRefused("CREATE TABLE public.match_reviews_shadow (id int)", on: reviewer.db)
        assertRefused("CREATE FUNCTION public.to_jsonb(m public.track_matches) RETURNS jsonb LANGUAGE sql AS 'SELECT NULL::jsonb'",
                      on: reviewer.db)
        // ...and temporary tables of the same names as the log and the matches are not what the functions write.
        try reviewer.db.query("CREATE TEMP TABLE match_reviews (LIKE public.match_reviews INCLUDING DEFAULTS)")
        try reviewer.db.query("CREATE TEMP TABLE track_matches (LIKE public.track_matches INCLUDING DEFAULTS)")
        try reviewer.db.query("""
            SELECT * FROM rotation_review_decide($1::bigint, $2::integer, 'none', NULL, $3::text, 'approve', NULL,
                                                 NULL, NULL, NULL, NULL)
            """, key.releaseID, key.trackIndex, reviewer.name)
        XCTAssertEqual(try reviewer.db.query("SELECT count(*) FROM pg_temp.match_reviews").scalar(Int.self), 0)
        XCTAssertEqual(try reviewer.db.query("SELECT count(*) FROM pg_temp.track_matches").scalar(Int.self), 0)
        XCTAssertEqual(try harness.service.row(key)?.approved, true)
        XCTAssertNotEqual(try harness.service.row(key)?.updatedAt, seen.updatedAt)
        XCTAssertEqual(try harness.reviews(key).map { $0["reviewer"] }, [reviewer.name])
    }
}
