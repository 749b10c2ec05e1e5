/// How one role looks in a theme: foreground, background and attributes.
public struct ThemeStyle: Hashable, Sendable {
    public var foreground: ThemeColor
    public var background: ThemeColor
    public var attributes: TextAttributes

    public init(foreground: ThemeColor = .default, background: ThemeColor = .default, attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    public static let plain = ThemeStyle()

    /// The style as a terminal with `capability` can show it. Monochrome drops the colours and adds the role's
    /// monochrome emphasis (reverse for selection, bold for titles, ...). On 8 colours a foreground that collapses
    /// onto its background is replaced by black or white so text stays readable.
    public func degraded(to capability: ColorCapability, role: ThemeRole) -> ThemeStyle {
        switch capability {
        case .full256:
            return self
        case .eight:
            var foreground = self.foreground.degradedToEight
            let background = self.background.degradedToEight
            if foreground == background, foreground != .default {
                foreground = background.luminance > 110 ? .ansi(0) : .ansi(7)
            }
            return ThemeStyle(foreground: foreground, background: background, attributes: attributes)
        case .monochrome:
            return ThemeStyle(attributes: attributes.union(role.monochromeEmphasis))
        }
    }
}
