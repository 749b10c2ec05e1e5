import Foundation
import XCTest
import Terminal
@testable import Console

final class KeymapTests: XCTestCase {
    func testDefaultsHaveNoConflictsAndEveryActionHasAKey() {
        XCTAssertEqual(Keymap.defaults.conflicts, [])
        XCTAssertEqual(Keymap.defaults.unboundActions, [])
        XCTAssertEqual(Set(ActionCatalog.all.map(\.id)), Set(ActionID.allCases), "every action is in the catalog once")
        XCTAssertEqual(ActionCatalog.all.count, ActionID.allCases.count)
    }

    func testDefaultsAreTheTOMLFileReadLikeUserOverrides() throws {
        let file = try XCTUnwrap(Self.defaultKeymapFile(), "Sources/Console/Keys/default-keymap.toml not found")
        let text = try String(contentsOf: file, encoding: .utf8)
        XCTAssertEqual(BuiltinKeymap.source, text,
                       "Keys/BuiltinKeymap.swift is out of date: copy default-keymap.toml into it verbatim")
        let (keymap, problems) = KeymapOverrides.apply(configText: text, to: Keymap(bindings: [:]))
        XCTAssertEqual(problems, [], "the defaults must apply cleanly")
        XCTAssertEqual(ScreenRegistry.current.defaultKeymapProblems, [], "the file and the screens' keys apply cleanly")
        // The file binds the shared actions; a screen's own actions take their keys from its descriptors.
        for action in ActionCatalog.all {
            let screenKeys = action.defaultKeys.compactMap { try? KeyEvent(name: $0) }
            XCTAssertTrue(screenKeys.isEmpty || keymap.keys(for: action.id).isEmpty, "\(action.id): one home for its keys")
            XCTAssertEqual(Keymap.defaults.keys(for: action.id), screenKeys.isEmpty ? keymap.keys(for: action.id) : screenKeys)
        }
        XCTAssertEqual(Keymap.defaults.keys(for: .quit), [.character("q"), .control("c")], "keys keep their order")
        XCTAssertEqual(Keymap.defaults.keys(for: .pageDown), [.pageDown, .control("d")])
        XCTAssertEqual(Keymap.defaults.keys(for: .toggleMark), [.character(" ")])
    }

    /// `Sources/Console/Keys/default-keymap.toml`, found walking up from this file.
    private static func defaultKeymapFile(from file: String = #filePath) -> URL? {
        var directory = URL(fileURLWithPath: file).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("Sources/Console/Keys/default-keymap.toml")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    func testVimKeysAndArrowsBothWork() {
        let keymap = Keymap.defaults
        for (vim, arrow, action) in [("j", KeyEvent.down, ActionID.moveDown), ("k", .up, .moveUp),
                                     ("h", .left, .focusLeft), ("l", .right, .focusRight)] {
            XCTAssertEqual(keymap.action(for: .character(Character(vim)), on: .review), action)
            XCTAssertEqual(keymap.action(for: arrow, on: .review), action)
        }
    }

    func testTheSameKeyMeansDifferentThingsOnDifferentScreens() {
        XCTAssertEqual(Keymap.defaults.action(for: .character("r"), on: .review), .replace)
        XCTAssertEqual(Keymap.defaults.action(for: .character("r"), on: .queue), .queueRequeue)
        XCTAssertNil(Keymap.defaults.action(for: .character("a"), on: .cache))
    }

    func testOverridesReplaceKeysAndReportProblemsWithLines() {
        let config = """
        [theme]
        name = "light"

        [keys]
        approve = ["<c-a>", "a"]
        reject = "X"
        nonsense = ["z"]
        replace = ["<weird>"]
        quit = ["Q", "<c-a>"]
        """
        let (keymap, problems) = KeymapOverrides.apply(configText: config)
        XCTAssertEqual(keymap.keys(for: .approve), [.control("a"), .character("a")])
        XCTAssertEqual(keymap.keys(for: .reject), [.character("X")])
        XCTAssertEqual(keymap.keys(for: .quit), [.character("Q")])
        XCTAssertEqual(keymap.keys(for: .replace), [])
        XCTAssertEqual(problems.map(\.line), [7, 8, 8, 9])
        XCTAssertEqual(problems[0].description, "line 7: unknown action \"nonsense\"")
        XCTAssertTrue(problems.contains { $0.line == 8 && $0.message.contains("unknown key name") }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.line == 8 && $0.message.contains("no key now") }, "\(problems)")
        XCTAssertTrue(problems[3].message.contains("already bound to approve"), problems[3].message)
        // X was cache_clear_all's key, but on another screen: no conflict, both keep it.
        XCTAssertEqual(keymap.keys(for: .cacheClearAll), [.character("X")])
        XCTAssertEqual(keymap.conflicts, [])
    }

