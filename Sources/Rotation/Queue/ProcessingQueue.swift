import Foundation
import Matching
import Postgres

/// The shared `processing_queue` as our workers and `rotation queue` use it. Claims take `queued` rows in the web
/// app's order (`priority DESC, queued_at`) with `FOR UPDATE SKIP LOCKED` and lease them, so concurrent workers never
/// take the same row; a lease that runs out (its worker died) returns the row to the queue.
public struct ProcessingQueue: Sendable {
    public let connection: PostgresConnection
    public var policy: QueuePolicy

    public init(connection: PostgresConnection, policy: QueuePolicy = .default) {
        self.connection = connection; self.policy = policy
    }

    // MARK: Workers

    /// Returns abandoned `processing` rows to `queued`, counting the lost attempt (a row that used up its attempts,
    /// `max_retries` or the policy's, is marked `failed`): rows whose lease of ours ran out (their worker died), and
    /// rows without a lease (the web app's processor takes none) that have been processing for longer than
    /// `QueuePolicy.stuckWithoutLeaseSeconds`, with an `error_message` saying they were taken over. A row without a
    /// lease younger than that is being worked on elsewhere and is left alone.
    @discardableResult
    public func reclaimExpiredLeases() throws -> Int {
        try connection.query("""
            UPDATE processing_queue SET
              retry_count = COALESCE(retry_count, 0) + 1,
              status = CASE WHEN COALESCE(retry_count, 0) + 1 >= \(Self.attemptLimit) THEN 'failed' ELSE 'queued' END,
              error_message = CASE
                WHEN lease_expires_at IS NULL THEN
                  'taken over from another processor (the web app?): processing without a lease since '
                  || to_char(COALESCE(started_at, queued_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC, past the '
                  || $2 || 's stuck limit'
                  || CASE WHEN COALESCE(retry_count, 0) + 1 >= \(Self.attemptLimit)
                          THEN ' (gave up after ' || (COALESCE(retry_count, 0) + 1) || ' attempts)' ELSE '' END
                WHEN COALESCE(retry_count, 0) + 1 >= \(Self.attemptLimit)
                  THEN 'worker ' || COALESCE(leased_by, '?') || ' stopped before finishing (lease expired)'
                ELSE error_message END,
              completed_at = CASE WHEN COALESCE(retry_count, 0) + 1 >= \(Self.attemptLimit) THEN NOW() ELSE completed_at END,
              leased_by = NULL, lease_expires_at = NULL, next_attempt_at = NULL
            WHERE status = 'processing' AND \(Self.stuck(limit: "$2"))
            """, policy.maxAttempts, QueuePolicy.stuckWithoutLeaseSeconds).affectedRows
    }

    /// SQL: a row's limit of attempts, as `QueuePolicy.attemptLimit(maxRetries:)` computes it, with the policy's
    /// `maxAttempts` as `$1`.
    private static let attemptLimit = "GREATEST(1, COALESCE(max_retries, $1))"

    /// SQL, true for a `processing` row that is stuck, as `QueueEntry.isStuck(at:limitSeconds:)` decides in Swift:
    /// its lease of ours ran out, or it has none and has been processing for more than `limit` seconds (an SQL
    /// expression). The caller checks `status = 'processing'`.
    static func stuck(limit: String) -> String {
        "(lease_expires_at < NOW() OR \(stuckWithoutLease(limit: limit)))"
    }

    /// SQL, true for a row without a lease of ours that has been processing for more than `limit` seconds (an SQL
    /// expression). A row with no time at all counts as just started.
    static func stuckWithoutLease(limit: String) -> String {
        "(lease_expires_at IS NULL AND COALESCE(started_at, queued_at, NOW()) < NOW() - make_interval(secs => \(limit)))"
    }

