import Foundation
import LocalServers
import Redis
import XCTest

/// `rotation health` against TLS-only private servers, as an operator would point it at a hosted deployment:
/// `rediss://` with `REDIS_TLS_CA`, and `sslmode=verify-full` with `sslrootcert`.
final class TLSHealthCLITests: XCTestCase {
    func testHealthShowsTheTLSVersionAndTheVerifiedPeerOfEachTier() throws {
        let servers = try LocalServers.start(tls: LocalServers.TLSShape())
        defer { servers.stop() }
        let files = try XCTUnwrap(servers.tlsFiles)
        let postgresURL = try XCTUnwrap(servers.postgresURL)
        let redisComponents = try XCTUnwrap(URLComponents(string: try XCTUnwrap(servers.redisURL)))
        let redisPassword = try XCTUnwrap(redisComponents.password)
        // The CA through the environment, the host by name: what a hosted Redis's URL looks like.
        let redisURL = "rediss://:\(redisPassword)@localhost:\(redisComponents.port ?? 0)/0"
        let environment = ["DATABASE_URL": postgresURL, "REDIS_URL": redisURL, "REDIS_TLS_CA": files.caCertificate]

        let text = try run(["health"], environment: environment)
        XCTAssertEqual(text.status, 0, "\(text)")
        XCTAssertTrue(text.output.contains("rediss://:***@localhost"), text.output)
        XCTAssertTrue(text.output.contains("verified peer 127.0.0.1"), text.output)
        XCTAssertTrue(text.output.contains("verified peer localhost"), text.output)
        XCTAssertTrue(text.output.contains("tls TLSv1."), text.output)
        XCTAssertFalse(text.output.contains(redisPassword), text.output)
        XCTAssertFalse(text.output.contains(servers.postgresPassword), text.output)

        let json = try run(["health", "--json"], environment: environment)
        XCTAssertEqual(json.status, 0, "\(json)")
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let postgres = try XCTUnwrap(report["postgres"] as? [String: Any])
        let redis = try XCTUnwrap(report["redis"] as? [String: Any])
        XCTAssertEqual(postgres["tlsVerifiedPeer"] as? String, "127.0.0.1")
        XCTAssertEqual(redis["tlsVerifiedPeer"] as? String, "localhost")
        XCTAssertTrue((postgres["tlsVersion"] as? String)?.hasPrefix("TLSv1.") ?? false, "\(postgres)")
        XCTAssertTrue((redis["tlsVersion"] as? String)?.hasPrefix("TLSv1.") ?? false, "\(redis)")

        // An ACL user without INFO, as on a hosted Redis: the tier is up, with a note instead of a version.
        let admin = try RedisConnection.connect(RedisConfiguration(url: try XCTUnwrap(servers.redisURL)))
        defer { admin.close() }
        try admin.command("ACL", "SETUSER", "hosted", "on", ">hosted-secret-1", "~*", "+@all", "-info")
        var hosted = environment
        hosted["REDIS_URL"] = "rediss://hosted:hosted-secret-1@localhost:\(redisComponents.port ?? 0)/0"
        let limited = try run(["health"], environment: hosted)
        XCTAssertEqual(limited.status, 0, "\(limited)")
        XCTAssertTrue(limited.output.contains("refuses INFO"), limited.output)
        XCTAssertTrue(limited.output.contains("rediss://hosted:***@localhost"), limited.output)
        XCTAssertFalse(limited.output.contains("hosted-secret-1"), limited.output)

        // Without the CA the Redis certificate is not trusted: health says so and exits 1.
        var untrusted = environment
        untrusted["REDIS_TLS_CA"] = files.otherCACertificate
        let refused = try run(["health"], environment: untrusted)
        XCTAssertEqual(refused.status, 1, "\(refused)")
        XCTAssertTrue(refused.output.contains("certificate not trusted"), refused.output)
        XCTAssertFalse(refused.output.contains(redisPassword), refused.output)
    }

    private struct Run {
        var status: Int32
        var stdout: String
        var output: String
    }

    /// Runs the built `rotation` with only the given Rotation variables set.
    private func run(_ arguments: [String], environment: [String: String]) throws -> Run {
        let binary = try XCTUnwrap(CLILocations.binary(near: Bundle(for: TLSHealthCLITests.self).bundleURL))
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var base = ProcessInfo.processInfo.environment.filter { key, _ in
            !key.hasPrefix("ROTATION_") && !key.hasPrefix("REDIS_") && key != "DATABASE_URL"
        }
        base.merge(environment) { $1 }
        process.environment = base
        process.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Small outputs: reading to the end before waiting cannot fill a pipe the child still writes to.
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: stdout, output: stdout + stderr)
    }
}
