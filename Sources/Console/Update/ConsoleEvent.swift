import Foundation
import Matching
import Terminal

/// Everything that can change the console's state: keys, the clock, and answers to effects. Handlers and live
/// feeds post these from any thread; the UI thread applies them in order.
public enum ConsoleEvent: Sendable {
    /// The console opened: load the first screen.
    case started
    case key(KeyEvent)
    case resized(TerminalSize)
    /// The clock, a few times a second: spinners, message expiry.
    case tick(Date)

    // Session and live panes (pushed by feeds, not requested)
    case sessionChanged(ConsoleSession)
    case healthChanged(HealthSnapshot)
    case cacheStatsSampled(CacheSnapshot)
    case queueStatsSampled(QueueSnapshot)
    /// Rows another process changed (from the NOTIFY triggers).
    case dataChanged([DataChange])
    /// The chosen theme could not be applied (unknown name or broken file): the default is shown, and why.
    case themeNotApplied(problem: String)
    /// Live updates arrive another way than NOTIFY (polling behind a pooler): the status bar says so.
    case liveUpdatesDegraded(String)
    /// Who else has which listed release open (presence leases of other sessions): release id -> reviewer.
    case releasesHeldByOthers([Int64: String])

    // Answers
    case storesLoaded(RequestID, [StoreRow])
    case releasesLoaded(RequestID, store: String, [ReleaseRow], nextPage: String?)
    case tracksLoaded(RequestID, releaseID: Int64, [TrackRow])
    /// The decision was saved for the tracks in `rows` (as they are now). For a command over several tracks, the
    /// targets refused because their row changed are in `conflicts` (each target is its own transaction).
    /// `summary` is shown as is ("Approved 3 tracks").
    case reviewApplied(RequestID, [TrackRow], conflicts: [ConflictInfo] = [], summary: String)
    /// The guard failed for a single-track command: nothing changed.
    case reviewConflict(RequestID, ConflictInfo)
    case inventoryLoaded(RequestID, store: String, [InventoryRelease], syncLog: [SyncLogEntry], nextPage: String? = nil)
    /// One budgeted SCAN step of the cache browser: possibly no rows, with how far the walk got (`progress`,
    /// over every page so far) and the token to continue from (nil: the keyspace was walked).
    case cacheKeysLoaded(RequestID, [CacheKeyRow], nextPage: String?, progress: CacheScanProgress? = nil)
    case cacheClearPreviewed(RequestID, CacheClearPreview)
    /// A dry run that walks the keyspace is still counting: what it found so far.
    case cacheClearPreviewProgress(RequestID, CacheClearPreview)
    case cacheClearProgress(RequestID, cleared: Int, total: Int)
    case cacheClearFinished(RequestID, cleared: Int)
    /// The clear was stopped (Esc, Ctrl-C) between batches: exactly `cleared` keys went, the rest stay cached.
    case cacheClearStopped(RequestID, cleared: Int)
    case queueRowsLoaded(RequestID, [QueueJobRow], nextPage: String? = nil)
    case queueRowsChanged(RequestID, [QueueJobRow], summary: String)
    case reviewStatsLoaded(RequestID, ReviewStatsSummary)
    case cacheWarmPlanned(RequestID, CacheWarmPlanSummary)
    case cacheWarmProgress(RequestID, CacheWarmStatus)
    case cacheWarmFinished(RequestID, CacheWarmStatus)
    /// The calibration screen's report.
    case calibrationLoaded(RequestID, CalibrationReport)
    /// The search form's answer: the track's query, the scored results, or why search cannot be made.
    case trackSearchAnswered(RequestID, TrackSearchAnswer)
    /// A request finished with a message for the user (URL opened, copied).
    case notice(RequestID, String)
    /// A request failed; the message is shown as is (sanitized), so it must leak no secret.
    case requestFailed(RequestID, String)
}
