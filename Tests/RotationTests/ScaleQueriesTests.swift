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

    /// A page filtered by store walks the pending index for keys alone and asks releases_store_idx whether each
    /// release is the store's, index-only both, then reads only the rows it shows; it holds
    /// exactly the rows, in the order, that filtering every pending row would give, page after page.
    func testAPageFilteredByStoreWalksTheIndexesAloneAndPagesLikeTheFullFilter() throws {
        let (_, db) = try seeded()
        try db.query("VACUUM (ANALYZE) releases")
        try db.query("VACUUM (ANALYZE) track_matches")
        let queries = ReviewQueries(database: db)
        let store = try XCTUnwrap(queries.stores(limit: 1).items.first?.store)
        let plan = try queries.pendingPlan(PendingFilter(store: store))
        XCTAssertTrue(plan.contains("Index Only Scan using track_matches_pending_confidence_idx"), plan)
        XCTAssertTrue(plan.contains("Index Only Scan using releases_store_idx"), plan)
        XCTAssertFalse(plan.contains("Seq Scan"), plan)

        let expected = try db.query("""
            SELECT m.release_id, m.track_index FROM track_matches m JOIN releases r ON r.discogs_id = m.release_id
            WHERE NOT m.approved AND r.store_username = $1 ORDER BY m.confidence, m.release_id, m.track_index
            """, store).rows.map { TrackKey(releaseID: try $0.decode("release_id"), trackIndex: try $0.decode("track_index")) }
        XCTAssertGreaterThan(expected.count, 100)
        var seen: [TrackKey] = []
        var cursor: String?
        repeat {
            let page = try queries.pending(PendingFilter(store: store), after: cursor, limit: 50)
            XCTAssertTrue(page.items.allSatisfy { $0.store == store && $0.releaseTitle != nil })
            seen += page.items.map(\.match.key)
            cursor = page.nextCursor
        } while cursor != nil
        XCTAssertEqual(seen, expected)
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
                WHERE tablename IN ('releases', 'track_matches', 'match_candidates', 'processing_queue')
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
