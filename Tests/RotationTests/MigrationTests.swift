import Foundation
import Postgres
import Rotation
import XCTest

final class MigrationTests: XCTestCase {
    /// The versions on disk: tests follow new migrations without edits.
    var versions: [Int] { (try? Migration.load(from: TestDatabase.migrationsDirectory).map(\.version)) ?? [] }
    func testFreshDatabaseGetsTheWebAppsExactTrackMatchesShape() throws {
        let (_, db) = try TestDatabase.fresh(migrated: false)
        let applied = try MigrationRunner(connection: db, directory: TestDatabase.migrationsDirectory).apply()
        XCTAssertEqual(applied.map(\.version), versions)
        XCTAssertEqual(Array(versions.prefix(3)), [1, 2, 3])

        let columns = try db.query("""
            SELECT column_name, data_type, is_nullable, coalesce(column_default, '') AS def
            FROM information_schema.columns WHERE table_name = 'track_matches' ORDER BY ordinal_position
            """).rows.map { "\($0["column_name"]!) \($0["data_type"]!) \($0["is_nullable"]!) \($0["def"]!)" }
        XCTAssertEqual(columns, [
            "id integer NO nextval('track_matches_id_seq'::regclass)",
            "release_id bigint NO ",
            "track_index integer NO ",
            "platform text NO ",
            "match_url text NO ",
            "confidence real NO ",
            "approved boolean NO false",
            "verified_by text YES ",
            "verified_at timestamp with time zone YES now()",
            "created_at timestamp with time zone YES now()",
            "updated_at timestamp with time zone YES now()",
        ])
        let unique = try db.query("""
            SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint
            WHERE conrelid = 'track_matches'::regclass AND contype = 'u'
            """).column("def", as: String.self)
        XCTAssertEqual(unique, ["UNIQUE (release_id, track_index)"])
    }

    func testSecondRunIsANoOp() throws {
        let (_, db) = try TestDatabase.fresh(migrated: false)
        let runner = try MigrationRunner(connection: db, directory: TestDatabase.migrationsDirectory)
        try runner.apply()
        XCTAssertEqual(try runner.apply(), [])
        XCTAssertTrue(try runner.status().allSatisfy { $0.state == .applied })
        XCTAssertEqual(try runner.currentVersion(), versions.last)
    }

    func testAdoptsTablesTheWebAppCreatedWithTheirRows() throws {
        let (_, db) = try TestDatabase.fresh(migrated: false)
        // Exactly what the web app runs, then some of its data.
        try db.executeScript("""
            CREATE TABLE track_matches (
              id SERIAL PRIMARY KEY, release_id BIGINT NOT NULL, track_index INTEGER NOT NULL,
              platform TEXT NOT NULL, match_url TEXT NOT NULL, confidence REAL NOT NULL,
              approved BOOLEAN NOT NULL DEFAULT false, verified_by TEXT, verified_at TIMESTAMPTZ DEFAULT NOW(),
              created_at TIMESTAMPTZ DEFAULT NOW(), updated_at TIMESTAMPTZ DEFAULT NOW(),
              UNIQUE(release_id, track_index));
            CREATE TABLE discogs_tokens (
              id SERIAL PRIMARY KEY, username TEXT NOT NULL UNIQUE, access_token TEXT NOT NULL, access_secret TEXT NOT NULL,
              refresh_token TEXT, token_type TEXT DEFAULT 'oauth', expires_at TIMESTAMPTZ, scope TEXT,
              created_at TIMESTAMPTZ DEFAULT NOW(), updated_at TIMESTAMPTZ DEFAULT NOW(), last_used_at TIMESTAMPTZ);
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved)
              VALUES (123456, 0, 'youtube', 'https://www.youtube.com/watch?v=abc', 0.91, true),
                     (123456, 1, 'youtube', 'https://www.youtube.com/watch?v=def', 0.62, false);
            INSERT INTO discogs_tokens (username, access_token, access_secret) VALUES ('store1', 't', 's');
            """)
        try MigrationRunner(connection: db, directory: TestDatabase.migrationsDirectory).apply()
        XCTAssertEqual(try db.query("SELECT count(*) FROM track_matches").scalar(Int.self), 2)
        XCTAssertEqual(try db.query("SELECT username FROM discogs_tokens").scalar(String.self), "store1")
        // Our additions work on the adopted table: the pending index and the change trigger.
        XCTAssertEqual(try db.query("SELECT count(*) FROM pg_indexes WHERE indexname = 'track_matches_pending_idx'").scalar(Int.self), 1)
    }

