import Foundation
import Matching
import Terminal
import XCTest
@testable import Console

/// A report with a known answer: 0.52 → 2 approved / 3 replaced / 5 rejected, 0.62 → 6/2/2, 0.70 → 18/1/1,
/// 0.85 → 120 approved, 0.97 → 60 approved; pending 0.56 ×3, 0.72 ×5, 0.78 ×2. Suggestion: 0.75.
enum CalibrationFixture {
    static func report() -> CalibrationReport {
        func many(_ confidence: Double, _ counts: [(CalibrationVerdict, Int)]) -> [CalibrationDecision] {
            counts.flatMap { Array(repeating: CalibrationDecision(confidence: confidence, verdict: $0.0), count: $0.1) }
        }
        let decisions = many(0.52, [(.approved, 2), (.replaced, 3), (.rejected, 5)])
            + many(0.62, [(.approved, 6), (.replaced, 2), (.rejected, 2)])
            + many(0.7, [(.approved, 18), (.replaced, 1), (.rejected, 1)])
            + many(0.85, [(.approved, 120)]) + many(0.97, [(.approved, 60)])
        return CalibrationReport(decisions: decisions, pending: [0.56: 3, 0.72: 5, 0.78: 2], settings: CalibrationSettings())
    }
}

extension SnapshotTests {
    func calibrationState(_ size: TerminalSize) -> ConsoleState {
        var state = withLivePanes(ConsoleFixtures.loadedState(size: size))
        let effects = ConsoleFixtures.press(&state, .character("6"))
        _ = ConsoleUpdate.update(&state, .calibrationLoaded(effects.last!.requestID, CalibrationFixture.report()))
        return state
    }

    func testCalibrationScreen() {
        assertSnapshot(calibrationState(Self.small), "calibration-80x24")
        assertSnapshot(calibrationState(Self.large), "calibration-120x40")
    }
}

final class CalibrationScreenTests: XCTestCase {
    func testItsKeyLoadsTheReportAndTheRefreshKeyReloadsIt() throws {
        var state = ConsoleFixtures.loadedState()
        let effects = ConsoleFixtures.press(&state, .character("6"))
        XCTAssertEqual(state.screen, .calibration)
        guard case .loadCalibration(let id)? = effects.last else { return XCTFail("\(effects)") }
        XCTAssertTrue(ConsoleView.render(state).lines.contains { $0.contains("Loading…") })
        _ = ConsoleUpdate.update(&state, .calibrationLoaded(id, CalibrationFixture.report()))
        XCTAssertEqual(state.calibration.report, CalibrationFixture.report())
        let screen = ConsoleView.render(state).lines.joined(separator: "\n")
        XCTAssertTrue(screen.contains("Calibration · 220 reviewed proposals · threshold now 0.80"), screen)

        // Entering again keeps the report; the refresh key asks for a new one.
        XCTAssertEqual(ConsoleFixtures.press(&state, .character("1"), .character("6")).filter {
            if case .loadCalibration = $0 { return true } else { return false } }, [])
        let refresh = ConsoleFixtures.press(&state, .control("r"))
        XCTAssertTrue(refresh.contains { if case .loadCalibration = $0 { return true } else { return false } }, "\(refresh)")
    }

    func testAFailedLoadSaysSoAndTheRefreshKeyTriesAgain() {
        var state = ConsoleFixtures.loadedState()
        let effects = ConsoleFixtures.press(&state, .character("6"))
        _ = ConsoleUpdate.update(&state, .requestFailed(effects.last!.requestID, "Postgres is unavailable"))
        XCTAssertTrue(state.calibration.loadFailed)
        XCTAssertTrue(ConsoleView.render(state).lines.contains { $0.contains("Not loaded") })
        XCTAssertTrue(ConsoleFixtures.press(&state, .control("r")).contains {
            if case .loadCalibration = $0 { return true } else { return false } })
    }

    func testTheReportScrollsToItsLastThreshold() {
        var state = ConsoleFixtures.loadedState()
        let effects = ConsoleFixtures.press(&state, .character("6"))
        _ = ConsoleUpdate.update(&state, .calibrationLoaded(effects.last!.requestID, CalibrationFixture.report()))
        for _ in 0..<40 { _ = ConsoleFixtures.press(&state, .character("j")) }
        let screen = ConsoleView.render(state).lines
        XCTAssertTrue(screen.contains { $0.contains("≥ 0.95") }, screen.joined(separator: "\n"))
        XCTAssertFalse(screen.contains { $0.contains("Suggested auto-approve threshold") }, "scrolled past it")
        XCTAssertGreaterThan(state.calibration.top, 0)
    }
}
