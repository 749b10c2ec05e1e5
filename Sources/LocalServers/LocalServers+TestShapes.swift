import Foundation

/// The shapes of the shared test servers, chosen by the environment so that a suite written against
/// `TestEnvironment` (or `CLITestCase`) runs once more against another kind of deployment unchanged:
///
/// - `ROTATION_TEST_TLS=1`: both servers TLS-only (LocalServers+TLS.swift).
/// - `ROTATION_TEST_REDIS=cluster`: the Redis is a private cluster of 3 masters with a replica each
///   (`LocalRedisCluster`, TLS too when `ROTATION_TEST_TLS` asks for it); its URL names one node.
/// - `ROTATION_TEST_POSTGRES=pgbouncer`: the Postgres handed to tests is reached through PgBouncer in transaction
///   mode; `postgresURL` stays the direct one, for what a pooler cannot carry (`CREATE DATABASE … TEMPLATE`,
///   `LISTEN`, a server restart).
extension LocalServers {
    public enum TestRedisShape: String, Sendable { case server, cluster }
    public enum TestPostgresShape: String, Sendable { case direct, pgBouncer = "pgbouncer" }

    public static var testRedisShape: TestRedisShape {
        ProcessInfo.processInfo.environment["ROTATION_TEST_REDIS"] == "cluster" ? .cluster : .server
    }

    public static var testPostgresShape: TestPostgresShape {
        ProcessInfo.processInfo.environment["ROTATION_TEST_POSTGRES"] == "pgbouncer" ? .pgBouncer : .direct
    }

    /// Starts a Postgres and a Redis of the test shape the environment asks for.
    public static func startTestShape(log: (String) -> Void = { _ in }) throws -> LocalServers {
        let cluster = testRedisShape == .cluster
        let servers = try start(redis: !cluster, tls: testTLSShape, log: log)
        do {
            if cluster { log("starting a Redis Cluster…"); try servers.startAttachedRedisCluster() }
            if testPostgresShape == .pgBouncer { log("starting PgBouncer…"); try servers.startPgBouncer() }
        } catch {
            servers.stop()
            throw error
        }
        return servers
    }

    /// The Postgres URL a test of the shape connects with: through PgBouncer when one runs, else direct.
    public var testPostgresURL: String? { pgBouncerURL ?? postgresURL }

    /// The Redis URL a test of the shape connects with: the attached cluster's first node (the client finds the
    /// others from it, and a test that makes the URL unreachable by changing its port reaches no node), else the
    /// server.
    public var testRedisURL: String? { redisCluster?.url ?? redisURL }

    /// A cluster started beside these servers (with their TLS files when they have them), stopped with them.
    @discardableResult
    public func startAttachedRedisCluster(masters: Int = 3, replicasPerMaster: Int = 1) throws -> LocalRedisCluster {
        if let cluster = redisCluster { return cluster }
        let cluster = try LocalRedisCluster.start(masters: masters, replicasPerMaster: replicasPerMaster,
                                                  tls: tlsFiles.map { .files($0) })
        attachedRedisCluster.withLock { $0 = cluster }
        return cluster
    }

    /// The cluster of `startAttachedRedisCluster()`, nil before.
    public var redisCluster: LocalRedisCluster? { attachedRedisCluster.withLock { $0 } }
}
