import Foundation
import LocalServers
import Postgres
import Rotation
import XCTest

/// Issue 13 (10M rows): the pending list's text filter reads the trigram indexes of migration 0011, for every role
/// that reads it, and a large seed builds the secondary indexes after its COPY, leaving them exactly as they were.
final class ScaleQueriesTests: XCTestCase {
    /// Enough synthetic data that the planner weighs an index against a scan, plus one release with a rare title.
    private func seeded() throws -> (url: String, db: PostgresConnection) {
        let (url, db) = try TestDatabase.fresh()
        _ = try SyntheticDataSeeder(connection: db).seed(
            SeedRequest(stores: 4, releases: 3000, tracksPerRelease: 10, queuedReleases: 0))
        try db.query("""
            INSERT INTO releases (discogs_id, store_username, title, artist, tracklist)
            VALUES (77, 'quiet-store', 'Quokka Sessions', 'Nobody Else', '[]'::jsonb)
            """)
        for track in 0..<2 {
            try db.query("""
                INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved)
                VALUES (77, $1::integer, 'youtube', $2, 0.6, false)
                """, track, "https://www.youtube.com/watch?v=qk\(track)")
        }
        try db.query("ANALYZE releases")
        try db.query("ANALYZE track_matches")
        return (url, db)
    }

    func testTheMigrationInstallsPgTrgmAndTheTrigramIndexes() throws {
        let (_, db) = try TestDatabase.fresh()
        XCTAssertEqual(try db.query("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'").scalar(Int.self), 1)
        let indexes = try db.query("""
            SELECT indexname FROM pg_indexes WHERE indexname LIKE '%trgm%' ORDER BY indexname
            """).column("indexname", as: String.self)
        XCTAssertEqual(indexes, ["releases_artist_trgm_idx", "releases_title_trgm_idx", "track_matches_url_trgm_idx"])
    }

    func testARareSearchTextIsFoundThroughTheTrigramIndexesNotAScan() throws {
        let (_, db) = try seeded()
        let queries = ReviewQueries(database: db)
        let found = try queries.pending(PendingFilter(search: "quokka"))
        XCTAssertEqual(found.items.map(\.match.key), [TrackKey(releaseID: 77, trackIndex: 0), TrackKey(releaseID: 77, trackIndex: 1)])
        XCTAssertEqual(try queries.pending(PendingFilter(search: "watch?v=qk1")).items.map(\.match.key),
                       [TrackKey(releaseID: 77, trackIndex: 1)])

        let plan = try queries.pendingPlan(PendingFilter(search: "quokka"))
        XCTAssertTrue(plan.contains("Bitmap Index Scan on releases_title_trgm_idx"), plan)
        XCTAssertTrue(plan.contains("Bitmap Index Scan on track_matches_url_trgm_idx"), plan)
        XCTAssertFalse(plan.contains("Seq Scan"), plan)
    }

