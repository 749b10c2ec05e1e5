/// Which screen has the keys. Each screen names its own value next to its type (`ConsoleScreen.review` lives in
/// `Screens/Review`), and the tab order is `ScreenRegistry.all`, so adding a screen edits no list here.
public struct ConsoleScreen: RawRepresentable, Hashable, Sendable, CaseIterable {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Every registered screen, in tab order.
    public static var allCases: [ConsoleScreen] { ScreenRegistry.all.map { $0.id } }

    public var title: String { ScreenRegistry.unit(for: self).title }
}