    /// Claims up to `limit` queued rows that are due, leasing them to `worker`.
    public func claim(limit: Int, worker: String) throws -> [QueueJob] {
        // Without waiting for the WAL flush: a claim lost in a server crash only leaves the job queued.
        let result = try connection.transaction { db in
            try db.query("SET LOCAL synchronous_commit = off")
            return try db.query("""
            WITH picked AS (
              SELECT id FROM processing_queue
              WHERE status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= NOW())
              ORDER BY priority DESC, queued_at, id
              LIMIT $1
              FOR UPDATE SKIP LOCKED
            )
            UPDATE processing_queue q SET
              status = 'processing', leased_by = $2, lease_expires_at = NOW() + make_interval(secs => $3),
              started_at = NOW(), completed_at = NULL
            FROM picked WHERE q.id = picked.id
            RETURNING q.id, q.store_username, q.discogs_id, q.retry_count, q.max_retries, q.priority, q.queued_at
            """, limit, worker, Double(policy.leaseSeconds))
        }
        let jobs = try result.rows.map { (job: try QueueJob(row: $0), priority: try $0.decode("priority", as: Int?.self) ?? 0,
                                          queuedAt: try $0.decode("queued_at", as: Date?.self) ?? .distantPast) }
        // RETURNING has no order: hand jobs out in the order they were picked.
        return jobs.sorted {
            ($0.priority, $1.queuedAt, $1.job.id) > ($1.priority, $0.queuedAt, $0.job.id)
        }.map(\.job)
    }

