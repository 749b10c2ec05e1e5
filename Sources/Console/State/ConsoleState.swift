import Foundation
import Matching
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
    public var size: TerminalSize
    public var now: Date
    public var isRunning = true

    // Navigation
    /// The screen that has the keys: the first registered one when the console opens.
    public var screen: ConsoleScreen
    public var modal: ConsoleModal?
    /// A quit was asked for while a write was in flight; the next quit really quits.
    public var quitRequested = false

    /// Every store with its pending counts: the review screen's left pane, and the inventory screen's.
    public var stores = SelectionList<StoreRow>()

    /// Each registered screen's own slice (`ScreenUnit.Slice`), read through the screen's accessor (`review`,
    /// `cache`, ... beside each screen in Screens/<name>).
    public var slices: ScreenSlices

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
                themeName: String = "default",
                bulkApproveThreshold: Double = MatchPolicy.default.bulkApproveThreshold,
                size: TerminalSize = TerminalSize(columns: 80, rows: 24), now: Date = Date(timeIntervalSince1970: 0)) {
        self.session = session
        self.keymap = keymap
        self.themeNames = themeNames.isEmpty ? [themeName] : themeNames
        self.themeName = themeName
        let screens = ScreenRegistry.all
        self.screen = screens[0].id
        self.slices = ScreenSlices(screens)
        self.size = size
        self.now = now
        // The one setting of a screen's slice the console is opened with (the policy's threshold, or the config's).
        review.bulkApproveThreshold = bulkApproveThreshold
    }

    public var availability: ActionAvailability { ActionAvailability(session: session, health: health) }

    public func isPending(_ kind: (PendingRequestKind) -> Bool) -> Bool { pending.contains { kind($0.kind) } }
}
