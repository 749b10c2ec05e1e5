/// Names an action the console can perform. The raw value is the name used in the `[keys]` config section and the
/// command palette, so renaming one is a breaking change for users' config files. The shared actions (application,
/// navigation) are named here; a screen names its own beside its unit (`ActionID.approve` lives in
/// `Screens/Review`), and `ActionCatalog` knows every action of the registered screens.
public struct ActionID: RawRepresentable, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Every action of the catalog, in catalog order.
    public static var allCases: [ActionID] { ActionCatalog.all.map(\.id) }

    public var description: String { rawValue }

    // Application
    public static let quit = ActionID(rawValue: "quit")
    public static let help = ActionID(rawValue: "help")
    public static let palette = ActionID(rawValue: "palette")
    public static let filter = ActionID(rawValue: "filter")
    public static let cycleTheme = ActionID(rawValue: "cycle_theme")
    public static let toggleLive = ActionID(rawValue: "toggle_live")
    public static let refresh = ActionID(rawValue: "refresh")
    public static let cancel = ActionID(rawValue: "cancel")
    // Navigation
    public static let moveDown = ActionID(rawValue: "move_down")
    public static let moveUp = ActionID(rawValue: "move_up")
    public static let focusLeft = ActionID(rawValue: "focus_left")
    public static let focusRight = ActionID(rawValue: "focus_right")
    public static let focusNext = ActionID(rawValue: "focus_next")
    public static let focusPrevious = ActionID(rawValue: "focus_previous")
    public static let pageDown = ActionID(rawValue: "page_down")
    public static let pageUp = ActionID(rawValue: "page_up")
    public static let top = ActionID(rawValue: "top")
    public static let bottom = ActionID(rawValue: "bottom")
    public static let open = ActionID(rawValue: "open")
}

/// A group of the help screen. The shared groups are named here, a screen's beside its unit; the help screen lists
/// them in the order they first appear in the catalog.
public struct ActionGroup: RawRepresentable, Hashable, Sendable, CaseIterable {
    /// The group's title on the help screen.
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Every group of the catalog, in display order.
    public static var allCases: [ActionGroup] { ScreenRegistry.current.catalog.groups }

    public static let application = ActionGroup(rawValue: "Application")
    public static let navigation = ActionGroup(rawValue: "Navigation")
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
    public internal(set) var screens: Set<ConsoleScreen>
    public let requirement: ActionRequirement
    /// The default keys of a screen's action, in the `[keys]` syntax (`"a"`, `"<space>"`); the shared actions'
    /// defaults are in `Keys/default-keymap.toml` instead. The user's `[keys]` section replaces either.
    public let defaultKeys: [String]

    public init(_ id: ActionID, _ title: String, group: ActionGroup, help: String, dangerous: Bool = false,
                screens: Set<ConsoleScreen> = [], requirement: ActionRequirement = .nothing, defaultKeys: [String] = []) {
        self.id = id
        self.title = title
        self.group = group
        self.help = help
        self.dangerous = dangerous
        self.screens = screens
        self.requirement = requirement
        self.defaultKeys = defaultKeys
    }

    public func applies(to screen: ConsoleScreen) -> Bool { screens.isEmpty || screens.contains(screen) }

    /// True when both actions can be active on some screen (so one key cannot serve both).
    public func overlaps(_ other: ActionDescriptor) -> Bool {
        screens.isEmpty || other.screens.isEmpty || !screens.isDisjoint(with: other.screens)
    }
}
