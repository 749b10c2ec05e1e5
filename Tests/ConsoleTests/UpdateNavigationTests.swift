import XCTest
import Terminal
@testable import Console

final class UpdateNavigationTests: XCTestCase {
    func testStartLoadsStoresThenFollowsTheSelectionDownToTracks() {
        var state = ConsoleFixtures.emptyState()
        let start = ConsoleUpdate.update(&state, .started)
        XCTAssertEqual(start, [.loadStores(RequestID(1))])
        let afterStores = ConsoleUpdate.update(&state, .storesLoaded(RequestID(1), ConsoleFixtures.stores))
        XCTAssertEqual(afterStores, [.loadReleases(RequestID(2), store: "deepgroove-records", after: nil)])
        let afterReleases = ConsoleUpdate.update(&state, .releasesLoaded(RequestID(2), store: "deepgroove-records",
                                                                         ConsoleFixtures.releases, nextPage: nil))
        XCTAssertEqual(afterReleases, [.loadTracks(RequestID(3), releaseID: 1_000_001)])
        XCTAssertTrue(state.pending.count == 1)
    }

    func testMovingThroughStoresSupersedesTheOlderLoadAndDropsItsAnswer() {
        var state = ConsoleFixtures.loadedState()
        state.review.focus = .stores
        let first = ConsoleFixtures.press(&state, .character("j"))
        guard case .loadReleases(let firstID, "tokyo-vinyl-exchange", nil) = first.last else { return XCTFail("\(first)") }
        XCTAssertTrue(state.review.releases.items.isEmpty, "the previous store's releases must not stay on screen")
        let effects = ConsoleFixtures.press(&state, .character("j"))
        guard effects.first == .cancel(firstID), case .loadReleases(let id, "berlin-basement", nil) = effects.last else {
            return XCTFail("expected cancel + loadReleases, got \(effects)")
        }
        // The answer for the store the cursor left arrives late and is dropped.
        _ = ConsoleUpdate.update(&state, .releasesLoaded(firstID, store: "tokyo-vinyl-exchange",
                                                         ConsoleFixtures.releases, nextPage: nil))
        XCTAssertTrue(state.review.releases.items.isEmpty)
        _ = ConsoleUpdate.update(&state, .releasesLoaded(id, store: "berlin-basement", [ConsoleFixtures.releases[2]], nextPage: nil))
        XCTAssertEqual(state.review.releases.selected?.discogsID, 1_000_003)
    }

    func testTabShiftTabAndVimKeysMoveFocus() {
        var state = ConsoleFixtures.loadedState()
        state.review.focus = .stores
        _ = ConsoleFixtures.press(&state, .tab)
        XCTAssertEqual(state.review.focus, .releases)
        _ = ConsoleFixtures.press(&state, .tab, .tab, .tab)
        XCTAssertEqual(state.review.focus, .stores, "Tab wraps")
        _ = ConsoleFixtures.press(&state, .backTab)
        XCTAssertEqual(state.review.focus, .detail)
        _ = ConsoleFixtures.press(&state, .character("h"), .left)
        XCTAssertEqual(state.review.focus, .releases)
        _ = ConsoleFixtures.press(&state, .character("l"))
        XCTAssertEqual(state.review.focus, .tracks)
        _ = ConsoleFixtures.press(&state, .right, .right)
        XCTAssertEqual(state.review.focus, .detail, "l stops at the last pane")
    }

