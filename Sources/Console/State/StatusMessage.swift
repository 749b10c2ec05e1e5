import Foundation

/// A line in the message area: what just happened, or why something did not.
public struct StatusMessage: Equatable, Sendable {
    public enum Severity: Equatable, Sendable { case info, success, warning, error }

    public var text: String
    public var severity: Severity
    /// When the message goes away on its own; nil keeps it until replaced.
    public var expiresAt: Date?

    public init(_ text: String, severity: Severity = .info, expiresAt: Date? = nil) {
        self.text = text
        self.severity = severity
        self.expiresAt = expiresAt
    }
}

/// Which part of a paged list an answer fills: the first page (replacing), the next page (appending), or a
/// live refresh (merged so the cursor and the rows around it stay where they are).
public enum ListLoadMode: Equatable, Sendable {
    case first, nextPage, live
}

/// What a request in flight is, so its answer lands in the right place and the UI can say what it is doing.
public enum PendingRequestKind: Equatable, Sendable {
    case loadStores
    case loadReleases(store: String, mode: ListLoadMode)
    case loadTracks(releaseID: Int64, live: Bool)
    case review(ReviewCommand)
    case undo
    case loadInventory(store: String, mode: ListLoadMode)
    case loadCacheKeys(mode: ListLoadMode)
    case previewCacheClear(CacheClearScope)
    case clearCache(CacheClearScope)
    case loadQueue(mode: ListLoadMode)
    case queueChange
    case loadReviewStats
    case previewCacheWarm(CacheWarmTarget)
    case warmCache(CacheWarmTarget)
    case external
    case loadCalibration
    /// The search form's requests (its query, then a search).
    case trackSearch
}

/// A request in flight: shown with a spinner in the status bar until its answer arrives.
public struct PendingRequest: Equatable, Sendable {
    public var id: RequestID
    public var kind: PendingRequestKind
    /// For the status bar ("approving 3 tracks").
    public var label: String
    public var startedAt: Date
    /// For long operations: how far they got.
    public var progress: RequestProgress?
    /// The user asked it to stop (Esc, Ctrl-C); it answers once it has stopped between batches.
    public var stopRequested = false
    /// It runs a write (`ConsoleEffect.isWrite`, the one list of writes): quitting while it runs asks twice.
    public var isWrite = false

    public init(id: RequestID, kind: PendingRequestKind, label: String, startedAt: Date) {
        self.id = id
        self.kind = kind
        self.label = label
        self.startedAt = startedAt
    }
}

/// Done out of total, for a request that reports progress (a cache clear in batches).
public struct RequestProgress: Equatable, Sendable {
    public var done: Int
    public var total: Int

    public init(done: Int, total: Int) {
        self.done = done
        self.total = total
    }
}
