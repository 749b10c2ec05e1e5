/// Every action the console can perform. The raw value is the name used in the `[keys]` config section and the
/// command palette, so renaming a case is a breaking change for users' config files.
public enum ActionID: String, Hashable, Sendable, CaseIterable {
    // Application
    case quit, help, palette, filter, cycleTheme = "cycle_theme", toggleLive = "toggle_live", refresh, cancel
    case screenReview = "screen_review", screenInventory = "screen_inventory"
    case screenCache = "screen_cache", screenQueue = "screen_queue"
    // Navigation
    case moveDown = "move_down", moveUp = "move_up", focusLeft = "focus_left", focusRight = "focus_right"
    case focusNext = "focus_next", focusPrevious = "focus_previous"
    case pageDown = "page_down", pageUp = "page_up", top, bottom, open
    // Review
    case approve, reject, replace, needsReview = "needs_review", clearMatch = "clear_match", undo
    case toggleMark = "toggle_mark", approveAboveThreshold = "approve_above_threshold"
    case useCandidate = "use_candidate", openURL = "open_url", playURL = "play_url"
    // Cache
    case cacheClearKey = "cache_clear_key", cacheClearRelease = "cache_clear_release"
    case cacheClearStore = "cache_clear_store", cacheClearAll = "cache_clear_all"
    case cacheClearDrift = "cache_clear_drift"
    // Queue
    case queueRequeue = "queue_requeue", queueBump = "queue_bump", queueFilter = "queue_filter"
}

/// Groups for the help screen, in display order.
public enum ActionGroup: String, Hashable, Sendable, CaseIterable {
    case application = "Application"
    case navigation = "Navigation"
    case review = "Review"
    case cache = "Cache"
    case queue = "Queue"
}

/// What an action needs from the session and the servers; `ActionAvailability` turns a missing need into a reason.
public enum ActionRequirement: Hashable, Sendable {
    /// Reading, moving, local changes: always allowed.
    case nothing
    /// Writes a review decision: reviewer grant, not read-only, Postgres up (Redis down is repaired later).
    case reviewWrite
    /// Deletes cache keys: admin grant, not read-only, Redis up.
    case cacheWrite
    /// Changes queue rows: admin grant, not read-only, Postgres up.
    case queueWrite
}

/// One entry of the action catalog: everything the keymap, help screen, palette and status bar say about it.
public struct ActionDescriptor: Hashable, Sendable {
    public let id: ActionID
    /// Short title for the palette and the status-bar hints.
    public let title: String
    public let group: ActionGroup
    /// One line for the help screen.
    public let help: String
    /// Destroys or overrides data; dangerous actions always pass through a confirmation or are undoable.
    public let dangerous: Bool
    /// Screens where the action applies; empty means every screen.
    public let screens: Set<ConsoleScreen>
    public let requirement: ActionRequirement

    public init(_ id: ActionID, _ title: String, group: ActionGroup, help: String, dangerous: Bool = false,
                screens: Set<ConsoleScreen> = [], requirement: ActionRequirement = .nothing) {
        self.id = id
        self.title = title
        self.group = group
        self.help = help
        self.dangerous = dangerous
        self.screens = screens
        self.requirement = requirement
    }

    public func applies(to screen: ConsoleScreen) -> Bool { screens.isEmpty || screens.contains(screen) }

    /// True when both actions can be active on some screen (so one key cannot serve both).
    public func overlaps(_ other: ActionDescriptor) -> Bool {
        screens.isEmpty || other.screens.isEmpty || !screens.isDisjoint(with: other.screens)
    }
}
