/// A theme maps roles to styles. Themes are data: the built-in ones are TOML texts that go through the same
/// loader as user files. A role the theme leaves out falls back to its parent role (`confidence.low` -> `text`),
/// and a chain with nothing defined ends in the terminal's plain default.
public struct Theme: Equatable, Sendable {
    public let name: String
    public let summary: String
    /// The roles the theme defines itself.
    public let styles: [ThemeRole: ThemeStyle]

    public init(name: String, summary: String = "", styles: [ThemeRole: ThemeStyle]) {
        self.name = name
        self.summary = summary
        self.styles = styles
    }

    /// The style for `role`, following parent roles when the theme does not define it.
    public func style(for role: ThemeRole) -> ThemeStyle {
        var current: ThemeRole? = role
        while let candidate = current {
            if let style = styles[candidate] { return style }
            current = candidate.parent
        }
        return .plain
    }

    /// Roles this theme does not define itself (they fall back).
    public var missingRoles: [ThemeRole] { ThemeRole.allCases.filter { styles[$0] == nil } }

    /// Every role's style as a terminal with `capability` shows it, ready for the render path.
    public func resolved(for capability: ColorCapability) -> ResolvedTheme {
        ResolvedTheme(capability: capability,
                      styles: ThemeRole.allCases.map { style(for: $0).degraded(to: capability, role: $0) })
    }

    /// The built-in dark theme. Its text is embedded in the binary, so it works without the repository.
    public static let fallback: Theme = {
        do {
            return try ThemeLoader.load(text: BuiltinThemes.source(named: "default")!, file: "themes/default.toml",
                                        name: "default")
        } catch {
            // A test loads every built-in theme, so this cannot ship broken; stay usable if it ever does.
            return Theme(name: "default", styles: [:])
        }
    }()
}

/// A theme flattened for one colour capability: a style per role, looked up by the role's ordinal.
public struct ResolvedTheme: Equatable, Sendable {
    public let capability: ColorCapability
    let styles: [ThemeStyle]

    public subscript(role: ThemeRole) -> ThemeStyle { styles[role.ordinal] }

    /// The style for a cell: its role's style plus the cell's own emphasis.
    public func style(for cellStyle: CellStyle) -> ThemeStyle {
        var style = styles[cellStyle.role.ordinal]
        style.attributes.formUnion(cellStyle.emphasis)
        return style
    }
}

/// A problem in a theme file, reported as `file:line: message`.
public struct ThemeError: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}
