import XCTest
import Terminal
@testable import Console

/// Issue 10, item 1: the queue pane says why jobs wait: how many are postponed, when the latest is due and its reason
/// (a row's `error_message`, sanitized), in the boxes of a tall window and in the summary line of a short one.
final class QueuePaneWaitingTests: XCTestCase {
    static func state(_ size: TerminalSize, postponed: Int, reason: String = "search postponed: YouTube quota spent",
                      quota: SearchQuotaSnapshot? = nil) -> ConsoleState {
        var state = ConsoleFixtures.loadedState(size: size)
        _ = ConsoleUpdate.update(&state, .healthChanged(HealthSnapshot(
            postgres: TierStatus(isUp: true, roundTripMilliseconds: 1.2), redis: TierStatus(isUp: true, roundTripMilliseconds: 0.4))))
        _ = ConsoleUpdate.update(&state, .queueStatsSampled(QueueSnapshot(
            counts: [.queued: 1_250, .processing: 4, .completed: 88_120], oldestQueuedSeconds: 754, throughputPerMinute: 310,
            searchQuota: quota, postponed: postponed,
            latestPostponed: postponed == 0 ? [] : [PostponedJob(discogsID: 1_000_001, reason: reason, dueInSeconds: 14_580)])))
        return state
    }

    static func text(_ state: ConsoleState) -> String { ConsoleView.render(state).lines.joined(separator: "\n") }

    func testTheQueueBoxShowsHowManyWaitWhenTheLatestIsDueAndWhy() {
        let text = Self.text(Self.state(SnapshotTests.large, postponed: 2))
        XCTAssertTrue(text.contains("│waiting     2 · due 4h03m · search po…│"), text)
        XCTAssertFalse(Self.text(Self.state(SnapshotTests.large, postponed: 0)).contains("waiting"))
    }

    func testTheSummaryLineOfAShortWindowShowsThemToo() {
        let text = Self.text(Self.state(TerminalSize(columns: 160, rows: 24), postponed: 3,
                                        quota: SearchQuotaSnapshot(unitsUsed: 10_000, dailyBudget: 10_000)))
        XCTAssertTrue(text.contains("waiting 3 · due 4h03m · search postponed: YouTube quota spent"), text)
        XCTAssertTrue(text.contains("yt quota"), text)
    }

    func testWithTheQuotaTooTheLastRowShowsBothBeforeTheReason() {
        let text = Self.text(Self.state(SnapshotTests.large, postponed: 2,
                                        quota: SearchQuotaSnapshot(unitsUsed: 10_000, dailyBudget: 10_000)))
        XCTAssertTrue(text.contains("│waiting     2 · yt quota 10.0k/10.0k …│"), text)
    }

    func testAReasonCannotDriveTheTerminal() {
        let hostile = "quota\u{1B}[2J\u{1B}]0;pwned\u{07} spent\u{202E}"
        let state = Self.state(SnapshotTests.large, postponed: 1, reason: hostile)
        let text = Self.text(state)
        XCTAssertFalse(text.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{202E}" }, text)
        XCTAssertTrue(text.contains("waiting     1 · due 4h03m · quota"), text)
    }
}
