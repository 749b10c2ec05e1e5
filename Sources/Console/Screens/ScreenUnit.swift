import Terminal

/// One screen of the console as a unit (tig's `view_ops`, gitui's components): its identity, its state slice, the
/// actions it declares with their default keys, the answers and live changes it applies to its slice, its hints,
/// layout and drawing. The shared parts (session, health, keymap, dialogs, requests in flight, messages, live panes,
/// the frame around the screens) call the focused screen's unit; answers and live changes go to every registered
/// screen.
///
/// A new screen is a folder under `Screens/` with a type conforming to this (its `ConsoleScreen` value, its slice
/// type and the `ConsoleState` accessor for it, its `ActionID`s and their descriptors beside it), plus its line in
/// `ScreenRegistry.builtIn`.
protocol ScreenUnit: SendableMetatype {
    /// The screen's own part of `ConsoleState`, kept in `ConsoleState.slices` and reached through `state[slice: Self.self]`
    /// (a screen gives it a named accessor, such as `state.review`).
    associatedtype Slice: Equatable & Sendable
    /// The slice of a console that just opened.
    static var initialSlice: Slice { get }

    /// The value `ConsoleState.screen` holds while this screen has the keys.
    static var id: ConsoleScreen { get }
    /// The header tab's title.
    static var title: String { get }
    /// The action that switches to this screen; its key labels the header tab. It is one of `actions`.
    static var switchAction: ActionID { get }
    /// The actions this screen adds to the catalog, with their default keys: its switch action (every screen,
    /// group Application) and its own (`screens: [id]`).
    static var actions: [ActionDescriptor] { get }
    /// Actions another screen declares that this one handles too (in `perform`), such as marking a row.
    static var joinedActions: [ActionID] { get }

    // MARK: Keys and actions (the focused screen only)

    /// The screen gained focus: load what it shows when that is not loaded yet.
    static func enter(_ state: inout ConsoleState) -> [ConsoleEffect]
    /// Reloads what the screen shows (the refresh key; Postgres back after an outage).
    static func refresh(_ state: inout ConsoleState) -> [ConsoleEffect]
    /// Runs one of the screen's own actions (those the catalog lists for it); nil for an action it does not handle.
    static func perform(_ action: ActionID, _ state: inout ConsoleState) -> [ConsoleEffect]?
    static func moveCursor(by delta: Int, _ state: inout ConsoleState) -> [ConsoleEffect]
    static func moveFocus(by delta: Int, wrapping: Bool, _ state: inout ConsoleState)
    /// The open key (Enter): go into the selected row.
    static func open(_ state: inout ConsoleState) -> [ConsoleEffect]
    /// The cancel key with no dialog open: marks, filter, running work, in the order that suits the screen.
    static func cancel(_ state: inout ConsoleState) -> [ConsoleEffect]
    /// Rows a page key moves by in the focused list.
    static func pageSize(_ state: ConsoleState, _ layout: ConsoleLayout) -> Int
    /// The filter of the list that has the keys.
    static func focusedFilter(_ state: ConsoleState) -> String
    static func setFocusedFilter(_ text: String, _ state: inout ConsoleState)
    /// After the filter changed the selection, what follows the selection loads.
    static func followSelectionAfterFilter(_ state: inout ConsoleState) -> [ConsoleEffect]

    // MARK: Every screen, focused or not

    /// Ctrl-C with no dialog open, on any screen: stops the screen's long work; nil when none was running.
    static func interrupt(_ state: inout ConsoleState) -> [ConsoleEffect]?
    /// Applies an answer meant for this screen; nil when the event is not one of its answers.
    static func apply(answer event: ConsoleEvent, _ state: inout ConsoleState) -> [ConsoleEffect]?
    /// A request failed (the message is already shown): undo what the screen marked for it, reload what may be wrong.
    static func requestFailed(_ request: PendingRequest, _ state: inout ConsoleState) -> [ConsoleEffect]
    /// Rows changed elsewhere (another console, a worker, the web app).
    static func applyLiveChanges(_ changes: [DataChange], _ state: inout ConsoleState) -> [ConsoleEffect]
    /// The shared stores list was loaded while this screen has focus; nil when the screen does not show it.
    static func followStores(_ state: inout ConsoleState) -> [ConsoleEffect]?
    /// Keeps the screen's cursors on screen after a resize, a page or a filter change.
    static func keepCursorsVisible(_ state: inout ConsoleState, _ layout: ConsoleLayout)
    /// Rows of the shared stores list this screen shows; nil when it does not show it.
    static func storesListHeight(_ layout: ConsoleLayout) -> Int?

    // MARK: Chrome and drawing

    /// The actions worth a status-bar hint now, most useful first (the shared ones are added after).
    static func hints(_ state: ConsoleState) -> [ActionID]
    /// A short status-bar title for one of its actions, where room is scarce; nil: the catalog's title.
    static func shortTitle(_ action: ActionID, _ state: ConsoleState) -> String?
    /// Draws the screen in `layout.main`.
    static func draw(_ state: ConsoleState, _ layout: ConsoleLayout, _ buffer: inout CellBuffer)
}

extension ScreenUnit {
    static var title: String { id.rawValue.prefix(1).uppercased() + id.rawValue.dropFirst() }
    static var joinedActions: [ActionID] { [] }
    static func moveFocus(by delta: Int, wrapping: Bool, _ state: inout ConsoleState) {}
    static func open(_ state: inout ConsoleState) -> [ConsoleEffect] { [] }
    static func cancel(_ state: inout ConsoleState) -> [ConsoleEffect] { state.clearFilterOrMessage() }
    static func followSelectionAfterFilter(_ state: inout ConsoleState) -> [ConsoleEffect] { [] }
    static func interrupt(_ state: inout ConsoleState) -> [ConsoleEffect]? { nil }
    static func apply(answer event: ConsoleEvent, _ state: inout ConsoleState) -> [ConsoleEffect]? { nil }
    static func requestFailed(_ request: PendingRequest, _ state: inout ConsoleState) -> [ConsoleEffect] { [] }
    static func applyLiveChanges(_ changes: [DataChange], _ state: inout ConsoleState) -> [ConsoleEffect] { [] }
    static func followStores(_ state: inout ConsoleState) -> [ConsoleEffect]? { nil }
    static func storesListHeight(_ layout: ConsoleLayout) -> Int? { nil }
    static func shortTitle(_ action: ActionID, _ state: ConsoleState) -> String? { nil }
}
