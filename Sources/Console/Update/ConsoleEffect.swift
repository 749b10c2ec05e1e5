import Foundation
import Matching

/// Correlates an effect with the events that answer it. Results for a request the console no longer waits for
/// (the user moved on) are dropped.
public struct RequestID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public static func < (lhs: RequestID, rhs: RequestID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "#\(rawValue)" }
}

/// A track a decision applies to, with what the reviewer saw of its match (the optimistic guard): the service
/// refuses the decision when the row changed since.
public struct ReviewTarget: Hashable, Sendable {
    public enum Seen: Hashable, Sendable {
        /// The track had no stored match (replacing an unmatched track).
        case noMatch
        /// The match row with this `updated_at` (nil when the row carried none).
        case match(updatedAt: Date?)
    }

    public var track: TrackReference
    public var seen: Seen

    public init(track: TrackReference, seen: Seen) {
        self.track = track
        self.seen = seen
    }

    /// The guard for a row as it is shown.
    public init(_ row: TrackRow) {
        self.init(track: row.reference,
                  seen: row.status == .unmatched || row.url == nil ? .noMatch : .match(updatedAt: row.updatedAt))
    }
}

/// The review decisions of DESIGN.md section 4.
public enum ReviewDecision: Hashable, Sendable {
    case approve
    case reject
    /// Approve this URL instead (typed in the replace form, or an alternative candidate).
    case replace(url: String, platform: Platform)
    case needsReview
    case clear

    /// A verb for messages ("approving 3 tracks").
    public var verb: String {
        switch self {
        case .approve: return "approving"
        case .reject: return "rejecting"
        case .replace: return "replacing"
        case .needsReview: return "sending back to review"
        case .clear: return "clearing"
        }
    }
}

/// One decision applied to one or more tracks. Each target is its own guarded transaction in the service.
public struct ReviewCommand: Hashable, Sendable {
    public var decision: ReviewDecision
    public var targets: [ReviewTarget]

    public init(decision: ReviewDecision, targets: [ReviewTarget]) {
        self.decision = decision
        self.targets = targets
    }
}

/// What the console asks the outside world to do. `update` returns these; a `ConsoleEffectHandler` runs them off
/// the UI thread and answers with `ConsoleEvent`s carrying the same `RequestID`.
public enum ConsoleEffect: Hashable, Sendable {
    /// Every store with its pending and unmatched counts (stores are few: one page).
    case loadStores(RequestID)
    /// A page of a store's releases that have pending work, after the opaque keyset cursor (nil: first page).
    /// Answer: `.releasesLoaded`.
    case loadReleases(RequestID, store: String, after: String?)
    /// Every track of a release with its match and candidates. Answer: `.tracksLoaded`.
    case loadTracks(RequestID, releaseID: Int64)
    /// Apply a decision to tracks. Answer: `.reviewApplied` (possibly after partial success) or `.reviewConflict`.
    case review(RequestID, ReviewCommand)
    /// Reverse this reviewer's latest decision not yet undone. Answer: `.reviewApplied`.
    case undo(RequestID)
    /// A page of a store's releases with coverage, and its sync log (first page only). Answer: `.inventoryLoaded`.
    case loadInventory(RequestID, store: String, after: String?)
    /// One budgeted step of `match:*` keys (a token from the last page, nil: start). Answer: `.cacheKeysLoaded`.
    case loadCacheKeys(RequestID, after: String?)
    /// Count and sample what a clear would remove. Answer: `.cacheClearPreviewProgress`... while a wide scope
    /// walks the keyspace, then `.cacheClearPreviewed`; a `.cancel` stops it between steps.
    case previewCacheClear(RequestID, CacheClearScope)
    /// SCAN + UNLINK in batches. Answer: `.cacheClearProgress`..., then `.cacheClearFinished`, or
    /// `.cacheClearStopped` when a `.cancel` stopped it between batches.
    case clearCache(RequestID, CacheClearScope)
    /// A page of queue rows for a filter. Answer: `.queueRowsLoaded`.
    case loadQueue(RequestID, QueueFilter, after: String?)
    /// Answer: `.queueRowsChanged`.
    case requeue(RequestID, jobIDs: [Int64])
    /// Answer: `.queueRowsChanged`.
    case bumpPriority(RequestID, jobIDs: [Int64])
    /// The user gave up on a running request: the handler trips its stop signal, which a browse, dry run or
    /// clear checks between SCAN and UNLINK batches.
    case cancel(RequestID)
    /// Open in the browser (`xdg-open`, else OSC 52 copy). Answer: `.notice` or `.requestFailed`.
    case openURL(RequestID, String)
    /// Play with the configured player command. Answer: `.notice` or `.requestFailed`.
    case playURL(RequestID, String)
    /// The dry run of a cache warm (from the cache screen's warm key). Answer: `.cacheWarmPlanned`.
    case previewCacheWarm(RequestID, CacheWarmTarget)
    /// Runs (or resumes) a cache warm. Answer: `.cacheWarmProgress`... after every batch, then `.cacheWarmFinished`
    /// (also when a `.cancel` stopped it after the batch in hand). Not in `isWrite`: it only adds absent keys, is
    /// resumable and may take minutes, so it runs beside the reads and no decision waits behind it.
    case warmCache(RequestID, CacheWarmTarget)
    /// Review statistics over the last `days` days (the Reviews screen). Answer: `.reviewStatsLoaded`.
    case loadReviewStats(RequestID, days: Int)
    /// The calibration screen's report from the decision log. Answer: `.calibrationLoaded`.
    case loadCalibration(RequestID)

    // Search again (the review screen's search form)
    /// The track's own search query, or why search cannot be made. Answer: `.trackSearchAnswered`.
    case prepareTrackSearch(RequestID, TrackReference)
    /// Searches `query.site` (YouTube within the shared quota, or SoundCloud) for `query.text` and scores the results
    /// for the track. Answer: `.trackSearchAnswered`.
    case searchTrack(RequestID, TrackReference, query: TrackSearchRequest)

    /// The request this effect belongs to.
    public var requestID: RequestID {
        switch self {
        case .loadStores(let id), .loadReleases(let id, _, _), .loadTracks(let id, _), .review(let id, _),
             .undo(let id), .loadInventory(let id, _, _), .loadCacheKeys(let id, _), .previewCacheClear(let id, _),
             .clearCache(let id, _), .loadQueue(let id, _, _), .requeue(let id, _), .bumpPriority(let id, _),
             .cancel(let id), .openURL(let id, _), .playURL(let id, _), .loadReviewStats(let id, _),
             .previewCacheWarm(let id, _), .warmCache(let id, _), .loadCalibration(let id),
             .prepareTrackSearch(let id, _), .searchTrack(let id, _, _):
            return id
        }
    }

    /// Writes run one at a time, in order (an undo must follow the approve it undoes); reads run side by side.
    public var isWrite: Bool {
        switch self {
        case .review, .undo, .clearCache, .requeue, .bumpPriority: return true
        default: return false
        }
    }
}
