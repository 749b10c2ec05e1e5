import Foundation

/// How the queue leases and retries: configuration, not literals in the SQL.
public struct QueuePolicy: Sendable, Equatable, Codable {
    /// How long a claim lasts; a worker that dies loses its jobs to others after this.
    public var leaseSeconds: Int
    /// Attempts before a job is marked `failed` (the first attempt counts), for rows without `max_retries`. A row's
    /// own `max_retries` (the web app's column, default 3) is its limit: `retry_count` counts failed runs, one per
    /// failed or abandoned run, in both processors.
    public var maxAttempts: Int
    /// Delay before the first retry; doubled for each further attempt, capped by `maxBackoffSeconds`.
    public var backoffBaseSeconds: Double
    public var maxBackoffSeconds: Double

    public init(leaseSeconds: Int = 120, maxAttempts: Int = 5, backoffBaseSeconds: Double = 30, maxBackoffSeconds: Double = 3600) {
        self.leaseSeconds = leaseSeconds; self.maxAttempts = maxAttempts
        self.backoffBaseSeconds = backoffBaseSeconds; self.maxBackoffSeconds = maxBackoffSeconds
    }

    public static let `default` = QueuePolicy()

    /// Seconds a `processing` row without a lease of ours may run before it counts as stuck. The web app's queue
    /// processor takes rows without a lease and keeps no heartbeat, so until then such a row is being worked on
    /// elsewhere: `queue requeue` leaves it alone (unless forced), the worker does not reclaim it, and the queue
    /// pane and `queue stats` do not call it stuck.
    public static let stuckWithoutLeaseSeconds = 900

    /// The limit of attempts of a job whose row says `maxRetries` (nil when the row has none).
    public func attemptLimit(maxRetries: Int?) -> Int {
        maxRetries.map { max(1, $0) } ?? maxAttempts
    }

    /// Seconds to wait before attempt number `retryCount + 1`.
    public func backoff(afterFailures retryCount: Int) -> Double {
        min(maxBackoffSeconds, backoffBaseSeconds * pow(2, Double(max(0, retryCount - 1))))
    }
}