    /// A page filtered by store walks pending_match_stores' index (migration 0018) for its keys alone, then reads
    /// only the rows it shows; it holds exactly the rows, in the order, that filtering every pending row would give,
    /// page after page, with confidence bounds too.
    func testAPageFilteredByStoreWalksItsOwnIndexAndPagesLikeTheFullFilter() throws {
        let (_, db) = try seeded()
        try db.query("VACUUM (ANALYZE) pending_match_stores")
        let queries = ReviewQueries(database: db)
        let store = try XCTUnwrap(queries.stores(limit: 1).items.first?.store)
        let plan = try queries.pendingPlan(PendingFilter(store: store))
        XCTAssertTrue(plan.contains("Index Only Scan using pending_match_stores_page_idx"), plan)
        XCTAssertFalse(plan.contains("Seq Scan"), plan)

        for (min, max) in [(nil, nil), (0.6, 0.7)] as [(Double?, Double?)] {
            let expected = try db.query("""
                SELECT m.release_id, m.track_index FROM track_matches m JOIN releases r ON r.discogs_id = m.release_id
                WHERE NOT m.approved AND r.store_username = $1
                  AND ($2::real IS NULL OR m.confidence >= $2::real) AND ($3::real IS NULL OR m.confidence <= $3::real)
                ORDER BY m.confidence, m.release_id, m.track_index
                """, store, min, max).rows.map {
                TrackKey(releaseID: try $0.decode("release_id"), trackIndex: try $0.decode("track_index"))
            }
            XCTAssertGreaterThan(expected.count, 100)
            var seen: [TrackKey] = []
            var cursor: String?
            repeat {
                let page = try queries.pending(PendingFilter(store: store, minConfidence: min, maxConfidence: max),
                                               after: cursor, limit: 50)
                XCTAssertTrue(page.items.allSatisfy { $0.store == store && $0.releaseTitle != nil && !$0.match.approved })
                seen += page.items.map(\.match.key)
                cursor = page.nextCursor
            } while cursor != nil
            XCTAssertEqual(seen, expected, "\(String(describing: min))...\(String(describing: max))")
        }
    }

    /// What pending_match_stores holds, and what it should hold: every unapproved match whose release has a row,
    /// with that row's store and the match's confidence.
    private func assertStorePagesMatch(_ db: PostgresConnection, _ context: String,
                                       file: StaticString = #filePath, line: UInt = #line) throws {
        func rows(_ sql: String) throws -> [String] {
            try db.query(sql).column("row", as: String.self)
        }
        let held = try rows("""
            SELECT release_id || ' ' || track_index || ' ' || store_username || ' ' || confidence AS row
            FROM pending_match_stores ORDER BY 1
            """)
        let truth = try rows("""
            SELECT m.release_id || ' ' || m.track_index || ' ' || r.store_username || ' ' || m.confidence AS row
            FROM track_matches m JOIN releases r ON r.discogs_id = m.release_id
            WHERE m.approved = false AND r.store_username IS NOT NULL ORDER BY 1
            """)
        XCTAssertEqual(held, truth, context, file: file, line: line)
    }

    /// The side table follows every kind of write, the web app's included (its statements as it runs them), on a
    /// database our migrations created and on one adopted from the web app's deployed shape.
    func testTheStorePagesFollowEveryWriteOnBothShapes() throws {
        for shape in DeployedSchema.Shape.allCases {
            let (_, db) = try DeployedSchema.fresh(shape)
            // A match before its release, then the release; a release before its matches.
            try db.query("""
                INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved)
                VALUES (501, 0, 'youtube', 'https://www.youtube.com/watch?v=a5010', 0.6, false),
                       (501, 1, 'youtube', 'https://www.youtube.com/watch?v=a5011', 0.9, true)
                """)
            try assertStorePagesMatch(db, "\(shape): a match without its release")
            try db.query("""
                INSERT INTO releases (discogs_id, store_username, title, artist, tracklist)
                VALUES (501, 'store-a', 'A', 'B', '[]'::jsonb), (502, 'store-b', 'C', 'D', '[]'::jsonb)
                """)
            try db.query("""
                INSERT INTO track_matches (release_id, track_index, platform, match_url, confidence, approved)
                VALUES (502, 0, 'youtube', 'https://www.youtube.com/watch?v=a5020', 0.55, false),
                       (502, 1, 'youtube', 'https://www.youtube.com/watch?v=a5021', 0.65, false)
                """)
            try assertStorePagesMatch(db, "\(shape): inserts")
            for write in try DeployedSchema.webAppWrites() {
                XCTAssertNoThrow(try db.query(write.sql), "\(shape): \(write.name)")
                try assertStorePagesMatch(db, "\(shape): after the web app's \(write.name)")
            }
            let steps = [
                ("a new score", "UPDATE track_matches SET confidence = 0.7 WHERE release_id = 502 AND track_index = 0"),
                ("an approval", "UPDATE track_matches SET approved = true WHERE release_id = 502 AND track_index = 1"),
                ("back to review", "UPDATE track_matches SET approved = false WHERE release_id = 501 AND track_index = 1"),
                ("a moved track", "UPDATE track_matches SET track_index = 5 WHERE release_id = 501 AND track_index = 0"),
                ("a release moving store", "UPDATE releases SET store_username = 'store-c' WHERE discogs_id = 501"),
                ("a release's new id", "UPDATE releases SET discogs_id = 503 WHERE discogs_id = 502"),
                ("a release deleted", "DELETE FROM releases WHERE discogs_id = 501"),
                ("its release back", "INSERT INTO releases (discogs_id, store_username, title, artist) VALUES (501, 'store-a', 'A', 'B')"),
                ("a match deleted", "DELETE FROM track_matches WHERE release_id = 501 AND track_index = 5"),
                ("a truncate", "TRUNCATE track_matches"),
            ]
            for (name, sql) in steps {
                try db.query(sql)
                try assertStorePagesMatch(db, "\(shape): \(name)")
            }
        }
    }

