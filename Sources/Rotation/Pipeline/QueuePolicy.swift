import Foundation

/// How the queue leases and retries: configuration, not literals in the SQL.
public struct QueuePolicy: Sendable, Equatable, Codable {
    /// How long a claim lasts; a worker that dies loses its jobs to others after this.
    public var leaseSeconds: Int
    /// Attempts before a job is marked `failed` (the first attempt counts).
    public var maxAttempts: Int
    /// Delay before the first retry; doubled for each further attempt, capped by `maxBackoffSeconds`.
    public var backoffBaseSeconds: Double
    public var maxBackoffSeconds: Double

    public init(leaseSeconds: Int = 120, maxAttempts: Int = 5, backoffBaseSeconds: Double = 30, maxBackoffSeconds: Double = 3600) {
        self.leaseSeconds = leaseSeconds; self.maxAttempts = maxAttempts
        self.backoffBaseSeconds = backoffBaseSeconds; self.maxBackoffSeconds = maxBackoffSeconds
    }

    public static let `default` = QueuePolicy()

    /// Seconds to wait before attempt number `retryCount + 1`.
    public func backoff(afterFailures retryCount: Int) -> Double {
        min(maxBackoffSeconds, backoffBaseSeconds * pow(2, Double(max(0, retryCount - 1))))
    }
}
