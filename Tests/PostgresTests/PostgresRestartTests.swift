import Foundation
import LocalServers
import Postgres
import XCTest

/// Stops and starts a private server of its own, so the shared one is never disturbed.
final class PostgresRestartTests: XCTestCase {
    func testRestartIsSurvivedAndListenersResume() throws {
        let servers = try LocalServers.start(postgres: true, redis: false)
        defer { servers.stop() }
        let db = try PostgresConnection(url: servers.postgresURL!)
        try db.listen("after_restart")
        let generation = db.generation
        XCTAssertEqual(try db.query("SELECT 1").scalar(Int.self), 1)

        servers.stopPostgres()
        XCTAssertThrowsError(try db.query("SELECT 1")) { error in
            XCTAssertTrue((error as? PostgresError)?.isConnectionProblem ?? false, "\(error)")
        }
        // While it is down, calls fail fast with a connection error rather than hanging.
        XCTAssertThrowsError(try db.query("SELECT 1")) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .connectionFailed)
        }

        try servers.startPostgres()
        XCTAssertEqual(try db.query("SELECT 2").scalar(Int.self), 2)
        XCTAssertGreaterThan(db.generation, generation)
        // LISTEN was re-issued on the new connection.
        try PostgresConnection(url: servers.postgresURL!).notify("after_restart", payload: "back")
        var received: [PostgresNotification] = []
        for _ in 0..<50 where received.isEmpty { received = try db.waitForNotifications(timeout: 0.1) }
        XCTAssertEqual(received.map(\.payload), ["back"])
    }
}

/// Unix-socket connections, in both URL and conninfo form.
final class PostgresSocketTests: XCTestCase {
    func testConnectsOverAUnixSocket() throws {
        let servers = try LocalServers.start(postgres: true, redis: false)
        defer { servers.stop() }
        let (directory, port) = servers.postgresSocket
        let encoded = directory.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let password = servers.postgresPassword
        for target in ["postgres://rotation:\(password)@\(encoded):\(port)/rotation",
                       "host=\(directory) port=\(port) user=rotation password=\(password) dbname=rotation"] {
            let db = try PostgresConnection(url: target)
            XCTAssertEqual(try db.query("SELECT inet_server_addr() IS NULL").scalar(Bool.self), true,
                           "a Unix-socket session has no server address: \(target)")
        }
    }
}
