import Foundation
import Postgres
import XCTest

/// `rotation migrate` and `rotation health`.
final class MigrateHealthCLITests: CLITestCase {
    func testMigrateAppliesThenHasNothingToApplyAndReportsStatus() throws {
        databaseURL = try freshDatabase()
        let migrations = try FileManager.default.contentsOfDirectory(
            atPath: CLILocations.repositoryRoot.appendingPathComponent("migrations").path).filter { $0.hasSuffix(".sql") }
        XCTAssertFalse(migrations.isEmpty)

        // --dry-run on an empty database lists every migration and changes nothing.
        let dryRun = try ok(["migrate", "--dry-run"])
        XCTAssertEqual(dryRun.stdout.components(separatedBy: "would apply ").count - 1, migrations.count, "\(dryRun)")
        let target = try PostgresConnection(url: databaseURL)
        defer { target.close() }
        XCTAssertEqual(try target.query("SELECT to_regclass('track_matches') IS NULL").scalar(Bool.self), true)

        // --dry-run --json gives versions as numbers, as --status --json does.
        let dryRunJSON = try ok(["migrate", "--dry-run", "--json"]).array()
        XCTAssertFalse(dryRunJSON.isEmpty)
        for case let entry as [String: Any] in dryRunJSON { XCTAssertNotNil(entry.int("version"), "\(entry)") }
        let pendingStatus = try ok(["migrate", "--status", "--json"]).array()
        XCTAssertEqual(pendingStatus.count, migrations.count)
        XCTAssertTrue(pendingStatus.allSatisfy { ($0 as? [String: Any])?.string("state") == "pending" }, "\(pendingStatus)")

        let applied = try ok(["migrate"])
        XCTAssertTrue(applied.stdout.contains("Applied \(migrations.count) migration"), "\(applied)")
        XCTAssertEqual(try target.query("SELECT to_regclass('track_matches') IS NOT NULL").scalar(Bool.self), true)
        XCTAssertEqual(try target.query("SELECT to_regclass('match_reviews') IS NOT NULL").scalar(Bool.self), true)

        let again = try ok(["migrate"])
        XCTAssertTrue(again.stdout.contains("Nothing to apply"), "\(again)")

        let status = try ok(["migrate", "--status", "--json"]).array()
        XCTAssertEqual(status.count, migrations.count)
        for case let entry as [String: Any] in status {
            XCTAssertEqual(entry.string("state"), "applied", "\(entry)")
            XCTAssertNotNil(entry.int("version"))
            XCTAssertNotNil(entry.string("name"))
            XCTAssertNotNil(entry["appliedAt"], "\(entry)")
        }
        let dryAgain = try ok(["migrate", "--dry-run"])
        XCTAssertTrue(dryAgain.stdout.contains("Nothing to apply"), "\(dryAgain)")
        XCTAssertFalse(dryAgain.stdout.contains("would apply"))
    }

    func testAMigrationChangedAfterItWasAppliedIsRefused() throws {
        databaseURL = try freshDatabase()
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("cli-migrations-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: copy) }
        try FileManager.default.copyItem(at: CLILocations.repositoryRoot.appendingPathComponent("migrations"), to: copy)
        let environment: [String: String?] = ["ROTATION_MIGRATIONS": copy.path]
        _ = try ok(["migrate"], environment: environment)
        let first = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: copy.path).filter { $0.hasSuffix(".sql") }.sorted().first)
        let handle = try FileHandle(forWritingTo: copy.appendingPathComponent(first))
        handle.seekToEndOfFile()
        handle.write(Data("\n-- edited after it was applied\n".utf8))
        try handle.close()

