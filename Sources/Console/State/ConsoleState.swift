import Foundation
import Terminal

/// Everything the console shows, as a plain value. `ConsoleUpdate.update` is the only thing that changes it, and
/// the views only read it, so any screen can be reproduced in a test from a state built by hand.
public struct ConsoleState: Equatable, Sendable {
    // Session and configuration
    public var session: ConsoleSession
    public var health: HealthSnapshot = .assumedUp
    public var keymap: Keymap
    public var themeNames: [String]
    public var themeName: String
    /// Bulk approve takes pending tracks at or above this confidence.
    public var bulkApproveThreshold: Double
    public var size: TerminalSize
    public var now: Date
    public var isRunning = true

    // Navigation
    public var screen: ConsoleScreen = .review
    public var reviewFocus: ReviewPane = .stores
    public var modal: ConsoleModal?

    // Review data
    public var stores = SelectionList<StoreRow>()
    public var releases = SelectionList<ReleaseRow>()
    /// The store whose releases `releases` holds (or is loading).
    public var releasesStore: String?
    public var tracks = SelectionList<TrackRow>()
    /// The release whose tracks `tracks` holds (or is loading).
    public var tracksRelease: Int64?
    /// Cursor over the focused track's candidates in the detail pane.
    public var candidateCursor = 0
    /// Tracks with a decision in flight: drawn with a spinner, skipped by approve-and-advance.
    public var tracksInFlight: Set<TrackReference> = []

    // Admin data
    public var inventory = SelectionList<InventoryRelease>()
    public var inventoryStore: String?
    /// On the inventory screen, true when the stores list (left) has the keys, false for the releases.
    public var inventoryFocusOnStores = true
    /// A quit was asked for while a write was in flight; the next quit really quits.
    public var quitRequested = false
    public var syncLog: [SyncLogEntry] = []
    public var cacheKeys = SelectionList<CacheKeyRow>()
    /// How far the cache browser's walk of the keyspace got (nil before its first budgeted step).
    public var cacheScan: CacheScanProgress?
    /// Esc / Ctrl-C stopped the browse: no further step until the user moves down or starts over.
    public var cacheScanStopped = false
    public var queueRows = SelectionList<QueueJobRow>()
    public var queueFilter: QueueFilter = .attention

    // Live panes
    public var cacheStats: CacheSnapshot?
    public var queueStats: QueueSnapshot?
    /// Recent ops/s samples for the cache sparkline (newest last).
    public var opsHistory: [Double] = []
    /// Recent throughput samples for the queue sparkline.
    public var throughputHistory: [Double] = []
    public static let historyLength = 120

    // Live data
    public var livePaused = false
    /// Changes that arrived while paused, applied on resume.
    public var changesWhilePaused: Set<DataChange> = []
    /// "3 new, 2 resolved": what the last live update did to the lists.
    public var announcement: StatusMessage?

    // Feedback
    public var message: StatusMessage?
    public var pending: [PendingRequest] = []
    public var nextRequestNumber: UInt64 = 1
    public var spinnerFrame = 0

    public init(session: ConsoleSession, keymap: Keymap = .defaults, themeNames: [String] = ["default"],
                themeName: String = "default", bulkApproveThreshold: Double = 0.7,
                size: TerminalSize = TerminalSize(columns: 80, rows: 24), now: Date = Date(timeIntervalSince1970: 0)) {
        self.session = session
        self.keymap = keymap
        self.themeNames = themeNames.isEmpty ? [themeName] : themeNames
        self.themeName = themeName
        self.bulkApproveThreshold = bulkApproveThreshold
        self.size = size
        self.now = now
    }

    public var availability: ActionAvailability { ActionAvailability(session: session, health: health) }

    /// The focused track, when the review screen has tracks.
    public var focusedTrack: TrackRow? { tracks.selected }

    /// The candidate under the detail pane's cursor.
    public var focusedCandidate: CandidateOption? {
        guard let candidates = focusedTrack?.candidates, candidates.indices.contains(candidateCursor) else { return nil }
        return candidates[candidateCursor]
    }

    public func isPending(_ kind: (PendingRequestKind) -> Bool) -> Bool { pending.contains { kind($0.kind) } }
}
