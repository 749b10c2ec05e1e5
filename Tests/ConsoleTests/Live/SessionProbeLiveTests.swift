import Foundation
import Postgres
import Rotation
import XCTest
@testable import Console
@testable import ConsoleLive

/// The grants the console shows come from the database's own privileges for the role that connects.
final class SessionProbeLiveTests: LiveTestCase {
    /// A login role with a password, granted `group`; dropped again after the test.
    private func loginRole(in group: String) throws -> String {
        let name = "live_\(group)_\(UInt32.random(in: 0...UInt32.max))"
        let password = "pw-\(UInt64.random(in: 0...UInt64.max))"
        try db.query("CREATE ROLE \(db.quoteIdentifier(name)) LOGIN PASSWORD '\(password)' IN ROLE \(db.quoteIdentifier(group))")
        addTeardownBlock { [databaseURL] in
            guard let admin = try? PostgresConnection(url: databaseURL!) else { return }
            _ = try? admin.query("DROP OWNED BY \(admin.quoteIdentifier(name))")
            _ = try? admin.query("DROP ROLE \(admin.quoteIdentifier(name))")
            admin.close()
        }
        return try LiveServers.url(databaseURL, user: name, password: password)
    }

    private func probe(_ url: String, readOnly: Bool = false) -> ConsoleSession {
        SessionProbe.session(settings: settings(readOnly: readOnly, databaseURL: url), reviewer: "someone")
    }

    func testTheOwnerMayReviewAndAdminister() throws {
        let session = probe(databaseURL)
        XCTAssertEqual(session.grants, [.review, .admin])
        XCTAssertFalse(session.readOnly)
        XCTAssertEqual(session.user, "someone")
    }

    func testAReadonlyRoleGetsNoGrants() throws {
        let url = try loginRole(in: "rotation_readonly")
        // The role really connects (and can read) as itself.
        let connection = try PostgresConnection(url: url)
        XCTAssertEqual(try connection.query("SELECT count(*) FROM track_matches").scalar(Int.self), 2)
        connection.close()

        let session = probe(url)
        XCTAssertEqual(session.grants, [])
        XCTAssertFalse(session.readOnly)
    }

    func testAReviewerRoleMayReviewButNotAdminister() throws {
        let session = probe(try loginRole(in: "rotation_reviewer"))
        XCTAssertEqual(session.grants, [.review])
    }

    func testAnAdminRoleGetsBoth() throws {
        XCTAssertEqual(probe(try loginRole(in: "rotation_admin")).grants, [.review, .admin])
    }

    func testAReadOnlySessionIsReadOnly() throws {
        XCTAssertTrue(probe(databaseURL, readOnly: true).readOnly, "asked for by the settings")

        // Set on the server, not asked for by the console.
        let name = try XCTUnwrap(URLComponents(string: databaseURL)?.path.dropFirst()).description
        try db.query("ALTER DATABASE \(db.quoteIdentifier(name)) SET default_transaction_read_only = on")
        let session = probe(databaseURL)
        XCTAssertTrue(session.readOnly)
    }

    func testAnUnreachableDatabaseLeavesTheDecisionToTheServer() throws {
        let session = probe("postgres://nobody:secret@127.0.0.1:1/none?connect_timeout=1")
        XCTAssertEqual(session.grants, Set(ConsoleGrant.allCases))
        XCTAssertFalse(session.readOnly)
    }
}