    /// Extends the lease of jobs `worker` still holds, for releases that take long.
    @discardableResult
    public func extendLeases(_ ids: [Int64], worker: String) throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try connection.query("""
            UPDATE processing_queue SET lease_expires_at = NOW() + make_interval(secs => $3)
            WHERE id = ANY($1::bigint[]) AND leased_by = $2 AND status = 'processing'
            """, ids, worker, Double(policy.leaseSeconds)).affectedRows
    }

    /// Gives jobs back untouched (a worker stopping before it started them): no attempt is counted.
    @discardableResult
    public func release(_ ids: [Int64], worker: String) throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try connection.query("""
            UPDATE processing_queue SET status = 'queued', leased_by = NULL, lease_expires_at = NULL, started_at = NULL
            WHERE id = ANY($1::bigint[]) AND leased_by = $2 AND status = 'processing'
            """, ids, worker).affectedRows
    }

    /// Of `ids`, those `worker` still holds, locked until the surrounding transaction ends. Call inside the
    /// transaction that writes the jobs' results, so a job whose lease was lost is not written twice.
    public func lockHeld(_ ids: [Int64], worker: String, on db: PostgresConnection) throws -> Set<Int64> {
        guard !ids.isEmpty else { return [] }
        return Set(try db.query("""
            SELECT id FROM processing_queue
            WHERE id = ANY($1::bigint[]) AND leased_by = $2 AND status = 'processing'
            FOR UPDATE
            """, ids, worker).column("id", as: Int64.self))
    }

    /// Gives held jobs back to the queue, due in `seconds`, with `message` as their `error_message`, without counting
    /// an attempt: their release's Discogs matches were written, and the search they still need waits for the quota
    /// or the API. Inside the transaction that wrote them, instead of `complete`.
    func postpone(_ ids: [Int64], worker: String, message: String, seconds: Double, on db: PostgresConnection) throws {
        guard !ids.isEmpty else { return }
        try db.query("""
            UPDATE processing_queue SET status = 'queued', error_message = $3, started_at = NULL,
              next_attempt_at = NOW() + make_interval(secs => $4), leased_by = NULL, lease_expires_at = NULL
            WHERE id = ANY($1::bigint[]) AND leased_by = $2
            """, ids, worker, message, seconds)
    }

    /// Marks held jobs completed (inside the transaction that wrote their results).
    public func complete(_ ids: [Int64], worker: String, on db: PostgresConnection) throws {
        guard !ids.isEmpty else { return }
        try db.query("""
            UPDATE processing_queue SET status = 'completed', completed_at = NOW(), error_message = NULL,
              leased_by = NULL, lease_expires_at = NULL, next_attempt_at = NULL
            WHERE id = ANY($1::bigint[]) AND leased_by = $2
            """, ids, worker)
    }

    /// What became of a job that failed.
    public enum FailureOutcome: String, Sendable, Codable {
        /// Back in the queue, due after a backoff.
        case retryLater
        /// Out of attempts, or the failure cannot be cured by waiting.
        case failed
        /// The lease had already been lost: another worker owns the job now.
        case notHeld
    }

    /// Records a failed attempt (`retry_count` + 1, as the web app's processor counts a failed run): the job is
    /// retried after a backoff, or marked `failed` with `message` once it has used its attempts (the row's
    /// `max_retries`, else the policy's) or when `permanent` (retrying cannot help).
    @discardableResult
    public func fail(_ job: QueueJob, worker: String, message: String, permanent: Bool) throws -> FailureOutcome {
        let attempts = job.retryCount + 1
        let giveUp = permanent || attempts >= policy.attemptLimit(maxRetries: job.maxRetries)
        let text = giveUp && !permanent ? "\(message) (gave up after \(attempts) attempts)" : message
        let updated = try connection.query("""
            UPDATE processing_queue SET
              retry_count = $3, error_message = $4,
              status = CASE WHEN $5 THEN 'failed' ELSE 'queued' END,
              completed_at = CASE WHEN $5 THEN NOW() ELSE NULL END,
              next_attempt_at = CASE WHEN $5 THEN NULL ELSE NOW() + make_interval(secs => $6) END,
              leased_by = NULL, lease_expires_at = NULL
            WHERE id = $1 AND leased_by = $2 AND status = 'processing'
            """, job.id, worker, attempts, text, giveUp, policy.backoff(afterFailures: attempts)).affectedRows
        return updated == 0 ? .notHeld : (giveUp ? .failed : .retryLater)
    }

    // MARK: Operators

    /// What `requeue` did.
    public struct RequeueOutcome: Sendable, Codable, Equatable {
        /// Rows put back in the queue (or created for a release that had none).
        public var requeued = 0
        /// `processing` rows without a lease of ours, younger than the stuck limit, left alone: another processor
        /// (the web app's) is working on them.
        public var processingElsewhere = 0
        /// When the oldest of those started.
        public var processingElsewhereSince: Date?

        public init(requeued: Int = 0, processingElsewhere: Int = 0, processingElsewhereSince: Date? = nil) {
            self.requeued = requeued; self.processingElsewhere = processingElsewhere
            self.processingElsewhereSince = processingElsewhereSince
        }
    }

    /// Puts jobs back in the queue, due now with their attempts reset: every failed job (`failedOnly`), the jobs of
    /// one release, or the failed jobs of one release. A release in `releases` that has no queue row is enqueued
    /// for its store, with `release_data` built from its stored Discogs body (else its `releases` row). Jobs a live
    /// worker of ours holds are left alone, and so are `processing` rows without a lease (the web app's processor)
    /// younger than `QueuePolicy.stuckWithoutLeaseSeconds`, unless `force` takes them over.
    public func requeue(failedOnly: Bool, release: Int64?, force: Bool = false) throws -> RequeueOutcome {
        precondition(failedOnly || release != nil, "requeue needs --failed or a release")
        return try connection.transaction { db in
            var outcome = RequeueOutcome()
            let stuckLimit = QueuePolicy.stuckWithoutLeaseSeconds
            if !failedOnly && !force {
                let elsewhere = try db.query("""
                    SELECT count(*) AS n, min(COALESCE(started_at, queued_at)) AS since FROM processing_queue
                    WHERE ($1::bigint IS NULL OR discogs_id = $1) AND status = 'processing' AND lease_expires_at IS NULL
                      AND NOT \(Self.stuckWithoutLease(limit: "$2"))
                    """, release, stuckLimit).first
                outcome.processingElsewhere = try elsewhere?.decode("n", as: Int.self) ?? 0
                outcome.processingElsewhereSince = try elsewhere?.decode("since", as: Date?.self)
            }
            outcome.requeued = try db.query("""
                UPDATE processing_queue SET status = 'queued', retry_count = 0, error_message = NULL,
                  next_attempt_at = NULL, started_at = NULL, completed_at = NULL, leased_by = NULL,
                  lease_expires_at = NULL, queued_at = NOW()
                WHERE ($1::bigint IS NULL OR discogs_id = $1)
                  AND (CASE WHEN $2 THEN status = 'failed'
                            ELSE status IN ('failed', 'completed', 'queued')
                                 OR (status = 'processing'
                                     AND (lease_expires_at < NOW()
                                          OR (lease_expires_at IS NULL AND $3)
                                          OR \(Self.stuckWithoutLease(limit: "$4")))) END)
                """, release, failedOnly, force, stuckLimit).affectedRows
            if let release, !failedOnly,
               try db.query("SELECT count(*) FROM processing_queue WHERE discogs_id = $1", release).scalar(Int.self) == 0,
               let releaseData = try DiscogsListingRelease.stored(releaseID: release, on: db) {
                outcome.requeued += try db.query("""
                    INSERT INTO processing_queue (store_username, discogs_id, release_data)
                    SELECT store_username, discogs_id, $2::jsonb FROM releases WHERE discogs_id = $1
                    ON CONFLICT (store_username, discogs_id) DO NOTHING
                    """, release, PostgresJSON(try releaseData.releaseDataJSON)).affectedRows
            }
            return outcome
        }
    }

    /// Moves a release's queued jobs to the front: a priority above every other queued job, due now. Returns how
    /// many jobs moved (0 when the release has no queued job).
    public func bump(release: Int64) throws -> Int {
        try connection.query("""
            UPDATE processing_queue SET next_attempt_at = NULL,
              priority = (SELECT COALESCE(MAX(priority), 0) + 1 FROM processing_queue WHERE status = 'queued')
            WHERE discogs_id = $1 AND status = 'queued'
            """, release).affectedRows
    }

    /// The status of every queue row of a release (for messages such as "not queued: completed").
    public func statuses(release: Int64) throws -> [String] {
        try connection.query("SELECT status FROM processing_queue WHERE discogs_id = $1 ORDER BY id", release)
            .column("status", as: String.self)
    }

    /// Rows per status (every status with rows, including ones the web app invents), summed from the counters
    /// migration 0015's triggers keep: the same cost at 10M rows as at 10k.
    public func statusCounts() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try connection.query("""
            SELECT status, sum(n)::bigint AS n FROM queue_status_counts WHERE status IS NOT NULL
            GROUP BY status HAVING sum(n) <> 0
            """).rows {
            counts[try row.decode("status")] = try row.decode("n")
        }
        return counts
    }

    /// Releases waiting for a worker now (the worker's progress line).
    public func queuedCount() throws -> Int {
        try statusCounts()["queued"] ?? 0
    }

    /// Queue rows, optionally of one status: queued rows in claim order, others most recent first.
    public func list(status: String? = nil, limit: Int = 50) throws -> [QueueEntry] {
        try connection.query("""
            SELECT \(Self.entryColumns) FROM processing_queue q LEFT JOIN releases r ON r.discogs_id = q.discogs_id
            WHERE $1::text IS NULL OR q.status = $1
            ORDER BY CASE WHEN q.status = 'queued' THEN 0 ELSE 1 END,
                     CASE WHEN q.status = 'queued' THEN q.priority END DESC,
                     CASE WHEN q.status = 'queued' THEN q.queued_at END,
                     COALESCE(q.completed_at, q.started_at, q.queued_at) DESC, q.id
            LIMIT $2
            """, status, limit).rows.map(QueueEntry.init(row:))
    }
}
