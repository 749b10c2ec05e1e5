import XCTest
import Terminal
@testable import Console

// A fifth screen defined entirely here, as a new folder under Sources/Console/Screens would define it: its id, its
// actions with their default keys, its state slice and accessor, its unit. No other console file knows about it.

extension ConsoleScreen {
    static let tiny = ConsoleScreen(rawValue: "tiny")
}

extension ActionID {
    static let screenTiny = ActionID(rawValue: "screen_tiny")
    static let tinyPing = ActionID(rawValue: "tiny_ping")
}

extension ActionGroup {
    static let tiny = ActionGroup(rawValue: "Tiny")
}

struct TinyScreenState: Equatable, Sendable {
    var pings = 0
    var row = 0
}

extension ConsoleState {
    var tiny: TinyScreenState {
        get { self[slice: TinyScreen.self] }
        _modify { yield &self[slice: TinyScreen.self] }
    }
}

enum TinyScreen: ScreenUnit {
    static let id = ConsoleScreen.tiny
    static let switchAction = ActionID.screenTiny
    static var initialSlice: TinyScreenState { TinyScreenState() }
    static let actions: [ActionDescriptor] = [
        .init(.screenTiny, "Tiny screen", group: .application, help: "A screen the tests add", defaultKeys: ["5"]),
        // `a` approves on the review screen: a screen's own key means something else elsewhere.
        .init(.tinyPing, "Ping", group: .tiny, help: "Count one ping", screens: [id], defaultKeys: ["a"]),
    ]

    static func enter(_ state: inout ConsoleState) -> [ConsoleEffect] { [] }
    static func refresh(_ state: inout ConsoleState) -> [ConsoleEffect] { [] }

    static func perform(_ action: ActionID, _ state: inout ConsoleState) -> [ConsoleEffect]? {
        guard action == .tinyPing else { return nil }
        state.tiny.pings += 1
        return []
    }

    static func moveCursor(by delta: Int, _ state: inout ConsoleState) -> [ConsoleEffect] {
        state.tiny.row = max(0, min(9, state.tiny.row.addingReportingOverflow(delta).partialValue))
        return []
    }

    static func pageSize(_ state: ConsoleState, _ layout: ConsoleLayout) -> Int { 5 }
    static func focusedFilter(_ state: ConsoleState) -> String { "" }
    static func setFocusedFilter(_ text: String, _ state: inout ConsoleState) {}
    static func keepCursorsVisible(_ state: inout ConsoleState, _ layout: ConsoleLayout) {}
    static func hints(_ state: ConsoleState) -> [ActionID] { [.tinyPing] }

    static func draw(_ state: ConsoleState, _ layout: ConsoleLayout, _ buffer: inout CellBuffer) {
        buffer.put("Tiny: \(state.tiny.pings) ping(s), row \(state.tiny.row)",
                   at: CellPosition(column: layout.main.column, row: layout.main.row), style: CellStyle(.text))
    }
}

/// Adding a screen is its own file(s) plus one registration line: here the line is the registry the test runs with.
final class FifthScreenTests: XCTestCase {
    func testAFifthScreenRegisteredWithOneLineIsFocusedReceivesItsKeysAndDraws() {
        ScreenRegistry.$current.withValue(ScreenRegistry.builtIn.adding(TinyScreen.self)) {
            XCTAssertEqual(ConsoleScreen.allCases, [.review, .inventory, .cache, .queue, .calibration, .tiny])
            XCTAssertEqual(ScreenRegistry.current.defaultKeymapProblems, [])
            XCTAssertEqual(Keymap.defaults.conflicts, [])
            XCTAssertEqual(Keymap.defaults.unboundActions, [])

            var state = ConsoleFixtures.loadedState()
            XCTAssertEqual(ConsoleFixtures.press(&state, .character("5")), [])
            XCTAssertEqual(state.screen, .tiny, "its switch key focuses it")

            XCTAssertEqual(ConsoleFixtures.press(&state, .character("a")), [], "a pings here, no decision")
            _ = ConsoleFixtures.press(&state, .character("j"), .down)
            XCTAssertEqual(state.tiny, TinyScreenState(pings: 1, row: 2), "its own key and the shared moves reach it")

            let screen = ConsoleView.render(state).lines
            XCTAssertTrue(screen[0].contains(" 5 Tiny "), "its tab: \(screen[0])")
            XCTAssertTrue(screen.contains { $0.hasPrefix("Tiny: 1 ping(s), row 2") }, screen.joined(separator: "\n"))
            XCTAssertTrue(screen[23].contains("a Ping"), "its hint: \(screen[23])")

            // The palette, the help and `rotation keys` list its actions; a user's [keys] rebinds them by name.
            _ = ConsoleFixtures.press(&state, .character(":"))
            guard case .palette(let palette)? = state.modal else { return XCTFail("the palette is open") }
            XCTAssertTrue(palette.matches(on: .tiny).contains { $0.id == .tinyPing })
            XCTAssertEqual(HelpContent.lines(keymap: .defaults).last { $0.kind == .group }?.title, "Tiny")
            XCTAssertTrue(HelpContent.markdownKeyTable().contains("| `5` | Tiny screen |"))
            XCTAssertTrue(HelpContent.markdownKeyTable().contains("| `a` | Ping | Count one ping |"))
            let (rebound, problems) = KeymapOverrides.apply(configText: "[keys]\ntiny_ping = [\"z\"]\n")
            XCTAssertEqual(problems, [])
            XCTAssertEqual(rebound.action(for: .character("z"), on: .tiny), .tinyPing)

            // The other screens are as they were: `a` still approves on the review screen.
            var review = ConsoleFixtures.loadedState()
            let effects = ConsoleFixtures.press(&review, .character("j"), .character("a"))
            XCTAssertTrue(effects.contains { if case .review = $0 { return true } else { return false } }, "\(effects)")
            XCTAssertEqual(review.tiny, TinyScreenState(), "its slice starts as the screen declares")
        }
    }

    func testTheRegistrationEndsWithItsScope() {
        ScreenRegistry.$current.withValue(ScreenRegistry.builtIn.adding(TinyScreen.self)) {
            XCTAssertEqual(ConsoleScreen.allCases.count, 6)
        }
        XCTAssertEqual(ConsoleScreen.allCases, [.review, .inventory, .cache, .queue, .calibration])
        XCTAssertEqual(Keymap.defaults.keys(for: .tinyPing), [])
        XCTAssertEqual(KeymapOverrides.apply(configText: "[keys]\ntiny_ping = [\"z\"]\n").problems.map(\.description),
                       ["line 2: unknown action \"tiny_ping\""])
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("5"))
        XCTAssertEqual(state.screen, .review, "5 switches to no screen without it")
    }
}
