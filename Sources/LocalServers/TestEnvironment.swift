import Foundation
import Synchronization

extension LocalServers {
    private static let sharedInstance = Mutex<LocalServers?>(nil)

    /// One pair of private servers for the whole process, started on first use and stopped at exit.
    public static func shared() throws -> LocalServers {
        try sharedInstance.withLock { sharedInstance in
            if let sharedInstance { return sharedInstance }
            let servers = try LocalServers.start(tls: LocalServers.testTLSShape)
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

/// The servers a test talks to: `DATABASE_URL` / `REDIS_URL` when set, otherwise the shared private servers.
public enum TestEnvironment {
    public static func postgresURL() throws -> String {
        if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty { return url }
        return try LocalServers.shared().postgresURL!
    }

    public static func redisURL() throws -> String {
        if let url = ProcessInfo.processInfo.environment["REDIS_URL"], !url.isEmpty { return url }
        return try LocalServers.shared().redisURL!
    }
}