    /// A seed keeps the side table filled, and migration 0018 fills it from the rows already there.
    func testTheSeedAndTheMigrationFillTheStorePages() throws {
        let (_, db) = try TestDatabase.fresh()
        _ = try SyntheticDataSeeder(connection: db).seed(SeedRequest(stores: 3, releases: 300, tracksPerRelease: 5))
        try assertStorePagesMatch(db, "after a seed")
        // A database that had the rows before 0018: its triggers and table gone, then the migration again.
        for trigger in ["track_matches_store_pages_insert", "track_matches_store_pages_update", "track_matches_store_pages_delete",
                        "track_matches_store_pages_truncate"] {
            try db.query("DROP TRIGGER \(trigger) ON track_matches")
        }
        for trigger in ["releases_store_pages_insert", "releases_store_pages_update", "releases_store_pages_delete"] {
            try db.query("DROP TRIGGER \(trigger) ON releases")
        }
        try db.query("DROP TABLE pending_match_stores")
        try db.query("DELETE FROM schema_migrations WHERE version = 18")
        try MigrationRunner(connection: db, directory: TestDatabase.migrationsDirectory).apply()
        XCTAssertGreaterThan(try db.query("SELECT count(*) FROM pending_match_stores").scalar(Int.self), 100)
        try assertStorePagesMatch(db, "after the migration")
        _ = try SyntheticDataSeeder(connection: db).seed(SeedRequest(stores: 3, releases: 400, tracksPerRelease: 5))
        try assertStorePagesMatch(db, "after a second seed")
    }

    func testTheReadOnlyRoleSearchesThroughTheSameIndexes() throws {
        let (url, db) = try seeded()
        let name = "trgm_reader_\(UInt32.random(in: 0...UInt32.max))"
        let password = "pw-\(UInt64.random(in: 0...UInt64.max))"
        try db.query("CREATE ROLE \(db.quoteIdentifier(name)) LOGIN PASSWORD '\(password)' IN ROLE rotation_readonly")
        var components = try XCTUnwrap(URLComponents(string: url))
        components.user = name
        components.password = password
        let reader = try PostgresConnection(url: try XCTUnwrap(components.string))
        defer {
            reader.close()
            _ = try? db.query("DROP OWNED BY \(db.quoteIdentifier(name))")
            _ = try? db.query("DROP ROLE \(db.quoteIdentifier(name))")
        }
        let queries = ReviewQueries(database: reader)
        XCTAssertEqual(try queries.pending(PendingFilter(search: "quokka")).items.count, 2)
        let plan = try queries.pendingPlan(PendingFilter(search: "quokka"))
        XCTAssertTrue(plan.contains("Bitmap Index Scan on releases_title_trgm_idx"), plan)
        XCTAssertFalse(plan.contains("Seq Scan"), plan)
    }

