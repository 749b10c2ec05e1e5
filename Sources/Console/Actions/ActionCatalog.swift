/// The one place that names every action (tig's `request.h`). The keymap, the help screen, the palette and the
/// status-bar hints are all generated from this list, so they cannot drift apart.
public enum ActionCatalog {
    public static let all: [ActionDescriptor] = [
        // Application
        .init(.quit, "Quit", group: .application, help: "Leave the console"),
        .init(.help, "Help", group: .application, help: "Show every key, generated from the keymap"),
        .init(.palette, "Command palette", group: .application, help: "Run any action by typing part of its name"),
        .init(.filter, "Filter", group: .application, help: "Filter the focused list by text"),
        .init(.cycleTheme, "Next theme", group: .application, help: "Switch to the next colour theme"),
        .init(.toggleLive, "Pause live", group: .application,
              help: "Pause or resume live updates from other consoles, workers and the web app"),
        .init(.refresh, "Refresh", group: .application, help: "Reload what the screen shows"),
        .init(.cancel, "Cancel", group: .application, help: "Close the dialog, clear the filter or the marks"),
        .init(.screenReview, "Review screen", group: .application, help: "Stores, releases, tracks and candidates"),
        .init(.screenInventory, "Inventory screen", group: .application,
              help: "A store's releases with match coverage and its sync log"),
        .init(.screenCache, "Cache screen", group: .application, help: "Browse and clear match:* keys"),
        .init(.screenQueue, "Queue screen", group: .application, help: "Background queue: stuck and failed rows"),
        // Navigation
        .init(.moveDown, "Down", group: .navigation, help: "Next row"),
        .init(.moveUp, "Up", group: .navigation, help: "Previous row"),
        .init(.focusLeft, "Left pane", group: .navigation, help: "Focus the pane to the left"),
        .init(.focusRight, "Right pane", group: .navigation, help: "Focus the pane to the right"),
        .init(.focusNext, "Next pane", group: .navigation, help: "Focus the next pane"),
        .init(.focusPrevious, "Previous pane", group: .navigation, help: "Focus the previous pane"),
        .init(.pageDown, "Page down", group: .navigation, help: "Move a page down"),
        .init(.pageUp, "Page up", group: .navigation, help: "Move a page up"),
        .init(.top, "Top", group: .navigation, help: "First row"),
        .init(.bottom, "Bottom", group: .navigation, help: "Last row (loads more when there is more)"),
        .init(.open, "Open", group: .navigation, help: "Go into the selected row"),
        // Review
        .init(.approve, "Approve", group: .review, help: "Approve the match (or the marked tracks) and go to the next pending",
              screens: [.review], requirement: .reviewWrite),
        .init(.reject, "Reject", group: .review, help: "Reject the match; the URL is never proposed again (undoable)",
              dangerous: true, screens: [.review], requirement: .reviewWrite),
        .init(.replace, "Replace URL", group: .review, help: "Approve a URL you type (YouTube or SoundCloud)",
              screens: [.review], requirement: .reviewWrite),
        .init(.needsReview, "Needs review", group: .review, help: "Send the match back to pending",
              screens: [.review], requirement: .reviewWrite),
        .init(.clearMatch, "Clear match", group: .review, help: "Delete the match without remembering the URL (asks first)",
              dangerous: true, screens: [.review], requirement: .reviewWrite),
        .init(.undo, "Undo", group: .review, help: "Undo your latest decision not yet undone (several levels)",
              screens: [.review], requirement: .reviewWrite),
        .init(.toggleMark, "Mark", group: .review, help: "Mark or unmark the row (track or queue row) to act on several at once",
              screens: [.review, .queue]),
        .init(.approveAboveThreshold, "Approve all above threshold", group: .review,
              help: "Approve every pending track of the release at or above the threshold (asks first)",
              dangerous: true, screens: [.review], requirement: .reviewWrite),
        .init(.useCandidate, "Use candidate", group: .review,
              help: "Approve the candidate under the cursor in the detail pane instead of the current match",
              screens: [.review], requirement: .reviewWrite),
        .init(.openURL, "Open URL", group: .review, help: "Open the match URL in the browser (or copy it)",
              screens: [.review]),
        .init(.playURL, "Play", group: .review, help: "Play the match URL with the configured player",
              screens: [.review]),
        // Cache
        .init(.cacheClearKey, "Clear key", group: .cache, help: "Delete the selected cache key (asks first)",
              dangerous: true, screens: [.cache], requirement: .cacheWrite),
        .init(.cacheClearRelease, "Clear release keys", group: .cache,
              help: "Delete the cache keys of the selected key's release (preview, then asks)",
              dangerous: true, screens: [.cache], requirement: .cacheWrite),
        .init(.cacheClearStore, "Clear store keys", group: .cache,
              help: "Delete the cache keys of a store (preview, then type the store name)",
              dangerous: true, screens: [.cache], requirement: .cacheWrite),
        .init(.cacheClearAll, "Clear all match keys", group: .cache,
              help: "Delete every match:* key (preview, then type \"clear all\")",
              dangerous: true, screens: [.cache], requirement: .cacheWrite),
        .init(.cacheClearDrift, "Clear drift", group: .cache,
              help: "Delete keys whose value disagrees with Postgres (preview, then type \"clear drift\")",
              dangerous: true, screens: [.cache], requirement: .cacheWrite),
        // Queue
        .init(.queueRequeue, "Requeue", group: .queue, help: "Put the selected failed or stuck row back in the queue",
              screens: [.queue], requirement: .queueWrite),
        .init(.queueBump, "Bump priority", group: .queue, help: "Raise the selected row's priority so it runs next",
              screens: [.queue], requirement: .queueWrite),
        .init(.queueFilter, "Queue filter", group: .queue, help: "Cycle: stuck + failed, queued, processing, failed",
              screens: [.queue]),
    ]

    private static let byID: [ActionID: ActionDescriptor] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })

    public static func descriptor(_ id: ActionID) -> ActionDescriptor { byID[id]! }

    /// Actions usable on `screen`, in catalog order.
    public static func actions(on screen: ConsoleScreen) -> [ActionDescriptor] { all.filter { $0.applies(to: screen) } }
}
