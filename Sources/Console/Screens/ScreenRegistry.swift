import Terminal

/// The console's screens in tab order, with what follows from them: the action catalog (the shared actions plus
/// each screen's) and the default keymap (`Keys/default-keymap.toml` plus each screen's default keys). Built once.
///
/// `builtIn` is the one list a new screen joins. `current` is the registry the console reads; a test can run with
/// more screens for the length of a closure (`ScreenRegistry.$current.withValue(.builtIn.adding(MyScreen.self))`),
/// which changes nothing outside that closure.
final class ScreenRegistry: Sendable {
    /// The product's screens, in tab order.
    static let builtIn = ScreenRegistry([ReviewScreen.self, InventoryScreen.self, CacheScreen.self, QueueScreen.self,
                                         ReviewsScreen.self, CalibrationScreen.self])

    /// The registry the console reads: `builtIn` unless a caller bound another for its task or thread.
    @TaskLocal static var current: ScreenRegistry = builtIn

    let units: [any ScreenUnit.Type]
    let catalog: ActionCatalog
    /// `Keys/default-keymap.toml` applied over the screens' default keys (`Keymap.defaults`).
    let defaultKeymap: Keymap
    /// What did not apply cleanly in the defaults (a test keeps this empty).
    let defaultKeymapProblems: [KeymapOverrides.Problem]
    private let unitsByID: [ConsoleScreen: any ScreenUnit.Type]
    private let screensBySwitchAction: [ActionID: ConsoleScreen]

    init(_ units: [any ScreenUnit.Type]) {
        self.units = units
        let catalog = ActionCatalog(screens: units)
        self.catalog = catalog
        (defaultKeymap, defaultKeymapProblems) = Keymap.defaults(for: catalog)
        unitsByID = Dictionary(units.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        screensBySwitchAction = Dictionary(units.map { ($0.switchAction, $0.id) }, uniquingKeysWith: { first, _ in first })
    }

    /// This registry with `more` screens after its own.
    func adding(_ more: any ScreenUnit.Type...) -> ScreenRegistry { ScreenRegistry(units + more) }

    // MARK: The current registry

    /// The registered screens, in tab order.
    static var all: [any ScreenUnit.Type] { current.units }

    /// The unit of `screen` (the first one for a value no screen registered).
    static func unit(for screen: ConsoleScreen) -> any ScreenUnit.Type {
        let registry = current
        return registry.unitsByID[screen] ?? registry.units[0]
    }

    /// The screen `action` switches to, when it is a screen's switch action.
    static func screen(switchedToBy action: ActionID) -> ConsoleScreen? { current.screensBySwitchAction[action] }
}
