import Matching
import XCTest
@testable import Console

/// The screens are units in one list: every screen is reachable, named once, and the shared chrome reads them.
final class ScreenRegistryTests: XCTestCase {
    func testEveryScreenIsRegisteredOnceWithItsOwnSwitchAction() {
        let units = ScreenRegistry.all
        XCTAssertEqual(ConsoleScreen.allCases, [.review, .inventory, .cache, .queue, .reviews, .calibration], "tab order")
        XCTAssertEqual(Set(units.map { $0.id }).count, units.count, "one unit per screen")
        XCTAssertEqual(Set(units.map { $0.switchAction }).count, units.count, "one switch action per screen")
        for unit in units {
            XCTAssertEqual(ScreenRegistry.unit(for: unit.id).id, unit.id)
            XCTAssertEqual(ScreenRegistry.screen(switchedToBy: unit.switchAction), unit.id)
            XCTAssertFalse(Keymap.defaults.keys(for: unit.switchAction).isEmpty, "\(unit.title) has a key")
        }
        XCTAssertEqual(ConsoleScreen.allCases.map(\.title),
                       ["Review", "Inventory", "Cache", "Queue", "Reviews", "Calibration"])
    }

    func testEveryScreenSpecificHintIsAnActionOfThatScreen() {
        var state = ConsoleFixtures.loadedState()
        for unit in ScreenRegistry.all {
            state.screen = unit.id
            for action in unit.hints(state) {
                XCTAssertTrue(ActionCatalog.descriptor(action).applies(to: unit.id), "\(action) on \(unit.title)")
            }
        }
    }

    func testEachScreenDeclaresItsActionsOnceAndAJoinedActionAppliesWhereItIsJoined() {
        let ids = ActionCatalog.all.map(\.id)
        XCTAssertEqual(Set(ids).count, ids.count, "every action is declared once")
        for unit in ScreenRegistry.all {
            XCTAssertEqual(unit.actions.first?.id, unit.switchAction, "\(unit.title) declares its switch action first")
            for action in unit.actions.dropFirst() {
                XCTAssertEqual(action.screens, [unit.id], "\(action.id) is \(unit.title)'s own")
            }
        }
        XCTAssertEqual(ActionCatalog.descriptor(.toggleMark).screens, [.review, .queue], "the queue joins marking")
        XCTAssertEqual(ActionGroup.allCases.map(\.rawValue), ["Application", "Navigation", "Review", "Cache", "Queue", "Review statistics"])
    }

    func testTheBulkApproveDefaultComesFromThePolicy() {
        XCTAssertEqual(ConsoleState(session: ConsoleFixtures.reviewer).review.bulkApproveThreshold,
                       MatchPolicy.default.bulkApproveThreshold)
    }
}
