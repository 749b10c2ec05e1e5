import Foundation

/// The themes a user can choose: the built-in ones plus `*.toml` files in `$XDG_CONFIG_HOME/rotation/themes`
/// (default `~/.config/rotation/themes`). A user file named like a built-in theme replaces it. Broken files are
/// kept out of the list and reported with file and line.
public struct ThemeCatalog: Sendable {
    public enum Source: Equatable, Sendable {
        case builtin
        case file(String)
    }

    public struct Entry: Equatable, Sendable {
        public let name: String
        public let summary: String
        public let source: Source
    }

    /// Themes that loaded, built-in ones first, then user themes by name.
    public private(set) var entries: [Entry] = []
    /// Files that could not be loaded.
    public private(set) var problems: [ThemeError] = []
    private var themes: [String: Theme] = [:]

    /// Loads the built-in themes and, when given, every `*.toml` in `userDirectory` (a missing directory is fine).
    public init(userDirectory: String?) {
        for name in BuiltinThemes.names {
            do {
                let theme = try ThemeLoader.load(text: BuiltinThemes.source(named: name)!, file: "themes/\(name).toml",
                                                 name: name)
                add(theme, source: .builtin)
            } catch {
                problems.append(error)
            }
        }
        guard let userDirectory,
              let files = try? FileManager.default.contentsOfDirectory(atPath: userDirectory) else { return }
        for file in files.sorted() where file.hasSuffix(".toml") {
            let path = (userDirectory as NSString).appendingPathComponent(file)
            let name = String(file.dropLast(5))
            guard let data = FileManager.default.contents(atPath: path) else {
                problems.append(ThemeError(file: path, line: 0, message: "cannot read the file"))
                continue
            }
            guard data.count <= 1 << 20 else {
                problems.append(ThemeError(file: path, line: 0, message: "larger than 1 MiB; not a theme"))
                continue
            }
            do {
                add(try ThemeLoader.load(text: String(decoding: data, as: UTF8.self), file: path, name: name),
                    source: .file(path))
            } catch {
                problems.append(error)
            }
        }
    }

    /// The catalog for this user: built-in themes plus the user's theme directory.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> ThemeCatalog {
        ThemeCatalog(userDirectory: userDirectory(environment: environment))
    }

    /// `themes` in the user's config directory (`UserConfigDirectory`); nil when there is none.
    public static func userDirectory(environment: [String: String]) -> String? {
        UserConfigDirectory.path(environment: environment).map { $0 + "/themes" }
    }

    public var names: [String] { entries.map(\.name) }

    public func theme(named name: String) -> Theme? { themes[name] }

    /// The theme called `name`, or the default theme with a message saying why (unknown name or broken file).
    public func select(_ name: String?) -> (theme: Theme, problem: String?) {
        let fallback = themes["default"] ?? Theme.fallback
        guard let name, !name.isEmpty else { return (fallback, nil) }
        if let theme = themes[name] { return (theme, nil) }
        if let broken = problems.first(where: { ($0.file as NSString).lastPathComponent == name + ".toml" }) {
            return (fallback, "theme \"\(TerminalText.sanitize(name))\" is broken (\(broken)); using default")
        }
        return (fallback, "no theme named \"\(TerminalText.sanitize(name))\" (have \(names.joined(separator: ", "))); using default")
    }

    private mutating func add(_ theme: Theme, source: Source) {
        if themes[theme.name] != nil { entries.removeAll { $0.name == theme.name } }
        themes[theme.name] = theme
        entries.append(Entry(name: theme.name, summary: theme.summary, source: source))
    }
}
