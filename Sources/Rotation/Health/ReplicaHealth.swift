import Foundation
import Postgres

/// The read replica (`DATABASE_READ_URL`) as `rotation health` and the health pane show it: up or not, and how far
/// behind the primary it is (ReplicaPosition).
public struct ReplicaHealth: Codable, Sendable, Equatable {
    public var up: Bool
    /// The replica's address without its password.
    public var target: String
    /// WAL bytes the replica has not replayed yet.
    public var lagBytes: Int64?
    /// Seconds since the last transaction it replayed (grows while the primary is idle too).
    public var replayAgeSeconds: Double?
    /// False when the URL names a server that is not in recovery (not a replica).
    public var inRecovery: Bool?
    public var error: String?

    /// One line: "lag 0 B, last replay 1.2 s ago".
    public var summary: String {
        guard up, let lagBytes else { return "down" + (error.map { ": \($0)" } ?? "") }
        var text = "lag \(Self.bytes(lagBytes))"
        if let replayAgeSeconds { text += String(format: ", last replay %.1f s ago", replayAgeSeconds) }
        if inRecovery == false { text += " (not a replica)" }
        return text
    }

    static func bytes(_ count: Int64) -> String {
        count < 1024 ? "\(count) B" : count < 1 << 20 ? String(format: "%.1f kB", Double(count) / 1024)
            : String(format: "%.1f MB", Double(count) / 1_048_576)
    }
}

extension HealthCheck {
    /// The replica's health; nil when `readURL` is unset.
    public static func replica(_ readURL: String?, primaryURL: String?, timeoutSeconds: Int) -> ReplicaHealth? {
        guard let readURL else { return nil }
        let configuration = PostgresConfiguration(readURL, connectTimeout: timeoutSeconds,
                                                  statementTimeout: timeoutSeconds * 1000, readOnly: true)
        var health = ReplicaHealth(up: false, target: configuration.redacted)
        do {
            let replica = try PostgresConnection(configuration)
            defer { replica.close() }
            health.up = true
            guard let primaryURL else { return health }
            let primary = try PostgresConnection(PostgresConfiguration(primaryURL, connectTimeout: timeoutSeconds,
                                                                       statementTimeout: timeoutSeconds * 1000))
            defer { primary.close() }
            let lag = try ReplicaPosition.lag(replica: replica, primary: primary)
            health.lagBytes = lag.bytes
            health.replayAgeSeconds = lag.replayAge
            health.inRecovery = lag.isReplica
        } catch {
            health.error = "\(error)"
        }
        return health
    }
}