        let status = try rotation(["migrate", "--status"], environment: environment)
        XCTAssertEqual(status.status, 2, "\(status)")
        XCTAssertTrue(status.stdout.contains("changed"), "\(status)")
        let apply = try rotation(["migrate"], environment: environment)
        XCTAssertNotEqual(apply.status, 0, "\(apply)")
        XCTAssertTrue(apply.stderr.contains("was changed after it was applied"), "\(apply)")
    }

    func testHealthIsUpWhenBothTiersAreUp() throws {
        let human = try ok(["health"])
        XCTAssertTrue(human.stdout.contains("postgres"), "\(human)")
        XCTAssertTrue(human.stdout.contains("redis"), "\(human)")
        let report = try ok(["health", "--json"]).object()
        XCTAssertEqual(report.object("postgres")?.bool("up"), true, "\(report)")
        XCTAssertEqual(report.object("redis")?.bool("up"), true, "\(report)")
        XCTAssertNotNil(report.object("postgres")?.int("schemaVersion"), "\(report)")
        for secret in [password(in: databaseURL), password(in: redisURL)].compactMap({ $0 }) {
            XCTAssertFalse(human.stdout.contains(secret) || human.stderr.contains(secret), "a password was printed")
        }
    }

    func testHealthNamesRedisAndExits1WhenItIsDownWithoutPrintingPasswords() throws {
        let secret = "s3cret-\(UInt32.random(in: 0...UInt32.max))"
        let downRedis = "redis://:\(secret)@127.0.0.1:\(CLILocations.closedPort())/0"
        let human = try rotation(["health", "--timeout", "2"], environment: ["REDIS_URL": downRedis])
        XCTAssertEqual(human.status, 1, "\(human)")
        XCTAssertTrue(human.stderr.contains("redis"), "\(human)")
        XCTAssertFalse(human.stderr.contains("postgres down") || human.stderr.contains("postgres and"), "\(human)")
        XCTAssertTrue(human.stdout.contains("DOWN"), "\(human)")

        let json = try rotation(["health", "--json", "--timeout", "2"], environment: ["REDIS_URL": downRedis])
        XCTAssertEqual(json.status, 1, "\(json)")
        let report = try json.object()
        XCTAssertEqual(report.object("redis")?.bool("up"), false)
        XCTAssertEqual(report.object("postgres")?.bool("up"), true)

        let postgresSecret = try XCTUnwrap(password(in: databaseURL))
        for result in [human, json] {
            for text in [result.stdout, result.stderr] {
                XCTAssertFalse(text.contains(secret), "the Redis password was printed: \(result)")
                XCTAssertFalse(text.contains(postgresSecret), "the Postgres password was printed: \(result)")
            }
        }
    }

    func testWrongPasswordsAreReportedWithoutBeingPrinted() throws {
        let wrongRedis = "wrong-redis-\(UInt32.random(in: 0...UInt32.max))"
        var redisComponents = try XCTUnwrap(URLComponents(string: redisURL))
        redisComponents.password = wrongRedis
        let redisDown = try rotation(["health"], environment: ["REDIS_URL": redisComponents.string])
        XCTAssertEqual(redisDown.status, 1, "\(redisDown)")
        XCTAssertTrue(redisDown.stderr.contains("redis down"), "\(redisDown)")

        let wrongPostgres = "wrong-pg-\(UInt32.random(in: 0...UInt32.max))"
        var postgresComponents = try XCTUnwrap(URLComponents(string: databaseURL))
        postgresComponents.password = wrongPostgres
        let postgresDown = try rotation(["health"], environment: ["DATABASE_URL": postgresComponents.string])
        XCTAssertEqual(postgresDown.status, 1, "\(postgresDown)")
        XCTAssertTrue(postgresDown.stderr.contains("postgres down"), "\(postgresDown)")
        let listing = try rotation(["matches", "list"], environment: ["DATABASE_URL": postgresComponents.string])
        XCTAssertEqual(listing.status, 4, "\(listing)")

        for result in [redisDown, postgresDown, listing] {
            for secret in [wrongRedis, wrongPostgres] + [password(in: databaseURL), password(in: redisURL)].compactMap({ $0 }) {
                XCTAssertFalse(result.stdout.contains(secret) || result.stderr.contains(secret), "a password was printed: \(result)")
            }
        }
    }

    func testHealthNamesPostgresWhenItIsDown() throws {
        let secret = "pg-s3cret-\(UInt32.random(in: 0...UInt32.max))"
        let downPostgres = "postgres://rotation:\(secret)@127.0.0.1:\(CLILocations.closedPort())/rotation?sslmode=disable"
        let result = try rotation(["health", "--timeout", "2"], environment: ["DATABASE_URL": downPostgres])
        XCTAssertEqual(result.status, 1, "\(result)")
        XCTAssertTrue(result.stderr.contains("postgres"), "\(result)")
        XCTAssertFalse(result.stdout.contains(secret) || result.stderr.contains(secret), "\(result)")
    }
}
