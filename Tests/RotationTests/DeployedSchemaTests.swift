import Foundation
import Postgres
@testable import Rotation
import XCTest

/// The contract with the deployed web app (issue 8): a database in its deployed shape adopted by our migrations,
/// and one our migrations created, each take the web app's statements and every write and read of ours.
final class DeployedSchemaTests: XCTestCase {
    // MARK: Both shapes, both directions

    func testEveryWebAppWriteRunsOnBothShapesAfterOurMigrations() throws {
        for shape in DeployedSchema.Shape.allCases {
            let (_, db) = try DeployedSchema.fresh(shape)
            for write in try DeployedSchema.webAppWrites() {
                XCTAssertNoThrow(try db.query(write.sql), "\(shape): \(write.name)")
            }
            // What they wrote reads back as the web app means it.
            XCTAssertEqual(try db.query("""
                SELECT status || ' ' || retry_count || ' ' || (release_data->>'title') FROM processing_queue
                WHERE discogs_id = 4242001
                """).scalar(String.self), "failed 1 Web App Release", "\(shape)")
            XCTAssertEqual(try db.query("""
                SELECT listings_processed || ' ' || cached_releases_served FROM store_sync_log WHERE store_username = 'webapp-store'
                """).scalar(String.self), "120 113", "\(shape)")
            XCTAssertEqual(try db.query("SELECT verified_by FROM track_matches WHERE release_id = 4242001").scalar(String.self),
                           "web-admin", "\(shape)")
        }
    }

    func testTheWebAppsOwnMigrationsStillRunOverOurs() throws {
        let (_, db) = try DeployedSchema.fresh(.ours)
        XCTAssertNoThrow(try db.executeScript(try DeployedSchema.schemaSQL()))
        // Its trigger now runs beside ours: still one value of updated_at per update, and our statements still work.
        for write in try DeployedSchema.webAppWrites() { XCTAssertNoThrow(try db.query(write.sql), write.name) }
        XCTAssertEqual(try SchemaCheck.run(on: db).differences, [])
    }