    func testChangedAppliedFileIsRefused() throws {
        let (_, db) = try TestDatabase.fresh(migrated: false)
        var migrations = try Migration.load(from: TestDatabase.migrationsDirectory)
        try MigrationRunner(connection: db, migrations: migrations).apply()
        migrations[1] = Migration(version: 2, name: migrations[1].name, sql: migrations[1].sql + "\n-- edited\n")
        XCTAssertThrowsError(try MigrationRunner(connection: db, migrations: migrations).apply()) { error in
            guard case MigrationError.changedAfterApply(let version, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(version, 2)
            XCTAssertTrue("\(error)".contains("changed after it was applied"))
        }
        XCTAssertEqual(try MigrationRunner(connection: db, migrations: migrations).status()[1].state, .changed)
    }

    func testFailingMigrationRollsBackCompletely() throws {
        let (_, db) = try TestDatabase.fresh(migrated: false)
        let migrations = try Migration.load(from: TestDatabase.migrationsDirectory) + [
            Migration(version: 99, name: "broken", sql: "CREATE TABLE half_done (id INT); SELECT * FROM missing_table;"),
        ]
        XCTAssertThrowsError(try MigrationRunner(connection: db, migrations: migrations).apply()) { error in
            XCTAssertTrue("\(error)".contains("migration 99 (broken) failed"), "\(error)")
        }
        XCTAssertEqual(try db.query("SELECT to_regclass('half_done') IS NULL").scalar(Bool.self), true)
        XCTAssertEqual(try db.query("SELECT max(version) FROM schema_migrations").scalar(Int.self), versions.last)
    }

    func testTwoRunnersAtOnceApplyEachMigrationOnce() throws {
        let (url, db) = try TestDatabase.fresh(migrated: false)
        let directory = TestDatabase.migrationsDirectory
        let results = LockedBox<[Result<Int, Error>]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            let outcome = Result { try MigrationRunner(connection: try PostgresConnection(url: url), directory: directory).apply().count }
            results.mutate { $0.append(outcome) }
        }
        let counts = try results.value.map { try $0.get() }
        XCTAssertEqual(counts.sorted(), [0, versions.count])
        XCTAssertEqual(try db.query("SELECT count(*) FROM schema_migrations").scalar(Int.self), versions.count)
    }

    func testChangesToTrackMatchesAndTheQueueAreNotified() throws {
        let (url, db) = try TestDatabase.fresh()
        try db.listen("rotation_changes")
        let other = try PostgresConnection(url: url)
        try other.query("INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence) VALUES (7, 2, 'youtube', 'u', 0.6)")
        try other.query("INSERT INTO processing_queue (store_username, discogs_id) VALUES ('s', 8)")
        var payloads: [String] = []
        for _ in 0..<50 where payloads.count < 2 {
            payloads += try db.waitForNotifications(timeout: 0.1).map(\.payload)
        }
        struct Change: Decodable, Equatable { let table: String; let release_id: Int; let track_index: Int?; let operation: String }
        let changes = try payloads.map { try JSONDecoder().decode(Change.self, from: Data($0.utf8)) }
        XCTAssertEqual(changes, [
            Change(table: "track_matches", release_id: 7, track_index: 2, operation: "INSERT"),
            Change(table: "processing_queue", release_id: 8, track_index: nil, operation: "INSERT"),
        ])
    }

    func testReviewLogIsAppendOnly() throws {
        let (_, db) = try TestDatabase.fresh()
        try db.query("INSERT INTO match_reviews (reviewer, action) VALUES ('ana', 'approve')")
        XCTAssertThrowsError(try db.query("UPDATE match_reviews SET reviewer = 'bob'"))
        XCTAssertThrowsError(try db.query("DELETE FROM match_reviews"))
    }

    func testRolesExistWithGrants() throws {
        let (_, db) = try TestDatabase.fresh()
        let roles = try db.query("SELECT rolname FROM pg_roles WHERE rolname LIKE 'rotation\\_%' AND NOT rolcanlogin ORDER BY 1")
            .column("rolname", as: String.self)
        XCTAssertEqual(roles, ["rotation_admin", "rotation_readonly", "rotation_reviewer"])
        // Reviewers decide through the audited functions only (0010), never by writing the tables.
        XCTAssertFalse(try db.query("SELECT has_table_privilege('rotation_reviewer', 'track_matches', 'UPDATE')").scalar(Bool.self))
        let undo = "rotation_review_undo(text, uuid)"
        XCTAssertTrue(try db.query("SELECT has_function_privilege('rotation_reviewer', $1, 'EXECUTE')", undo).scalar(Bool.self))
        XCTAssertFalse(try db.query("SELECT has_function_privilege('rotation_readonly', $1, 'EXECUTE')", undo).scalar(Bool.self))
        XCTAssertFalse(try db.query("SELECT has_table_privilege('rotation_readonly', 'track_matches', 'UPDATE')").scalar(Bool.self))
        XCTAssertFalse(try db.query("SELECT has_table_privilege('rotation_readonly', 'discogs_tokens', 'SELECT')").scalar(Bool.self))
    }
}

/// A value shared between threads in a test.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.lock(); defer { lock.unlock() }; return stored }
    func mutate(_ body: (inout Value) -> Void) { lock.lock(); body(&stored); lock.unlock() }
}
