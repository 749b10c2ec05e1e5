import Foundation

/// What happened to the cache after a committed change.
public enum CacheWriteResult: String, Codable, Sendable {
    /// `SET ... EX` of the new value.
    case written
    /// `UNLINK` of the key.
    case unlinked
    /// Redis could not be reached; the key is queued (in Postgres) for repair when Redis is back.
    case repairQueued = "repair_queued"
    /// Read-only mode: no Redis writes.
    case skipped
}

/// One applied review decision.
public struct ReviewOutcome: Codable, Sendable {
    /// The `match_reviews` row that logs it.
    public var reviewID: Int64
    public var action: ReviewAction
    public var reviewer: String
    /// Nil for bulk actions.
    public var key: TrackKey?
    public var before: TrackMatch?
    public var after: TrackMatch?
    public var loggedAt: Date?
    public var cache: CacheWriteResult
    /// For bulk actions and their undo: how many rows were deleted or restored, and how many were skipped.
    public var rowsAffected: Int
    public var rowsSkipped: Int
    /// For an undo: the decision it reversed.
    public var undoes: Int64?
    /// True when the connection was lost during the commit and a re-read showed it had committed.
    public var resolvedAfterConnectionLoss: Bool
}

/// What a bulk action (a clear, a confidence normalization) would touch, without touching it.
public struct BulkActionPlan: Codable, Sendable {
    public var rows: Int
    public var sample: [TrackMatch]

    public init(rows: Int, sample: [TrackMatch]) {
        self.rows = rows
        self.sample = sample
    }
}
