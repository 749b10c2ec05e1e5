import Foundation
import Postgres

/// A queue row as `rotation queue list` shows it.
public struct QueueEntry: Sendable, Codable, Equatable {
    public var id: Int64
    public var store: String
    public var discogsID: Int64
    public var title: String?
    public var status: String
    public var priority: Int
    public var queuedAt: Date?
    public var startedAt: Date?
    public var completedAt: Date?
    public var retryCount: Int
    public var errorMessage: String?
    public var leasedBy: String?
    public var leaseExpiresAt: Date?
    public var nextAttemptAt: Date?

    init(row: PostgresRow) throws {
        id = try row.decode("id")
        store = try row.decode("store_username")
        discogsID = try row.decode("discogs_id")
        title = try row.decode("title")
        status = try row.decode("status")
        priority = try row.decode("priority", as: Int?.self) ?? 0
        queuedAt = try row.decode("queued_at")
        startedAt = try row.decode("started_at")
        completedAt = try row.decode("completed_at")
        retryCount = try row.decode("retry_count", as: Int?.self) ?? 0
        errorMessage = try row.decode("error_message")
        leasedBy = try row.decode("leased_by")
        leaseExpiresAt = try row.decode("lease_expires_at")
        nextAttemptAt = try row.decode("next_attempt_at")
    }
}

extension QueueEntry {
    /// Whether this row is stuck at `now`: `processing` with a lease of ours that ran out (its worker died: a lease
    /// renews while work goes on), or without a lease (the web app's processor takes none) and running for longer
    /// than `limitSeconds`. A row with no time at all counts as just started. `ProcessingQueue.stuck(limit:)` is the
    /// same rule in SQL, for `queue stats` and the worker's reclaim.
    public func isStuck(at now: Date, limitSeconds: Int = QueuePolicy.stuckWithoutLeaseSeconds) -> Bool {
        guard status == "processing" else { return false }
        if let leaseExpiresAt { return leaseExpiresAt < now }
        let since = startedAt ?? queuedAt ?? now
        return now.timeIntervalSince(since) > TimeInterval(limitSeconds)
    }
}
