import XCTest
import Terminal
@testable import Console

/// "Impossible to hurt by accident": a single key never deletes or overrides in bulk.
final class SafetyTests: XCTestCase {
    func writes(_ effects: [ConsoleEffect]) -> [ConsoleEffect] { effects.filter(\.isWrite) }

    func testNoDangerousActionWritesOnItsFirstKeyExceptUndoableReject() {
        for descriptor in ActionCatalog.all where descriptor.dangerous {
            var state = ConsoleFixtures.loadedState()
            _ = ConsoleFixtures.press(&state, .character("j"))
            if let screen = descriptor.screens.first { state.screen = screen }
            if state.screen == .cache {
                state.cache.keys.replace(with: [CacheKeyRow(key: "match:1000001:1", store: "deepgroove-records", ttlSeconds: 10,
                                                           valueSummary: "")], nextPage: nil)
            }
            let effects = ConsoleUpdate.update(&state, .key(Keymap.defaults.keys(for: descriptor.id)[0]))
            if descriptor.id == .reject {
                XCTAssertEqual(writes(effects).count, 1, "reject is immediate because undo reverses it")
                XCTAssertTrue(ActionCatalog.descriptor(.undo).requirement == descriptor.requirement)
            } else {
                XCTAssertEqual(writes(effects), [], "\(descriptor.id) wrote without asking")
                XCTAssertNotNil(state.modal, "\(descriptor.id) should ask first")
            }
        }
    }

    func testSelectionKeepsTheConfidenceColour() {
        var state = ConsoleFixtures.loadedState(size: TerminalSize(columns: 120, rows: 40))
        _ = ConsoleFixtures.press(&state, .character("j"))  // A2, 0.72: medium band
        let buffer = ConsoleView.render(state)
        let row = (0..<buffer.height).first { buffer.text(row: $0).contains("Moment's Notice") && buffer.text(row: $0).contains("0.72") }!
        let line = buffer.text(row: row)
        let column = line.distance(from: line.startIndex, to: line.range(of: "0.72")!.lowerBound)
        XCTAssertEqual(buffer[column, row].style.role, .confidenceMedium)
        XCTAssertEqual(buffer[5, row].style.role, .selection)
    }

    func testStatusBarHintsFollowTheUsersKeymap() {
        let (keymap, _) = KeymapOverrides.apply(configText: "[keys]\napprove = [\"<c-a>\"]\n")
        var state = ConsoleFixtures.loadedState()
        state.keymap = keymap
        let bar = ConsoleView.render(state).text(row: 23)
        XCTAssertTrue(bar.hasPrefix(" Ctrl-A Approve"), bar)
    }
}
