import XCTest
import Terminal
@testable import Console

/// The Reviews screen: its key loads the statistics, the window key asks for another window, the answer is drawn.
final class ReviewStatsScreenTests: XCTestCase {
    static func summary(days: Int = 14) -> ReviewStatsSummary {
        let labels = (0..<days).map { String(format: "2025-11-%02d", 8 + $0) }
        func series(_ values: [Int]) -> [Int] { Array((Array(repeating: 0, count: days) + values).suffix(days)) }
        return ReviewStatsSummary(
            dayLabels: labels,
            reviewers: [StatsSeries(name: "ana", perDay: series([12, 30, 18, 0, 0, 25, 41, 33, 20, 8, 0, 16, 22, 9])),
                        StatsSeries(name: "bob", perDay: series([0, 4, 9, 11, 0, 0, 3, 7, 12, 10, 6, 0, 2, 5])),
                        StatsSeries(name: "björn", perDay: series([1, 0, 0, 0, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0]))],
            pendingByStore: [StatsSeries(name: "deepgroove-records", perDay: series([60, 58, 55, 52, 52, 50, 44, 42, 45, 43, 40, 41, 38, 36])),
                             StatsSeries(name: "tokyo-vinyl-exchange", perDay: series([10, 12, 15, 15, 16, 18, 18, 20, 19, 17, 16, 15, 18, 18]))],
            timedDecisions: 251, medianWaitSeconds: 97_200, rejections: 23, rejectionsWithReplacement: 6,
            rejectionsByReviewer: [StatsCount("ana", 17), StatsCount("bob", 6)],
            rejectionsByStore: [StatsCount("deepgroove-records", 20), StatsCount("tokyo-vinyl-exchange", 3)])
    }

    static func reviewsState(_ size: TerminalSize) -> ConsoleState {
        var state = ConsoleFixtures.loadedState(size: size)
        let effects = ConsoleFixtures.press(&state, .character("5"))
        _ = ConsoleUpdate.update(&state, .reviewStatsLoaded(effects.last!.requestID, summary()))
        return state
    }

    func testTheKeyOpensTheScreenAndLoadsTheStatistics() {
        var state = ConsoleFixtures.loadedState()
        let effects = ConsoleFixtures.press(&state, .character("5"))
        XCTAssertEqual(state.screen, .reviews)
        guard case .loadReviewStats(let id, days: 14)? = effects.last else { return XCTFail("\(effects)") }
        XCTAssertNil(state.reviews.summary)
        XCTAssertTrue(ConsoleView.render(state).lines.contains { $0.contains("Loading…") })

        _ = ConsoleUpdate.update(&state, .reviewStatsLoaded(id, Self.summary()))
        XCTAssertEqual(state.reviews.summary, Self.summary())
        XCTAssertTrue(state.pending.isEmpty)

        let window = ConsoleFixtures.press(&state, .character("w"))
        XCTAssertEqual(state.reviews.days, 30)
        guard case .loadReviewStats(_, days: 30)? = window.last else { return XCTFail("\(window)") }
        _ = ConsoleFixtures.press(&state, .character("2"))
        XCTAssertEqual(ConsoleFixtures.press(&state, .character("5")), [], "the statistics loaded stay until refreshed")

        // A decision made elsewhere while another screen is shown: entering the screen reloads.
        _ = ConsoleFixtures.press(&state, .character("1"))
        _ = ConsoleUpdate.update(&state, .dataChanged([.everything]))
        guard case .loadReviewStats? = ConsoleFixtures.press(&state, .character("5")).last else { return XCTFail("reloads") }
    }

    func testTheScreenShowsEveryFigure() {
        let lines = ConsoleView.render(Self.reviewsState(TerminalSize(columns: 120, rows: 40))).lines
        let screen = lines.joined(separator: "\n")
        XCTAssertTrue(screen.contains("Decisions · 14 days to 2025-11-21"), screen)
        XCTAssertTrue(lines.contains { $0.contains("ana") && $0.contains("234") }, screen)
        XCTAssertTrue(lines.contains { $0.contains("(everyone)") && $0.contains("307") }, screen)
        XCTAssertTrue(lines.contains { $0.contains("deepgroove-records") && $0.contains("36") }, screen)
        XCTAssertTrue(screen.contains("Median wait from stored to a person's first decision: 1d03h (251 decisions)"), screen)
        XCTAssertTrue(screen.contains("Rejections 23 (6 replaced; no reason is logged) · by reviewer ana 17, bob 6"), screen)
        XCTAssertTrue(screen.contains("▁"), "sparklines")
    }
}

extension SnapshotTests {
    func testReviewStatsScreen() {
        assertSnapshot(withLivePanes(ReviewStatsScreenTests.reviewsState(Self.small)), "reviews-80x24")
        assertSnapshot(withLivePanes(ReviewStatsScreenTests.reviewsState(Self.large)), "reviews-120x40")
    }
}
