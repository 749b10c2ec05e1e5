import Foundation
import LocalServers
import Redis
import XCTest

/// Test connections to a real server: REDIS_URL when set, otherwise the shared private server. Tests use
/// database 9 and a key prefix of their own, and remove their keys with SCAN + UNLINK, so they never disturb
/// other suites sharing the server (no FLUSHDB).
enum RedisTestSupport {
    static let database = 9

    static func configuration(commandTimeout: Duration = .seconds(5)) throws -> RedisConfiguration {
        var configuration = try RedisConfiguration(url: TestEnvironment.redisURL(), commandTimeout: commandTimeout)
        configuration.database = database
        return configuration
    }

    static func connection(commandTimeout: Duration = .seconds(5)) throws -> RedisConnection {
        try RedisConnection.connect(configuration(commandTimeout: commandTimeout))
    }

    /// A prefix no other test run uses.
    static func uniquePrefix(_ name: String = #function) -> String {
        "redis-tests:\(name.prefix(while: { $0 != "(" })):\(UUID().uuidString):"
    }

    static func removeKeys(withPrefix prefix: String, using connection: RedisConnection) throws {
        try connection.scanAllKeyBytes(match: globEscaped(prefix) + "*", count: 1000) { batch in
            _ = try connection.command(["UNLINK"] + batch.map { $0 as any RedisArgument })
            return true
        }
    }

    static func globEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if "*?[]\\".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}

/// A private Redis for a test that stops or restarts it; never the shared one.
final class PrivateRedis {
    let servers: LocalServers
    let url: String

    init() throws {
        servers = try LocalServers.start(postgres: false, redis: true)
        url = try XCTUnwrap(servers.redisURL)
    }

    deinit { servers.stop() }
}
