import XCTest
import Terminal
@testable import Console

/// Quitting asks twice while a write runs, and only then: the writes are `ConsoleEffect.isWrite`, the one list.
final class QuitWhileSavingTests: XCTestCase {
    func testQuitAsksAgainWhileADecisionIsBeingSaved() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("j"))  // A2, pending
        let effects = ConsoleFixtures.press(&state, .character("a"))
        let writes = effects.filter(\.isWrite).map(\.requestID)
        XCTAssertEqual(writes.count, 1)
        XCTAssertEqual(state.pending.filter(\.isWrite).map(\.id), writes)

        _ = ConsoleFixtures.press(&state, .character("q"))
        XCTAssertTrue(state.isRunning)
        XCTAssertEqual(state.message?.severity, .warning)
        XCTAssertTrue(state.message?.text.contains("still being saved") ?? false, "\(String(describing: state.message))")
        _ = ConsoleFixtures.press(&state, .character("q"))
        XCTAssertFalse(state.isRunning, "the second quit really quits")
    }

    func testQuitIsImmediateWhenOnlyReadsAreInFlight() {
        var state = ConsoleFixtures.emptyState()
        _ = ConsoleUpdate.update(&state, .started)
        XCTAssertFalse(state.pending.isEmpty, "the stores are loading")
        XCTAssertFalse(state.pending.contains(where: \.isWrite))
        _ = ConsoleFixtures.press(&state, .character("q"))
        XCTAssertFalse(state.isRunning)
    }
}
