import Foundation
import Postgres

/// The queue pane's and `rotation queue stats`' figures: exact counts per status, the oldest queued job, recent
/// throughput with an ETA, stuck `processing` rows, the latest failures, and the jobs that wait with a reason.
public struct QueueStatistics: Sendable, Codable, Equatable {
    /// Exact row counts per status (every status present in the table, including ones the web app invents).
    public var counts: [String: Int]
    public var oldestQueuedAgeSeconds: Double?
    /// Jobs completed in the last `throughputWindowSeconds`.
    public var completedInWindow: Int
    public var throughputWindowSeconds: Int
    /// Completed jobs per second over the window.
    public var throughputPerSecond: Double
    /// Seconds to drain the queued jobs at that throughput; nil when nothing completes.
    public var etaSeconds: Double?
    /// `processing` rows whose lease expired, or that carry no lease and started longer ago than the stuck limit.
    public var stuck: [QueueEntry]
    public var recentFailures: [QueueEntry]
    /// `queued` jobs due later that say why they wait (`error_message`): a search postponed until the quota or the
    /// API is back (`ProcessingQueue.postpone`), or a failed attempt waiting out its backoff.
    public var postponed: Int
    /// The few of them due last, latest first, with their reason and `nextAttemptAt`.
    public var latestPostponed: [QueueEntry]

    public var queued: Int { counts["queued"] ?? 0 }
    public var processing: Int { counts["processing"] ?? 0 }
    public var completed: Int { counts["completed"] ?? 0 }
    public var failed: Int { counts["failed"] ?? 0 }
}

extension ProcessingQueue {
    /// Reads the statistics. Counts are true counts, summed from the counters migration 0015's triggers keep (the
    /// same cost at 10M rows as at 10k); the other figures use the partial indexes of migrations 0006, 0015 and 0016.
    public func statistics(throughputWindowSeconds: Int = 300, stuckAfterSeconds: Int = QueuePolicy.stuckWithoutLeaseSeconds,
                           failureLimit: Int = 10, postponedLimit: Int = 5)
        throws -> QueueStatistics {
        let counts = try statusCounts()
        let oldest = try connection.query("""
            SELECT EXTRACT(EPOCH FROM NOW() - MIN(queued_at))::float8 AS age FROM processing_queue WHERE status = 'queued'
            """).scalar(Double?.self)
        let completedInWindow = try connection.query("""
            SELECT count(*) FROM processing_queue
            WHERE status = 'completed' AND completed_at > NOW() - make_interval(secs => $1)
            """, Double(throughputWindowSeconds)).scalar(Int.self)
        let columns = Self.entryColumns
        let stuck = try connection.query("""
            SELECT \(columns) FROM processing_queue q LEFT JOIN releases r ON r.discogs_id = q.discogs_id
            WHERE q.status = 'processing'
              AND \(Self.stuck(limit: "$1"))
            ORDER BY q.started_at LIMIT 50
            """, Double(stuckAfterSeconds)).rows.map(QueueEntry.init(row:))
        let failures = try connection.query("""
            SELECT \(columns) FROM processing_queue q LEFT JOIN releases r ON r.discogs_id = q.discogs_id
            WHERE q.status = 'failed' ORDER BY q.completed_at DESC NULLS LAST, q.id DESC LIMIT $1
            """, failureLimit).rows.map(QueueEntry.init(row:))
        let postponed = try connection.query(Self.postponedCountSQL).scalar(Int.self)
        let latestPostponed = try connection.query(Self.latestPostponedSQL, postponedLimit).rows.map(QueueEntry.init(row:))
        let throughput = Double(completedInWindow) / Double(max(1, throughputWindowSeconds))
        let queued = counts["queued"] ?? 0
        return QueueStatistics(
            counts: counts, oldestQueuedAgeSeconds: oldest, completedInWindow: completedInWindow,
            throughputWindowSeconds: throughputWindowSeconds, throughputPerSecond: throughput,
            etaSeconds: throughput > 0 ? Double(queued) / throughput : (queued == 0 ? 0 : nil),
            stuck: stuck, recentFailures: failures, postponed: postponed, latestPostponed: latestPostponed)
    }

    /// SQL, true for a postponed row: queued, with a reason, due later. Migration 0016's partial index
    /// `processing_queue_postponed_idx` holds exactly the rows the first two terms select.
    static func postponedCondition(alias: String = "") -> String {
        "\(alias)status = 'queued' AND \(alias)error_message IS NOT NULL AND \(alias)next_attempt_at > NOW()"
    }

    /// SQL: how many rows are postponed (a range scan of `processing_queue_postponed_idx`).
    static var postponedCountSQL: String { "SELECT count(*) FROM processing_queue WHERE \(postponedCondition())" }

    /// SQL: the `$1` postponed rows due last, latest first, read from the top of `processing_queue_postponed_idx`.
    static var latestPostponedSQL: String {
        """
        SELECT \(entryColumns) FROM processing_queue q LEFT JOIN releases r ON r.discogs_id = q.discogs_id
        WHERE \(postponedCondition(alias: "q."))
        ORDER BY q.next_attempt_at DESC, q.id DESC LIMIT $1
        """
    }

    /// The columns `QueueEntry(row:)` reads, from `processing_queue q` joined to `releases r`.
    static let entryColumns = """
        q.id, q.store_username, q.discogs_id, r.title, q.status, q.priority, q.queued_at, q.started_at,
        q.completed_at, q.retry_count, q.error_message, q.leased_by, q.lease_expires_at, q.next_attempt_at
        """
}
