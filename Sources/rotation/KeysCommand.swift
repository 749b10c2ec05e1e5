import ArgumentParser
import Console
import Foundation

/// `rotation keys`: every console action and its keys, from the same keymap the console and its help use.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "List the console's key bindings (with your overrides from config.toml).")

    @Flag(help: "Print a Markdown table (the README's key table is this output).")
    var markdown = false

    @Flag(name: .customLong("defaults"), help: "Ignore config.toml: the built-in bindings only.")
    var builtIn = false

    func run() throws {
        let (keymap, problems) = builtIn ? (Keymap.defaults, []) : ConsoleLauncher.keymap(environment: ProcessInfo.processInfo.environment)
        for problem in problems { printError("rotation: \(problem)") }
        printLine(markdown ? HelpContent.markdownKeyTable(keymap: keymap) : HelpContent.plainKeyTable(keymap: keymap), terminator: "")
    }
}