    func testArrowsAndJKMoveTheTrackCursorAndGGJump() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("j"), .down)
        XCTAssertEqual(state.review.focusedTrack?.position, "B1")
        _ = ConsoleFixtures.press(&state, .up)
        XCTAssertEqual(state.review.focusedTrack?.position, "A2")
        _ = ConsoleFixtures.press(&state, .character("G"))
        XCTAssertEqual(state.review.focusedTrack?.position, "B3")
        _ = ConsoleFixtures.press(&state, .character("g"))
        XCTAssertEqual(state.review.focusedTrack?.position, "A1")
    }

    func testDetailPaneMovesOverCandidates() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("j"), .character("l"), .character("j"))
        XCTAssertEqual(state.review.focus, .detail)
        XCTAssertEqual(state.review.focusedCandidate?.platform, .soundcloud)
        _ = ConsoleFixtures.press(&state, .character("j"))
        XCTAssertEqual(state.review.candidateCursor, 1, "stays on the last candidate")
    }

    func testEnterDrillsInButNeverDecides() {
        var state = ConsoleFixtures.loadedState()
        state.review.focus = .stores
        XCTAssertEqual(ConsoleFixtures.press(&state, .enter, .enter, .enter, .enter, .enter), [])
        XCTAssertEqual(state.review.focus, .detail)
        XCTAssertTrue(state.review.tracksInFlight.isEmpty)
    }

    func testFilterNarrowsTheFocusedListAndEscClearsIt() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("/"))
        _ = ConsoleFixtures.type(&state, "lazy")
        XCTAssertEqual(state.review.tracks.visible.map(\.position), ["B3"])
        _ = ConsoleFixtures.press(&state, .enter)
        XCTAssertNil(state.modal)
        XCTAssertEqual(state.review.tracks.filter, "lazy")
        _ = ConsoleFixtures.press(&state, .escape)
        XCTAssertEqual(state.review.tracks.filter, "")
        XCTAssertEqual(state.review.tracks.visible.count, 5)
    }

    func testPaletteRunsTheBestMatchingAction() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character(":"))
        _ = ConsoleFixtures.type(&state, "cache scr")
        _ = ConsoleFixtures.press(&state, .enter)
        XCTAssertEqual(state.screen, .cache)
    }

    func testNumberKeysSwitchScreensAndLoadThemOnce() {
        var state = ConsoleFixtures.loadedState()
        let cache = ConsoleFixtures.press(&state, .character("3"))
        XCTAssertEqual(state.screen, .cache)
        XCTAssertTrue(cache.contains { if case .loadCacheKeys(_, nil) = $0 { return true } else { return false } })
        let queue = ConsoleFixtures.press(&state, .character("4"))
        XCTAssertTrue(queue.contains { if case .loadQueue(_, .attention, nil) = $0 { return true } else { return false } })
        let inventory = ConsoleFixtures.press(&state, .character("2"))
        XCTAssertEqual(inventory.last, .loadInventory(state.pending.last!.id, store: "deepgroove-records", after: nil))
    }

    func testInventoryOpensAReleaseOnTheReviewScreen() {
        var state = ConsoleFixtures.loadedState()
        let load = ConsoleFixtures.press(&state, .character("2"))
        _ = ConsoleUpdate.update(&state, .inventoryLoaded(load.last!.requestID, store: "deepgroove-records", [
            InventoryRelease(discogsID: 1_000_002, title: "Kind of Blue", artist: "Miles Davis", trackCount: 5, approved: 4, pending: 1),
        ], syncLog: []))
        _ = ConsoleFixtures.press(&state, .enter)  // from the stores list into the releases
        XCTAssertFalse(state.inventory.focusOnStores)
        let effects = ConsoleFixtures.press(&state, .enter)
        XCTAssertEqual(state.screen, .review)
        XCTAssertEqual(state.review.focus, .tracks)
        XCTAssertEqual(state.review.releases.selected?.discogsID, 1_000_002)
        XCTAssertTrue(effects.contains { if case .loadTracks(_, 1_000_002) = $0 { return true } else { return false } })
    }

    func testAStoreChosenInTheInventoryIsFollowedOnTheReviewScreen() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("2"), .character("j"))
        XCTAssertEqual(state.inventory.store, "tokyo-vinyl-exchange")
        let effects = ConsoleFixtures.press(&state, .character("1"))
        XCTAssertTrue(effects.contains { if case .loadReleases(_, "tokyo-vinyl-exchange", nil) = $0 { return true } else { return false } })
    }

    func testThemeKeyCyclesThroughTheNames() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("T"))
        XCTAssertEqual(state.themeName, "light")
        _ = ConsoleFixtures.press(&state, .character("T"), .character("T"))
        XCTAssertEqual(state.themeName, "default")
    }

    func testUnboundKeySaysSo() {
        var state = ConsoleFixtures.loadedState()
        let effects = ConsoleFixtures.press(&state, .character("Z"))
        XCTAssertEqual(effects, [])
        XCTAssertTrue(state.message?.text.contains("? lists the keys") ?? false)
    }

    func testQuitWaitsForAConfirmingSecondPressWhileAWriteIsInFlight() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("j"), .character("a"))
        _ = ConsoleFixtures.press(&state, .character("q"))
        XCTAssertTrue(state.isRunning)
        _ = ConsoleFixtures.press(&state, .character("q"))
        XCTAssertFalse(state.isRunning)
    }

    func testReleasesPageIsRequestedNearTheEnd() {
        var state = ConsoleFixtures.loadedState()
        let many = (0..<30).map { ReleaseRow(discogsID: Int64(2_000_000 + $0), title: "R\($0)", artist: "A", catno: "", pending: 1) }
        state.review.focus = .stores
        let reload = ConsoleFixtures.press(&state, .character("j"), .character("k"))
        let id = reload.compactMap { effect -> RequestID? in
            if case .loadReleases(let id, _, _) = effect { return id } else { return nil }
        }.last!
        _ = ConsoleUpdate.update(&state, .releasesLoaded(id, store: "deepgroove-records", many, nextPage: "cursor-30"))
        state.review.focus = .releases
        var effects: [ConsoleEffect] = []
        for _ in 0..<22 { effects += ConsoleFixtures.press(&state, .character("j")) }
        XCTAssertTrue(effects.contains { if case .loadReleases(_, _, "cursor-30") = $0 { return true } else { return false } },
                      "\(effects)")
    }
}