    func testAUserKeyTakesItOverFromADefaultOnTheSameScreen() {
        let (keymap, problems) = KeymapOverrides.apply(configText: "[keys]\nundo = [\"x\"]\n")
        XCTAssertEqual(keymap.action(for: .character("x"), on: .review), .undo)
        XCTAssertEqual(keymap.keys(for: .reject), [])
        XCTAssertEqual(problems.map(\.description), ["line 2: x now runs undo, so reject lost it and has no key left"])
        XCTAssertEqual(keymap.conflicts, [])
    }

    func testBrokenConfigKeepsTheDefaults() {
        let (keymap, problems) = KeymapOverrides.apply(configText: "[keys\napprove = 3")
        XCTAssertEqual(keymap, .defaults)
        XCTAssertEqual(problems.first?.line, 1)
    }

    func testCRLFConfigAndSemanticProblemsNameTheirLine() {
        let config = "[theme]\r\nname = \"light\"\r\n\r\n[keys]\r\napprove = [\r\n  \"<c-a>\",\r\n]\r\nundo = 3\r\n"
        let (keymap, problems) = KeymapOverrides.apply(configText: config)
        XCTAssertEqual(keymap.keys(for: .approve), [.control("a")])
        XCTAssertEqual(problems.map(\.description),
                       ["line 8: undo: expected a key name or a list of key names, got an integer"])
        // A quoted key may hold anything, an escape sequence too: what is shown of it is sanitized.
        let (_, more) = KeymapOverrides.apply(configText: #"""
            [keys]
            "\u001B[2J" = "a"
            move_down = ["j", 2]
            keys = 1
            """#)
        XCTAssertEqual(more.map(\.line), [2, 3, 4])
        guard more.count == 3 else { return }
        XCTAssertTrue(more[0].message.hasPrefix("unknown action \""), more[0].message)
        XCTAssertFalse(more[0].message.contains("\u{1B}"), more[0].message)
        XCTAssertEqual(more[1].message, "move_down: expected a key name or a list of key names, got an array holding an integer")
        XCTAssertEqual(more[2].message, "unknown action \"keys\"")
        XCTAssertEqual(KeymapOverrides.apply(configText: "keys = \"a\"\n").problems.map(\.line), [1])
    }

    func testHelpIsGeneratedFromTheKeymapAndListsEveryAction() {
        let lines = HelpContent.lines(keymap: .defaults).filter { $0.kind == .action }
        XCTAssertEqual(lines.map(\.title), ActionCatalog.all.map(\.title))
        XCTAssertEqual(lines.first { $0.title == "Down" }?.keys, "j ↓")
        let (custom, _) = KeymapOverrides.apply(configText: "[keys]\napprove = [\"<c-a>\"]\n")
        XCTAssertEqual(HelpContent.lines(keymap: custom).first { $0.title == "Approve" }?.keys, "Ctrl-A")

        var state = ConsoleFixtures.loadedState(size: TerminalSize(columns: 200, rows: 120))
        _ = ConsoleFixtures.press(&state, .character("?"))
        let screen = ConsoleView.render(state).lines.joined(separator: "\n")
        for action in ActionCatalog.all {
            XCTAssertTrue(screen.contains(action.title), "help misses \(action.title)")
        }
        XCTAssertTrue(HelpContent.markdownKeyTable().contains("| `a` | Approve |"))
    }

    func testPaletteMatchesFuzzilyAndSkipsOtherScreens() {
        var palette = PaletteState()
        palette.query.text = "apr"
        XCTAssertEqual(palette.matches(on: .review).first?.id, .approve)
        palette.query.text = "clear all"
        XCTAssertEqual(palette.matches(on: .review).map(\.id), [], "cache actions are not offered on the review screen")
        XCTAssertEqual(palette.matches(on: .cache).first?.id, .cacheClearAll)
    }

    func testRebindingMoveDownMovesInTheHelpScreenAndThePalette() {
        let (keymap, problems) = KeymapOverrides.apply(configText: """
        [keys]
        move_down = ["J", "<c-j>"]
        """)
        XCTAssertEqual(problems, [])
        var state = ConsoleFixtures.emptyState()
        state.keymap = keymap

        _ = ConsoleFixtures.press(&state, .character("?"))
        XCTAssertEqual(state.modal, .help(scroll: 0))
        _ = ConsoleFixtures.press(&state, .character("J"), .control("j"))
        XCTAssertEqual(state.modal, .help(scroll: 2), "both rebound keys scroll the help down")
        _ = ConsoleFixtures.press(&state, .down)
        XCTAssertNil(state.modal, "the old key is no longer move_down: like any other key it closes the help")

        _ = ConsoleFixtures.press(&state, .character(":"))
        _ = ConsoleFixtures.press(&state, .control("j"))
        guard case .palette(let moved)? = state.modal else { return XCTFail("the palette is open") }
        XCTAssertEqual(moved.cursor, 1, "a rebound key that is not text moves in the palette")
        _ = ConsoleFixtures.press(&state, .character("J"))
        guard case .palette(let typed)? = state.modal else { return XCTFail("the palette is open") }
        XCTAssertEqual(typed.query.text, "J", "a letter is text in the palette's field, whatever it is bound to")
    }
}
