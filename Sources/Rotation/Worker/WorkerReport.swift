import Foundation

/// What one batch (or a whole run) did.
public struct WorkerReport: Sendable, Codable, Equatable {
    public var claimed = 0
    public var completed = 0
    /// Failed attempts put back in the queue for a later retry.
    public var retried = 0
    /// Jobs marked `failed`.
    public var failed = 0
    /// Jobs given back untouched because the worker was asked to stop.
    public var released = 0
    /// Jobs whose lease was lost before their results were written (another worker will do them).
    public var lost = 0
    public var tracks = 0
    public var candidates = 0
    public var autoApproved = 0
    public var pending = 0
    public var unmatched = 0
    /// `track_matches` rows inserted (not updated).
    public var matchesCreated = 0
    /// Redis keys whose write-through failed; the database holds the truth.
    public var cacheFailures = 0
    /// Tracks searched for (their Discogs videos left them unmatched), answered by the search cache or the API.
    public var searchedTracks = 0
    /// Jobs whose Discogs matches were written but whose search must wait (quota, API failure): back in the queue
    /// with the reason in `error_message`, no attempt counted.
    public var searchPostponed = 0
    /// Seconds spent in searches the cache did not answer (API calls and their quota reservations).
    public var searchAPISeconds = 0.0
    /// Discogs ids the worker completed, in order (what "each release once" is checked against).
    public var completedReleases: [Int64] = []
    /// `discogs_id: message` of jobs that failed or will be retried.
    public var failures: [String] = []

    public init() {}

    public var finishedJobs: Int { completed + failed + retried + searchPostponed }

    public static func += (lhs: inout WorkerReport, rhs: WorkerReport) {
        lhs.claimed += rhs.claimed; lhs.completed += rhs.completed; lhs.retried += rhs.retried
        lhs.failed += rhs.failed; lhs.released += rhs.released; lhs.lost += rhs.lost; lhs.tracks += rhs.tracks
        lhs.candidates += rhs.candidates; lhs.autoApproved += rhs.autoApproved; lhs.pending += rhs.pending
        lhs.unmatched += rhs.unmatched; lhs.matchesCreated += rhs.matchesCreated; lhs.cacheFailures += rhs.cacheFailures
        lhs.searchedTracks += rhs.searchedTracks; lhs.searchPostponed += rhs.searchPostponed
        lhs.searchAPISeconds += rhs.searchAPISeconds
        lhs.completedReleases += rhs.completedReleases
        // A worker that runs for days must not grow without bound: keep the latest failures only.
        lhs.failures = Array((lhs.failures + rhs.failures).suffix(WorkerReport.failuresKept))
    }

    static let failuresKept = 200
}
