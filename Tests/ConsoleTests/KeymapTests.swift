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

    func testHelpIsGeneratedFromTheKeymapAndListsEveryAction() {
        let lines = HelpContent.lines(keymap: .defaults).filter { $0.kind == .action }
        XCTAssertEqual(lines.map(\.title), ActionCatalog.all.map(\.title))
        XCTAssertEqual(lines.first { $0.title == "Down" }?.keys, "j ↓")
        let (custom, _) = KeymapOverrides.apply(configText: "[keys]\napprove = [\"<c-a>\"]\n")
        XCTAssertEqual(HelpContent.lines(keymap: custom).first { $0.title == "Approve" }?.keys, "Ctrl-A")

        var state = ConsoleFixtures.loadedState(size: TerminalSize(columns: 200, rows: 60))
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
