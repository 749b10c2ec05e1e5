import Foundation
import LocalServers
import Postgres
import XCTest

/// The CLI through PgBouncer in transaction mode, and `rotation health` with a replica: a Postgres of this class's
/// own with PgBouncer and a streaming replica in front of it (LocalServers+PgBouncer.swift, +Replica.swift); Redis
/// is the class's usual one.
final class PoolerCLITests: CLITestCase {
    nonisolated(unsafe) private static var deployment: LocalServers?
    private var directURL = ""

    override class func tearDown() {
        deployment?.stop()
        deployment = nil
        super.tearDown()
    }

    override func setUpWithError() throws {
        try super.setUpWithError()
        if Self.deployment == nil {
            let servers = try LocalServers.start(postgres: true, redis: false)
            Self.deployment = servers
            try servers.startPgBouncer()
            try servers.startReplica()
        }
        let servers = try XCTUnwrap(Self.deployment)
        let admin = try PostgresConnection(url: try XCTUnwrap(servers.postgresURL))
        defer { admin.close() }
        let name = "pooled_cli_\(UInt32.random(in: 0...UInt32.max))"
        try admin.query("CREATE DATABASE \(admin.quoteIdentifier(name))")
        directURL = try postgresURL(try XCTUnwrap(servers.postgresURL), database: name)
        databaseURL = try postgresURL(try XCTUnwrap(servers.pgBouncerURL), database: name)
        db?.close()
        db = try PostgresConnection(url: directURL)
    }

    func testMigrateAndReviewCommandsThroughThePooler() throws {
        try ok(["migrate"])
        try ok(["migrate"])  // again: nothing to apply, and no lock left behind on a pooled server connection
        XCTAssertEqual(try count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"), 0)
        try insertRelease(500, store: "pooled-store")
        try insertMatch(500, 0, confidence: 0.7)
        try insertMatch(500, 1, confidence: 0.6)

        let listed = try ok(["matches", "list", "--json"]).object().array("items")
        XCTAssertEqual(listed?.count, 2)
        let outcome = try ok(["matches", "approve", "500", "0", "--json"]).object()
        XCTAssertEqual(outcome.string("action"), "approve")
        XCTAssertEqual(outcome.string("cache"), "written")
        XCTAssertEqual(try matchRow(500, 0)?.decode("approved", as: Bool.self), true)
        try ok(["matches", "reject", "500", "1"])
        XCTAssertNil(try matchRow(500, 1))
        try ok(["matches", "undo"])
        XCTAssertNotNil(try matchRow(500, 1), "the undo brought the rejected row back")
        XCTAssertEqual(try count("SELECT count(*) FROM match_reviews WHERE release_id = 500"), 3)

        // Read-only mode still refuses (the server's own refusal through the pooler: PoolerTests).
        try insertMatch(500, 2, confidence: 0.6)
        let refused = try rotation(["matches", "approve", "500", "2"], environment: ["ROTATION_READ_ONLY": "1"])
        XCTAssertNotEqual(refused.status, 0, "\(refused)")
        XCTAssertEqual(try matchRow(500, 2)?.decode("approved", as: Bool.self), false)
    }

    func testHealthShowsTheReplicaAndItsLag() throws {
        try ok(["migrate"])
        let servers = try XCTUnwrap(Self.deployment)
        let name = String(try XCTUnwrap(URLComponents(string: directURL)).path.dropFirst())
        let replicaURL = try postgresURL(try XCTUnwrap(servers.replicaURL), database: name)
        let human = try ok(["health"], environment: ["DATABASE_READ_URL": replicaURL])
        XCTAssertTrue(human.stdout.contains("replica   up"), "\(human)")
        XCTAssertTrue(human.stdout.contains("lag "), "\(human)")
        XCTAssertFalse(human.stdout.contains(try XCTUnwrap(password(in: replicaURL))), "no password printed")
        let replica = try XCTUnwrap(try ok(["health", "--json"], environment: ["DATABASE_READ_URL": replicaURL])
            .object().object("replica"))
        XCTAssertEqual(replica.bool("up"), true)
        XCTAssertEqual(replica.bool("inRecovery"), true)
        XCTAssertNotNil(replica.int("lagBytes"))
        // Without DATABASE_READ_URL nothing about a replica is printed.
        XCTAssertNil(try ok(["health", "--json"]).object().object("replica"))
    }
}
