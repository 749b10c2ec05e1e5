import Foundation
import Postgres
import Redis

/// The state of one tier as `rotation health` and the console's health pane show it.
public struct TierHealth: Codable, Sendable, Equatable {
    public var tier: String
    public var up: Bool
    /// The server's address without its password.
    public var target: String
    public var version: String?
    public var roundTripMilliseconds: Double?
    /// Postgres only: the highest applied migration.
    public var schemaVersion: Int?
    /// Postgres only: the schema check's one-line summary, and whether the shape is compatible.
    public var schemaCheck: String?
    public var schemaCompatible: Bool?
    /// The TLS version of the connection (`TLSv1.3`); nil when it is not encrypted.
    public var tlsVersion: String?
    /// The name or address the server's certificate was verified against; nil when unencrypted or not verified
    /// (Postgres below `sslmode=verify-full`).
    public var tlsVerifiedPeer: String?
    /// What could not be read from a tier that is up (a hosted Redis that refuses INFO); nil when nothing.
    public var note: String?
    /// Redis only: "cluster of 3 masters" for a cluster; nil for one server.
    public var deployment: String? = nil
    public var error: String?
}

/// Both tiers at once.
public struct HealthReport: Codable, Sendable, Equatable {
    public var postgres: TierHealth
    public var redis: TierHealth
    /// The read replica, when `DATABASE_READ_URL` is set (ReplicaHealth.swift).
    public var replica: ReplicaHealth? = nil
    public var allUp: Bool { postgres.up && redis.up }
}

/// Checks each tier with a short connect timeout, never throwing: a tier that is down is reported as such.
public enum HealthCheck {
    public static func run(settings: RotationSettings, timeoutSeconds: Int = 3) -> HealthReport {
        HealthReport(postgres: postgres(settings.databaseURL, timeoutSeconds: timeoutSeconds),
                     redis: redis(settings.redisURL, timeoutSeconds: timeoutSeconds),
                     replica: replica(settings.databaseReadURL, primaryURL: settings.databaseURL, timeoutSeconds: timeoutSeconds))
    }

    public static func postgres(_ url: String?, timeoutSeconds: Int) -> TierHealth {
        guard let url else {
            return TierHealth(tier: "postgres", up: false, target: "(unset)", error: "DATABASE_URL is not set")
        }
        let configuration = PostgresConfiguration(url, connectTimeout: timeoutSeconds, statementTimeout: timeoutSeconds * 1000)
        var health = TierHealth(tier: "postgres", up: false, target: configuration.redacted)
        do {
            let db = try PostgresConnection(configuration)
            defer { db.close() }
            health.roundTripMilliseconds = milliseconds(try db.ping())
            health.version = db.serverVersion
            if let tls = db.tlsInfo {
                health.tlsVersion = tls.version
                health.tlsVerifiedPeer = tls.verifiedPeer
            }
            health.schemaVersion = try MigrationRunner(connection: db, migrations: []).currentVersion()
            let check = try SchemaCheck.run(on: db)
            health.schemaCheck = check.summary
            health.schemaCompatible = check.compatible
            health.up = true
        } catch {
            health.error = "\(error)"
        }
        return health
    }

    /// One server, or a cluster named by any of its nodes (the round trip, version and TLS of the first master;
    /// `deployment` says how many masters serve the slots).
    public static func redis(_ url: String?, timeoutSeconds: Int) -> TierHealth {
        guard let url else {
            return TierHealth(tier: "redis", up: false, target: "(unset)", error: "REDIS_URL is not set")
        }
        do {
            let configurations = try RedisDeployment.configurations(
                url: url, connectTimeout: .seconds(timeoutSeconds), commandTimeout: .seconds(timeoutSeconds))
            var health = TierHealth(tier: "redis", up: false, target: configurations.map(\.redacted).joined(separator: ","))
            do {
                let client = try RedisDeployment.connect(configurations)
                let nodes = client.scanNodes()
                defer { for node in nodes { node.close() } }
                guard let redis = nodes.first else { throw RedisError.server("CLUSTERDOWN no master serves slots") }
                health.roundTripMilliseconds = milliseconds(try redis.ping())
                if client.isCluster { health.deployment = "cluster of \(nodes.count) master\(nodes.count == 1 ? "" : "s")" }
                do {
                    health.version = try redis.info(section: "server").version
                } catch let error as RedisError where error.isCommandRefused {
                    // A hosted Redis may refuse INFO to this user: the tier still answers.
                    health.note = "this server refuses INFO to this user: version unknown"
                }
                health.tlsVersion = redis.tlsInfo?.version
                health.tlsVerifiedPeer = redis.tlsInfo?.verifiedPeer
                health.up = true
            } catch {
                health.error = "\(error)"
            }
            return health
        } catch {
            return TierHealth(tier: "redis", up: false, target: "(invalid REDIS_URL)", error: "\(error)")
        }
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
