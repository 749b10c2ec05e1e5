import XCTest
import Terminal
@testable import Console

final class DisabledActionTests: XCTestCase {
    func testReadOnlyDisablesReviewActionsWithTheReason() {
        var state = ConsoleFixtures.loadedState(session: ConsoleSession(user: "carol", readOnly: true))
        _ = ConsoleFixtures.press(&state, .character("j"))
        XCTAssertEqual(ConsoleFixtures.press(&state, .character("a")), [])
        XCTAssertEqual(state.message?.text, "Approve is disabled: read-only mode: review actions are off (started with --read-only)")
        XCTAssertEqual(ConsoleFixtures.press(&state, .character("o")).count, 1, "opening a URL still works")
    }

    func testMissingGrantsDisableTheirActions() {
        let session = ConsoleSession(user: "dave", grants: [.review])
        var state = ConsoleFixtures.loadedState(session: session)
        let availability = state.availability
        XCTAssertNil(availability.disabledReason(.approve))
        XCTAssertEqual(availability.disabledReason(.cacheClearAll), "dave lacks the rotation_admin role: cache clears are off")
        XCTAssertEqual(availability.disabledReason(.queueRequeue), "dave lacks the rotation_admin role: queue changes are off")
        _ = ConsoleFixtures.press(&state, .character("3"))
        XCTAssertEqual(ConsoleFixtures.press(&state, .character("X")), [])
        XCTAssertNil(state.modal)
    }

    func testPostgresDownDisablesWritesRedisDownOnlyCacheClears() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleUpdate.update(&state, .healthChanged(HealthSnapshot(
            postgres: TierStatus(isUp: false, problem: "connection refused"), redis: TierStatus(isUp: true))))
        XCTAssertNotNil(state.availability.disabledReason(.approve))
        XCTAssertNotNil(state.availability.disabledReason(.queueBump))
        XCTAssertNil(state.availability.disabledReason(.cacheClearKey))
        _ = ConsoleFixtures.press(&state, .character("j"))
        XCTAssertEqual(ConsoleFixtures.press(&state, .character("a")), [])
        XCTAssertTrue(state.message?.text.contains("Postgres is down") ?? false)

        let back = ConsoleUpdate.update(&state, .healthChanged(HealthSnapshot(
            postgres: TierStatus(isUp: true), redis: TierStatus(isUp: false))))
        XCTAssertTrue(back.contains { if case .loadStores = $0 { return true } else { return false } },
                      "what was shown is reloaded when Postgres is back")
        XCTAssertNil(state.availability.disabledReason(.approve), "decisions still save with Redis down")
        XCTAssertEqual(state.availability.disabledReason(.cacheClearAll), "Redis is down: nothing to clear until it is back")
    }

    func testStatusBarDimsDisabledHints() {
        let state = ConsoleFixtures.loadedState(session: ConsoleSession(user: "carol", readOnly: true))
        let buffer = ConsoleView.render(state)
        let bar = 23
        let text = buffer.text(row: bar)
        let column = text.distance(from: text.startIndex, to: text.range(of: "a Approve")!.lowerBound)
        XCTAssertEqual(buffer[column, bar].style.role, .disabled)
    }
}
