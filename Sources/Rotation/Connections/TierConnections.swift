import Foundation
import Postgres
import Redis

/// How a program reaches the tiers, in one place: the primary (`DATABASE_URL`), the read route (a replica named
/// by `DATABASE_READ_URL` when it may answer, else the primary: `ReplicaReadRouting`), and Redis (`REDIS_URL`: one
/// server or a cluster, detected on first use: `DetectingRedisClient`). Nothing connects until it is first used,
/// and a failed connect is tried again on the next use, so a program starts and stays up with a tier down.
///
/// Each user of the tiers that must not wait behind another (a pane's sampler, the console's reads, a worker)
/// makes its own `TierConnections`; one instance's connections run one statement or command at a time.
public final class TierConnections: Sendable {
    private let primaryConnection: LazyResource<PostgresConnection>
    private let routing: ReplicaReadRouting
    private let redisClient: Result<any RedisClient, RedisError>?

    /// `connectTimeout` in seconds (nil: the client's default); `readOnly` forces read-only sessions whatever the
    /// settings say (the panes' samplers only read).
    /// `purpose` is the `application_name` the connections show in `pg_stat_activity`.
    public init(settings: RotationSettings, purpose: String, connectTimeout: Int? = nil, readOnly: Bool = false) {
        let primary = LazyResource<PostgresConnection> {
            try Self.openPrimary(settings, purpose: purpose, connectTimeout: connectTimeout, readOnly: readOnly)
        }
        primaryConnection = primary
        routing = ReplicaReadRouting(primary: primary, replica: settings.databaseReadURL.map { url in
            LazyResource {
                try PostgresConnection(Self.configuration(url, purpose: "\(purpose) (replica)",
                                                          connectTimeout: connectTimeout, readOnly: true))
            }
        })
        redisClient = Self.redisClient(settings)
    }

    // MARK: Postgres

    /// The primary: every write, and the re-read after one.
    public func primary() throws -> PostgresConnection { try primaryConnection.get() }

    /// The connection for a read that may come from the replica (lists, pages, stats).
    public func reader() throws -> PostgresConnection { try routing.connection() }

    /// Call after each committed write: reads stay on the primary until the replica has replayed it.
    public func wrote() { routing.wrote() }

    /// A new connection to the primary (`DATABASE_URL`), connected now.
    public static func openPrimary(
        _ settings: RotationSettings, purpose: String = "rotation", connectTimeout: Int? = nil, readOnly: Bool = false
    ) throws -> PostgresConnection {
        guard let url = settings.databaseURL else { throw ReviewError.databaseUnavailable("DATABASE_URL is not set") }
        return try PostgresConnection(configuration(url, purpose: purpose, connectTimeout: connectTimeout,
                                                    readOnly: readOnly || settings.readOnly))
    }

    private static func configuration(_ url: String, purpose: String, connectTimeout: Int?, readOnly: Bool)
        -> PostgresConfiguration
    {
        var configuration = PostgresConfiguration(url, applicationName: purpose, readOnly: readOnly)
        if let connectTimeout { configuration.connectTimeout = connectTimeout }
        return configuration
    }

    // MARK: Redis

    /// The cache; throws when `REDIS_URL` is unset or malformed. Connects on its first command.
    public func redis() throws -> any RedisClient {
        switch redisClient {
        case .success(let client): return client
        case .failure(let error): throw error
        case nil: throw RedisError.invalidConfiguration("REDIS_URL is not set")
        }
    }

    /// A new client for `REDIS_URL` (nil when unset): a server or a cluster, detected on its first command. A
    /// malformed URL throws `RedisError.invalidConfiguration`, naming which URL of several is wrong.
    public static func openRedis(_ settings: RotationSettings) throws -> (any RedisClient)? {
        try redisClient(settings)?.get()
    }

    private static func redisClient(_ settings: RotationSettings) -> Result<any RedisClient, RedisError>? {
        guard let url = settings.redisURL else { return nil }
        do {
            return .success(try DetectingRedisClient(url: url))
        } catch let error as RedisError {
            return .failure(error)
        } catch {
            return .failure(.invalidConfiguration("\(error)"))
        }
    }
}
