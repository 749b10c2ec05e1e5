import Foundation
import Terminal
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

/// The health pane's replica line (DATABASE_READ_URL), when the window is tall enough for the three boxes.
final class ReplicaHealthPaneTests: XCTestCase {
    func testTheHealthPaneShowsTheReplicaLagOnlyWhenThereIsAReplica() {
        var state = ConsoleFixtures.loadedState(size: TerminalSize(columns: 120, rows: 36))
        XCTAssertFalse(ConsoleView.render(state).lines.contains { $0.contains("Replica") })
        _ = ConsoleUpdate.update(&state, .healthChanged(HealthSnapshot(
            postgres: TierStatus(isUp: true, roundTripMilliseconds: 0.4), redis: TierStatus(isUp: true),
            replica: "lag 0 B, last replay 1.2 s ago")))
        XCTAssertTrue(ConsoleView.render(state).lines.contains { $0.contains("Replica lag 0 B, last replay 1.2 s ago") })
    }
}