    func testAdoptingTheDeployedShapeKeepsItsRowsAndLeavesNoDifference() throws {
        let (_, db) = try DeployedSchema.fresh(.deployed, migrated: false)
        try db.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved)
            VALUES (77, 0, 'youtube', 'https://www.youtube.com/watch?v=deployed001', 0.7, false)
            """)
        try db.query("INSERT INTO store_sync_log (store_username, listings_processed) VALUES ('s1', 5)")
        let before = try SchemaCheck.run(on: db)
        XCTAssertTrue(before.compatible, "\(before.differences)")
        XCTAssertTrue(before.differences.contains { $0.what == "processing_queue.leased_by is missing" && $0.severity == .migrateFixes })

        try MigrationRunner(connection: db, directory: TestDatabase.migrationsDirectory).apply()
        XCTAssertEqual(try SchemaCheck.run(on: db).differences, [])
        XCTAssertEqual(try db.query("SELECT count(*) FROM track_matches").scalar(Int.self), 1)
        XCTAssertEqual(try db.query("SELECT listings_processed FROM store_sync_log WHERE store_username = 's1'").scalar(Int.self), 5)
        // The web app's constraints and defaults are untouched.
        XCTAssertEqual(try db.query("""
            SELECT is_nullable FROM information_schema.columns WHERE table_name = 'processing_queue' AND column_name = 'release_data'
            """).scalar(String.self), "NO")
        XCTAssertEqual(try db.query("SELECT count(*) FROM pg_constraint WHERE conname = 'unique_track_match'").scalar(Int.self), 1)
        // Its updated_at trigger does the job; ours is not added beside it.
        XCTAssertEqual(try db.query("""
            SELECT string_agg(tgname, ',') FROM pg_trigger WHERE tgrelid = 'track_matches'::regclass AND tgname LIKE '%updated_at%'
            """).scalar(String.self), "update_track_matches_updated_at")
    }

    func testOurPerRunSyncLogBecomesOneCumulativeRowPerStoreWithItsHistoryKept() throws {
        let (_, db) = try TestDatabase.fresh(migrated: false)
        let migrations = try Migration.load(from: TestDatabase.migrationsDirectory)
        try MigrationRunner(connection: db, migrations: migrations.filter { $0.version <= 6 }).apply()
        try db.query("""
            INSERT INTO store_sync_log (store_username, listings_processed, new_releases_found, audio_matches_created, last_sync)
            VALUES ('a', 10, 4, 1, '2024-01-01Z'), ('a', 5, 1, 2, '2024-02-01Z'), ('b', 7, 7, 0, '2024-01-15Z')
            """)
        try MigrationRunner(connection: db, migrations: migrations).apply()
        XCTAssertEqual(try db.query("""
            SELECT string_agg(store_username || ':' || listings_processed || '/' || new_releases_found || '/' || audio_matches_created
                              || '@' || to_char(last_sync AT TIME ZONE 'UTC', 'YYYY-MM-DD'), ' ' ORDER BY store_username)
            FROM store_sync_log
            """).scalar(String.self), "a:15/5/3@2024-02-01 b:7/7/0@2024-01-15")
        XCTAssertEqual(try db.query("SELECT count(*) FROM store_sync_runs").scalar(Int.self), 3)
        // The web app's cumulative update now works on it.
        try db.query("SELECT update_sync_stats('a', 1, 1, 1, 1)")
        XCTAssertEqual(try db.query("SELECT listings_processed FROM store_sync_log WHERE store_username = 'a'").scalar(Int.self), 16)
    }

    // MARK: The check and the refusal

    func testAnIncompatibleShapeIsNamedWithWhatItBreaks() throws {
        let (_, db) = try TestDatabase.fresh(migrated: false)
        try db.executeScript("""
            CREATE TABLE track_matches (id SERIAL PRIMARY KEY, release_id BIGINT NOT NULL, track_index INTEGER NOT NULL,
              platform TEXT NOT NULL, match_url TEXT NOT NULL, confidence TEXT NOT NULL, approved BOOLEAN NOT NULL DEFAULT false,
              verified_by TEXT, verified_at TIMESTAMPTZ, created_at TIMESTAMPTZ, updated_at TIMESTAMPTZ,
              reviewer_team TEXT NOT NULL);
            """)
        let report = try SchemaCheck.run(on: db)
        XCTAssertFalse(report.compatible)
        let incompatible = report.incompatible.map(\.what)
        XCTAssertTrue(incompatible.contains("track_matches.confidence is text, not number"), "\(incompatible)")
        XCTAssertTrue(incompatible.contains("track_matches.reviewer_team is NOT NULL without a default"), "\(incompatible)")
        XCTAssertTrue(incompatible.contains("track_matches has no unique key on (release_id, track_index)"), "\(incompatible)")
        XCTAssertTrue(report.differences.contains { $0.what == "track_matches has no trigger maintaining updated_at" })
        XCTAssertTrue(report.summary.hasPrefix("3 incompatible"), report.summary)
    }

    func testRowLevelSecurityGetsAPolicyForOurRoles() throws {
        let (_, db) = try DeployedSchema.fresh(.deployed, migrated: false)
        try db.executeScript("""
            ALTER TABLE track_matches ENABLE ROW LEVEL SECURITY;
            ALTER TABLE releases ENABLE ROW LEVEL SECURITY;
            """)
        let before = try SchemaCheck.run(on: db).differences.filter { $0.what.hasPrefix("row-level security") }
        XCTAssertEqual(before.map(\.severity), [.migrateFixes, .migrateFixes])
        try MigrationRunner(connection: db, directory: TestDatabase.migrationsDirectory).apply()
        XCTAssertEqual(try db.query("""
            SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_policies WHERE policyname = 'rotation_roles'
            """).scalar(String.self), "releases,track_matches")
        XCTAssertEqual(try SchemaCheck.run(on: db).differences, [])

        // A login role of a reviewer sees the rows through the policy.
        try db.query("INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence) VALUES (5, 0, 'youtube', 'u', 0.5)")
        let login = "rls_reviewer_\(UInt32.random(in: 0...UInt32.max))"
        try db.query("CREATE ROLE \(login) LOGIN IN ROLE rotation_reviewer")
        defer { _ = try? db.query("DROP ROLE \(login)") }
        try db.transaction { tx in
            try tx.query("SET LOCAL ROLE \(login)")
            XCTAssertEqual(try tx.query("SELECT count(*) FROM track_matches").scalar(Int.self), 1)
        }
    }

    func testGrantsNameTablesAndLeaveTheWebAppsOtherTablesAlone() throws {
        let (_, db) = try DeployedSchema.fresh(.deployed, migrated: false)
        try db.query("CREATE TABLE web_app_users (id SERIAL PRIMARY KEY, email TEXT, password_hash TEXT)")
        try MigrationRunner(connection: db, directory: TestDatabase.migrationsDirectory).apply()
        func can(_ role: String, _ privilege: String, _ table: String) throws -> Bool {
            try db.query("SELECT has_table_privilege($1, $2, $3)", role, table, privilege).scalar(Bool.self)
        }
        XCTAssertFalse(try can("rotation_readonly", "SELECT", "web_app_users"))
        XCTAssertFalse(try can("rotation_admin", "SELECT", "web_app_users"))
        XCTAssertFalse(try can("rotation_readonly", "SELECT", "discogs_tokens"))
        XCTAssertTrue(try can("rotation_readonly", "SELECT", "track_matches"))
        XCTAssertTrue(try can("rotation_readonly", "SELECT", "store_sync_runs"))
        XCTAssertFalse(try can("rotation_readonly", "INSERT", "track_matches"))
        XCTAssertFalse(try can("rotation_reviewer", "INSERT", "match_reviews"), "decisions go through the audited functions")
        XCTAssertFalse(try can("rotation_reviewer", "UPDATE", "track_matches"))
        XCTAssertTrue(try can("rotation_admin", "UPDATE", "track_matches"), "the pipeline's writes")
        XCTAssertFalse(try can("rotation_reviewer", "DELETE", "processing_queue"))
        XCTAssertTrue(try can("rotation_admin", "DELETE", "processing_queue"))
        XCTAssertTrue(try can("rotation_admin", "SELECT", "discogs_tokens"))
    }

    // MARK: A database in use

    func testAMigrationWaitingForALockSaysWhoHoldsItThenGivesUpCleanly() throws {
        let (url, db) = try DeployedSchema.fresh(.deployed, migrated: false)
        let holder = try PostgresConnection(url: url)
        try holder.query("BEGIN")
        try holder.query("SELECT count(*) FROM processing_queue")  // a long read: ALTER TABLE waits behind it
        let events = LockedBox<[MigrationEvent]>([])
        var options = MigrationOptions()
        options.lockTimeout = .milliseconds(1500)
        options.lockAttempts = 2
        let runner = try MigrationRunner(connection: db, directory: TestDatabase.migrationsDirectory)
        var refused: Int?
        XCTAssertThrowsError(try runner.apply(options: options, events: { event in events.mutate { $0.append(event) } })) { error in
            guard case MigrationError.lockNotAvailable(let version, _, let attempts, let waitingFor) = error else {
                return XCTFail("\(error)")
            }
            refused = version
            XCTAssertEqual(version, 2, "0001 only creates what is missing: it needs no lock on an existing table")
            XCTAssertEqual(attempts, 2)
            XCTAssertTrue(waitingFor.contains("processing_queue"), waitingFor)
        }
        let waits = events.value.compactMap { event -> LockWait? in if case .waiting(let wait) = event { return wait } else { return nil } }
        XCTAssertTrue(waits.contains { $0.relations == ["processing_queue"] && $0.blockers.first?.state == "idle in transaction" },
                      "\(events.value)")
        XCTAssertTrue(events.value.contains { if case .retrying = $0 { return true } else { return false } })
        XCTAssertEqual(try runner.currentVersion(), refused.map { $0 - 1 }, "nothing of the refused migration was applied")
        XCTAssertEqual(try db.query("SELECT to_regclass('match_reviews') IS NULL").scalar(Bool.self), true)

        try holder.query("ROLLBACK")
        try runner.apply(options: options)
        XCTAssertEqual(try runner.currentVersion(), try Migration.load(from: TestDatabase.migrationsDirectory).last?.version)
    }

    func testIndexesOnPopulatedTablesAreBuiltConcurrentlyBeforeTheTransaction() throws {
        let (_, db) = try DeployedSchema.fresh(.deployed, migrated: false)
        try db.query("""
            INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved)
            SELECT g / 10, g % 10, 'youtube', 'https://www.youtube.com/watch?v=' || g, 0.5, g % 3 = 0 FROM generate_series(1, 200) g
            """)
        var options = MigrationOptions()
        options.concurrentIndexMinimumRows = 100
        let events = LockedBox<[MigrationEvent]>([])
        try MigrationRunner(connection: db, directory: TestDatabase.migrationsDirectory)
            .apply(options: options, events: { event in events.mutate { $0.append(event) } })
        let built = events.value.compactMap { event -> String? in
            if case .buildingIndex(let name, let table) = event { return "\(table).\(name)" } else { return nil }
        }
        XCTAssertTrue(built.contains("track_matches.track_matches_pending_confidence_idx"), "\(built)")
        XCTAssertFalse(built.contains { $0.hasPrefix("processing_queue.") }, "an empty table's index is left to the transaction")
        XCTAssertEqual(try db.query("""
            SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE c.relname LIKE 'track_matches_pending%' AND i.indisvalid
            """).scalar(Int.self), 2)
    }

    func testIndexStatementsAreFoundInMigrationFiles() {
        let found = IndexStatement.all(in: """
            CREATE INDEX IF NOT EXISTS a_idx ON t (x, y) WHERE approved = false;
            create unique index if not exists b_idx on u (z);
            CREATE INDEX plain_idx ON t (x);
            """).map { $0.concurrentSQL(quote: { "\"\($0)\"" }) }
        XCTAssertEqual(found, ["CREATE INDEX CONCURRENTLY IF NOT EXISTS \"a_idx\" ON \"t\" (x, y) WHERE approved = false",
                               "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"b_idx\" ON \"u\" (z)"])
    }
}
