import Foundation
import Postgres
import Rotation
import XCTest

/// The console's two queries of its own, on the real private Postgres: the grants of the role that connects
/// (`DatabaseGrants`), and the releases of queue rows picked by id (`ProcessingQueue.releases(ofJobs:)`).
final class GrantsAndQueueJobQueriesTests: XCTestCase {
    private var url: String!
    private var db: PostgresConnection!

    override func setUpWithError() throws {
        (url, db) = try TestDatabase.fresh()
    }

    override func tearDown() {
        db?.close()
    }

    /// A connection as a new login role in `group`; the role is dropped after the test.
    private func connect(in group: String) throws -> PostgresConnection {
        let name = "grants_\(group.replacingOccurrences(of: "rotation_", with: ""))_\(UInt32.random(in: 0...UInt32.max))"
        let password = "pw-\(UInt64.random(in: 0...UInt64.max))"
        try db.query("CREATE ROLE \(db.quoteIdentifier(name)) LOGIN PASSWORD '\(password)' IN ROLE \(db.quoteIdentifier(group))")
        var components = try XCTUnwrap(URLComponents(string: url))
        components.user = name
        components.password = password
        let connection = try PostgresConnection(url: try XCTUnwrap(components.string))
        addTeardownBlock { [db] in
            connection.close()
            _ = try? db?.query("DROP OWNED BY \(db!.quoteIdentifier(name))")
            _ = try? db?.query("DROP ROLE \(db!.quoteIdentifier(name))")
        }
        return connection
    }

    func testTheOwnerMayReviewAndAdminister() throws {
        XCTAssertEqual(try DatabaseGrants.read(from: db), DatabaseGrants(review: true, admin: true, readOnly: false))
    }

    func testEachGroupRoleGetsItsGrants() throws {
        XCTAssertEqual(try DatabaseGrants.read(from: connect(in: "rotation_readonly")),
                       DatabaseGrants(review: false, admin: false, readOnly: false))
        XCTAssertEqual(try DatabaseGrants.read(from: connect(in: "rotation_reviewer")),
                       DatabaseGrants(review: true, admin: false, readOnly: false))
        XCTAssertEqual(try DatabaseGrants.read(from: connect(in: "rotation_admin")),
                       DatabaseGrants(review: true, admin: true, readOnly: false))
    }

    func testAReadOnlySessionIsReportedWhoeverSetIt() throws {
        let asked = try PostgresConnection(PostgresConfiguration(url, readOnly: true))
        defer { asked.close() }
        XCTAssertTrue(try DatabaseGrants.read(from: asked).readOnly, "asked for by the client")

        let name = try XCTUnwrap(URLComponents(string: url)?.path.dropFirst()).description
        try db.query("ALTER DATABASE \(db.quoteIdentifier(name)) SET default_transaction_read_only = on")
        let set = try PostgresConnection(url: url)
        defer { set.close() }
        XCTAssertTrue(try DatabaseGrants.read(from: set).readOnly, "set on the server")
        XCTAssertFalse(try DatabaseGrants.read(from: db).readOnly, "a session opened before keeps its setting")
    }

    func testJobsAreResolvedToTheirReleasesEachOnce() throws {
        for (store, release) in [("s", Int64(7)), ("t", 7), ("s", 8), ("s", 9)] {
            try db.query("INSERT INTO processing_queue (store_username, discogs_id) VALUES ($1, $2)", store, release)
        }
        let ids = try db.query("SELECT id FROM processing_queue WHERE discogs_id IN (7, 8) ORDER BY id")
            .column("id", as: Int64.self)
        XCTAssertEqual(ids.count, 3)
        let queue = ProcessingQueue(connection: db)
        let missing = try XCTUnwrap(ids.max()) + 1000
        XCTAssertEqual(try queue.releases(ofJobs: ids + [missing]).sorted(), [7, 8], "release 7 once, the missing row left out")
        XCTAssertEqual(try queue.releases(ofJobs: []), [])
    }
}