    func testAnOwnerWhoIsNoSuperuserCreatesPgTrgmInMigration0011() throws {
        // pg_trgm is a trusted extension: the owner of a database may create it there without being a superuser.
        let baseURL = try TestEnvironment.postgresURL()
        let admin = try PostgresConnection(url: baseURL)
        let name = "trgm_owner_\(UInt32.random(in: 0...UInt32.max))"
        let password = "pw-\(UInt64.random(in: 0...UInt64.max))"
        let database = "trgm_owned_\(UInt32.random(in: 0...UInt32.max))"
        try admin.query("CREATE ROLE \(admin.quoteIdentifier(name)) LOGIN NOSUPERUSER PASSWORD '\(password)'")
        try admin.query("CREATE DATABASE \(admin.quoteIdentifier(database)) OWNER \(admin.quoteIdentifier(name))")
        var components = try XCTUnwrap(URLComponents(string: try TestDatabase.replacingDatabase(in: baseURL, with: database)))
        components.user = name
        components.password = password
        let owner = try PostgresConnection(url: try XCTUnwrap(components.string))
        defer {
            owner.close()
            _ = try? admin.query("DROP DATABASE IF EXISTS \(admin.quoteIdentifier(database)) WITH (FORCE)")
            _ = try? admin.query("DROP OWNED BY \(admin.quoteIdentifier(name))")
            _ = try? admin.query("DROP ROLE \(admin.quoteIdentifier(name))")
            admin.close()
        }
        // The web app's tables, then migration 0011 itself, as that owner. (The whole chain needs more than an owner:
        // 0003 grants the cluster's group roles.)
        for file in ["0001_web_app_tables.sql", "0011_trigram_search.sql"] {
            try owner.executeScript(try String(
                contentsOf: TestDatabase.migrationsDirectory.appendingPathComponent(file), encoding: .utf8))
        }
        XCTAssertEqual(try owner.query("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'").scalar(Int.self), 1)
        XCTAssertEqual(try owner.query("SELECT count(*) FROM pg_indexes WHERE indexname LIKE '%trgm_idx'").scalar(Int.self), 3)
    }

    func testSeedTracksAloneIsTheTotalAndWithReleasesTracksPerRelease() {
        XCTAssertTrue(SeedRequest.shape(releases: nil, tracks: 10_000_000, tracksPerRelease: nil) == (1_000_000, 10))
        XCTAssertTrue(SeedRequest.shape(releases: nil, tracks: 25, tracksPerRelease: 4) == (7, 4))
        XCTAssertTrue(SeedRequest.shape(releases: 20, tracks: 3, tracksPerRelease: nil) == (20, 3))
        XCTAssertTrue(SeedRequest.shape(releases: nil, tracks: nil, tracksPerRelease: nil) == (1000, 10))
    }

    func testALargeSeedBuildsTheSecondaryIndexesAfterTheLoadExactlyAsBefore() throws {
        let (_, db) = try TestDatabase.fresh()
        func definitions() throws -> [String] {
            try db.query("""
                SELECT indexdef FROM pg_indexes
                WHERE tablename IN ('releases', 'track_matches', 'match_candidates', 'processing_queue', 'pending_match_stores')
                ORDER BY indexname
                """).column("indexdef", as: String.self)
        }
        let before = try definitions()
        let report = try SyntheticDataSeeder(connection: db).seed(SeedRequest(stores: 2, releases: 200, tracksPerRelease: 5))
        XCTAssertGreaterThan(report.indexesDeferred, 0)
        XCTAssertEqual(try definitions(), before)
        XCTAssertEqual(try db.query("SELECT count(*) FROM pg_index WHERE NOT indisvalid").scalar(Int.self), 0)
        XCTAssertGreaterThan(report.rowsPerSecond, 0)
    }
}
