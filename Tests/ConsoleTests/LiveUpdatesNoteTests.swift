import Foundation
import XCTest
@testable import Console

/// The change feed's note (polling behind a pooler) reaches the status bar as a warning.
final class LiveUpdatesNoteTests: XCTestCase {
    func testThePollingNoteIsShownAsAWarning() {
        var state = ConsoleFixtures.loadedState()
        let effects = ConsoleUpdate.update(&state, .liveUpdatesDegraded("Live updates by polling every 1 s"))
        XCTAssertTrue(effects.isEmpty)
        XCTAssertEqual(state.message?.text, "Live updates by polling every 1 s")
        XCTAssertEqual(state.message?.severity, .warning)
    }
}
