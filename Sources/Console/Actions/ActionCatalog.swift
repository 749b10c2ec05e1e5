/// The one place that names every action (tig's `request.h`): the shared actions below, then each registered
/// screen's own (`ScreenUnit.actions`), grouped for the help screen. The keymap, the help screen, the palette and the
/// status-bar hints are all generated from it, so they cannot drift apart.
public struct ActionCatalog: Sendable {
    /// The actions of every screen: the application's and navigation's. Their default keys are in
    /// `Keys/default-keymap.toml`.
    static let shared: [ActionDescriptor] = [
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
    ]

    /// Every action, grouped (groups in the order they first appear: the shared ones, then the screens' in tab
    /// order), declaration order within a group.
    let descriptors: [ActionDescriptor]
    /// The help screen's groups, in display order.
    let groups: [ActionGroup]
    private let byID: [ActionID: ActionDescriptor]

    /// The catalog of `screens`: the shared actions, then each screen's. A screen's `joinedActions` (another
    /// screen's action it handles too, such as marking) add the screen to that action's screens.
    init(screens: [any ScreenUnit.Type]) {
        var declared = Self.shared + screens.flatMap { $0.actions }
        for unit in screens {
            for joined in unit.joinedActions {
                guard let index = declared.firstIndex(where: { $0.id == joined }), !declared[index].screens.isEmpty
                else { continue }
                declared[index].screens.insert(unit.id)
            }
        }
        var groups: [ActionGroup] = []
        for descriptor in declared where !groups.contains(descriptor.group) { groups.append(descriptor.group) }
        self.groups = groups
        descriptors = groups.flatMap { group in declared.filter { $0.group == group } }
        byID = Dictionary(descriptors.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The descriptor of `id`, nil for a name no registered screen declares.
    func descriptor(ifKnown id: ActionID) -> ActionDescriptor? { byID[id] }

    // MARK: The registered screens' catalog

    /// Every action of the registered screens (`ScreenRegistry`), in catalog order.
    public static var all: [ActionDescriptor] { ScreenRegistry.current.catalog.descriptors }

    public static func descriptor(_ id: ActionID) -> ActionDescriptor {
        guard let descriptor = ScreenRegistry.current.catalog.byID[id] else {
            fatalError("\(id) is not an action of a registered screen")
        }
        return descriptor
    }

    /// Actions usable on `screen`, in catalog order.
    public static func actions(on screen: ConsoleScreen) -> [ActionDescriptor] { all.filter { $0.applies(to: screen) } }
}
