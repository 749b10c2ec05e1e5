import ArgumentParser
import Console
import ConsoleLive
import Foundation
import Rotation
import Terminal

/// `rotation review` (and `rotation` alone): the review console on DATABASE_URL / REDIS_URL.
struct ReviewConsoleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Open the review console (the default command).",
        discussion: """
            Curators review pending matches store by store and release by release; admins browse inventories, the \
            cache and the queue. Press ? inside for every key. Themes: --theme NAME, or the theme key; user themes \
            live in $XDG_CONFIG_HOME/rotation/themes. Key overrides: a [keys] section in \
            $XDG_CONFIG_HOME/rotation/config.toml. ROTATION_PLAYER names the program that plays a URL.
            """)

    @OptionGroup var servers: ServerOptions
    @OptionGroup var console: ConsoleOptions

    func run() throws {
        try ConsoleLauncher(settings: servers.settings, options: console).run()
    }
}

/// Options every command that opens the console shares.
struct ConsoleOptions: ParsableArguments {
    @Option(help: "Colour theme (default, light, high-contrast, monochrome, colorblind, or a user theme).")
    var theme: String?

    @Option(help: "Who the decisions are logged as (default: $ROTATION_REVIEWER, else your database login).")
    var reviewer: String?

    @Option(help: ArgumentHelp("Program that plays a URL, e.g. \"mpv --no-video\" (default: $ROTATION_PLAYER).", valueName: "command"))
    var player: String?

}

/// Wires the console to the service and runs it until the user quits.
struct ConsoleLauncher {
    var settings: RotationSettings
    var options: ConsoleOptions

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let catalog = ThemeCatalog.standard(environment: environment)
        let (theme, themeProblem) = catalog.select(options.theme ?? environment["ROTATION_THEME"])
        let (keymap, keyProblems) = Self.keymap(environment: environment)
        let reviewer = try ReviewCLI.reviewer(options.reviewer, databaseURL: settings.databaseURL)
        var state = ConsoleState(
            session: ConsoleSession(user: reviewer, readOnly: settings.readOnly), keymap: keymap,
            themeNames: catalog.names, themeName: theme.name)
        let problems = (themeProblem.map { [$0] } ?? []) + catalog.problems.map(\.description) + keyProblems
        if let first = problems.first {
            state.message = StatusMessage(problems.count > 1 ? "\(first) (and \(problems.count - 1) more)" : first, severity: .warning)
        }

        let terminal: NcursesTerminal
        do {
            terminal = try NcursesTerminal(environment: environment, theme: theme)
        } catch {
            throw ValidationError("\(error)")
        }
        defer { terminal.shutdown() }

        let player = (options.player ?? environment["ROTATION_PLAYER"]).map { $0.split(separator: " ").map(String.init) }
        let handler = ServiceEffectHandler(settings: settings, reviewer: reviewer, playerCommand: player,
                                           presenceSettings: PresenceSettings(environment: environment))
        defer { handler.stopPresence() }
        let inbox = ConsoleEventInbox()
        let feeds = LiveFeeds(settings: settings, inbox: inbox, counters: { handler.serviceCounters })
        defer { feeds.stop() }
        // The live panes and the grants open their own connections: only once the first page is answered, so
        // that the connection reading it opens alone. The grants need a round trip: the first screen does not wait.
        let settings = self.settings
        let gate = FirstPageGate(handler) {
            feeds.start()
            DispatchQueue.global().async {
                inbox.post(.sessionChanged(SessionProbe.session(settings: settings, reviewer: reviewer)))
            }
        }
        ConsoleApp(state: state, backend: terminal, handler: gate, themes: catalog, inbox: inbox).run()
    }

    /// The default keymap with the user's `[keys]` overrides, and what was wrong with them.
    static func keymap(environment: [String: String]) -> (Keymap, [String]) {
        guard let directory = UserConfigDirectory.path(environment: environment) else { return (.defaults, []) }
        let file = URL(fileURLWithPath: directory).appendingPathComponent("config.toml")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return (.defaults, []) }
        let (keymap, problems) = KeymapOverrides.apply(configText: text)
        return (keymap, problems.map { "\(file.path): \($0)" })
    }
}
