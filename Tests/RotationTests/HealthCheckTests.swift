import Foundation
import LocalServers
import Rotation
import XCTest

final class HealthCheckTests: XCTestCase {
    func testBothTiersUpReportVersionsRoundTripsAndSchema() throws {
        let (url, _) = try TestDatabase.fresh()
        var settings = RotationSettings(environment: [:])
        settings.databaseURL = url
        settings.redisURL = try TestEnvironment.redisURL()
        let report = HealthCheck.run(settings: settings)
        XCTAssertTrue(report.allUp, "\(report)")
        XCTAssertNotNil(report.postgres.version)
        XCTAssertNotNil(report.redis.version)
        XCTAssertNotNil(report.postgres.roundTripMilliseconds)
        XCTAssertNotNil(report.redis.roundTripMilliseconds)
        let latest = try Migration.load(from: TestDatabase.migrationsDirectory).last?.version
        XCTAssertEqual(report.postgres.schemaVersion, latest)
    }

    func testTierThatIsDownIsNamedWithoutItsPassword() throws {
        let servers = try LocalServers.start()
        defer { servers.stop() }
        var settings = RotationSettings(environment: [:])
        settings.databaseURL = servers.postgresURL
        settings.redisURL = servers.redisURL
        XCTAssertTrue(HealthCheck.run(settings: settings).allUp)

        servers.stopRedis()
        let report = HealthCheck.run(settings: settings, timeoutSeconds: 1)
        XCTAssertTrue(report.postgres.up)
        XCTAssertFalse(report.redis.up)
        XCTAssertNotNil(report.redis.error)
        let redisPassword = URLComponents(string: servers.redisURL!)!.password!
        let postgresPassword = URLComponents(string: servers.postgresURL!)!.password!
        let printed = "\(report)"
        XCTAssertFalse(printed.contains(redisPassword))
        XCTAssertFalse(printed.contains(postgresPassword))
        XCTAssertTrue(report.redis.target.contains("***"))
        XCTAssertNil(report.postgres.schemaVersion, "a bare private database has no migrations applied")

        servers.stopPostgres()
        let bothDown = HealthCheck.run(settings: settings, timeoutSeconds: 1)
        XCTAssertFalse(bothDown.postgres.up)
        XCTAssertFalse("\(bothDown)".contains(postgresPassword))
    }

    func testUnsetURLsAreReportedAsDown() {
        let report = HealthCheck.run(settings: RotationSettings(environment: [:]))
        XCTAssertFalse(report.postgres.up)
        XCTAssertEqual(report.postgres.error, "DATABASE_URL is not set")
        XCTAssertEqual(report.redis.error, "REDIS_URL is not set")
    }
}
