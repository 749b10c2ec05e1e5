/// The console's screens, in tab order: the one list a new screen joins.
enum ScreenRegistry {
    static var all: [any ScreenUnit.Type] {
        [ReviewScreen.self, InventoryScreen.self, CacheScreen.self, QueueScreen.self]
    }

    /// The unit of `screen` (the first one for a value no screen registered).
    static func unit(for screen: ConsoleScreen) -> any ScreenUnit.Type {
        all.first { $0.id == screen } ?? all[0]
    }

    /// The screen `action` switches to, when it is a screen's switch action.
    static func screen(switchedToBy action: ActionID) -> ConsoleScreen? {
        all.first { $0.switchAction == action }?.id
    }
}
