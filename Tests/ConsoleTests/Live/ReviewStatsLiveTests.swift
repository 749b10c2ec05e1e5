import Foundation
import Postgres
import Rotation
import XCTest
@testable import Console
@testable import ConsoleLive

/// The Reviews screen's effect against a real database: a decision made through the handler shows in the figures.
final class ReviewStatsLiveTests: LiveTestCase {
    func testTheScreensStatisticsCountADecisionMadeInTheConsole() throws {
        let before = perform(.loadReviewStats(requestID(), days: 3))
        guard before.count == 1, case .reviewStatsLoaded(_, let empty) = before[0] else { return XCTFail("\(before)") }
        XCTAssertEqual(empty.dayLabels.count, 3)
        XCTAssertEqual(empty.reviewers, [])
        XCTAssertEqual(empty.pendingByStore.map(\.name), [Self.store])
        XCTAssertEqual(empty.pendingByStore.first?.perDay.last, 1, "the seeded pending track")

        let seen = try XCTUnwrap(try matchRow(track: 1)).decode("updated_at", as: Date.self)
        let target = ReviewTarget(track: TrackReference(releaseID: Self.release, trackIndex: 1), seen: .match(updatedAt: seen))
        _ = perform(.review(requestID(), ReviewCommand(decision: .reject, targets: [target])))

        let after = perform(.loadReviewStats(requestID(), days: 3))
        guard after.count == 1, case .reviewStatsLoaded(_, let summary) = after[0] else { return XCTFail("\(after)") }
        XCTAssertEqual(summary.reviewers.map(\.name), [Self.reviewer])
        XCTAssertEqual(summary.reviewers.first?.perDay.reduce(0, +), 1)
        XCTAssertEqual(summary.pendingByStore, [], "nothing waits any more")
        XCTAssertEqual(summary.timedDecisions, 1)
        XCTAssertEqual(summary.rejections, 1)
        XCTAssertEqual(summary.rejectionsByStore, [StatsCount(Self.store, 1)])
    }
}
