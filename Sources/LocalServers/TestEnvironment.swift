import Foundation
import Synchronization

extension LocalServers {
    private static let sharedInstance = Mutex<LocalServers?>(nil)

    /// One pair of private servers for the whole process, of the test shape the environment asks for
    /// (LocalServers+TestShapes.swift), started on first use and stopped at exit.
    public static func shared() throws -> LocalServers {
        try sharedInstance.withLock { sharedInstance in
            if let sharedInstance { return sharedInstance }
            let servers = try LocalServers.startTestShape()
            sharedInstance = servers
            atexit { LocalServers.stopShared() }
            return servers
        }
    }

    static func stopShared() {
        let servers = sharedInstance.withLock { sharedInstance in
            let servers = sharedInstance
            sharedInstance = nil
            return servers
        }
        servers?.stop()
    }
}

/// The servers a test talks to: `DATABASE_URL` / `REDIS_URL` when set, otherwise the shared private servers
/// (through PgBouncer, or a cluster, when the test shape says so).
public enum TestEnvironment {
    public static func postgresURL() throws -> String {
        if let url = environment("DATABASE_URL") { return url }
        return try LocalServers.shared().testPostgresURL!
    }

    /// A direct connection to the Postgres behind `postgresURL()` (the same URL unless a pooler is in between):
    /// for what a transaction pooler cannot carry, such as `CREATE DATABASE … TEMPLATE` (the pooler keeps idle
    /// server connections to the template) or `LISTEN`. With `DATABASE_URL` set, `DATABASE_LISTEN_URL` if given.
    public static func directPostgresURL() throws -> String {
        if let url = environment("DATABASE_URL") { return environment("DATABASE_LISTEN_URL") ?? url }
        return try LocalServers.shared().postgresURL!
    }

    public static func redisURL() throws -> String {
        if let url = environment("REDIS_URL") { return url }
        return try LocalServers.shared().testRedisURL!
    }

    private static func environment(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }
}
