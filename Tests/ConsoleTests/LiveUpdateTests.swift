import XCTest
import Terminal
@testable import Console

final class LiveUpdateTests: XCTestCase {
    let change = DataChange.trackMatch(TrackReference(releaseID: 1_000_001, trackIndex: 3))

    func liveTracksRequest(_ effects: [ConsoleEffect]) -> RequestID? {
        for effect in effects { if case .loadTracks(let id, 1_000_001) = effect { return id } }
        return nil
    }

    func testAChangeElsewhereReloadsCountsAndTheShownRelease() {
        var state = ConsoleFixtures.loadedState()
        let effects = ConsoleUpdate.update(&state, .dataChanged([change]))
        XCTAssertTrue(effects.contains { if case .loadStores = $0 { return true } else { return false } })
        XCTAssertTrue(effects.contains { if case .loadReleases(_, "deepgroove-records", nil) = $0 { return true } else { return false } })
        XCTAssertNotNil(liveTracksRequest(effects))
    }

    func testCursorStaysOnItsTrackAndChangesAreAnnounced() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("j"), .character("j"), .character("j"))  // B2
        XCTAssertEqual(state.review.focusedTrack?.position, "B2")
        let id = liveTracksRequest(ConsoleUpdate.update(&state, .dataChanged([change])))!
        // Someone approved A2 and B3; the matcher found a pending match for B1 and another source added a new row
        // at the top (index -1 stands in for a reordered list).
        var rows = ConsoleFixtures.tracks()
        rows[1].status = .approved
        rows[4].status = .approved
        rows[2].status = .pending
        rows[2].url = "https://www.youtube.com/watch?v=loco"
        rows[2].confidence = 0.55
        rows.insert(TrackRow(releaseID: 1_000_001, index: 9, position: "A0", title: "Intro", status: .pending), at: 0)
        _ = ConsoleUpdate.update(&state, .tracksLoaded(id, releaseID: 1_000_001, rows))
        XCTAssertEqual(state.review.focusedTrack?.position, "B2", "cursor follows identity, not index")
        XCTAssertEqual(state.announcement?.text, "2 new, 2 resolved in this release (changed elsewhere)")
    }

    func testPausedUpdatesWaitAndApplyOnResume() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("p"))
        XCTAssertTrue(state.livePaused)
        XCTAssertEqual(ConsoleUpdate.update(&state, .dataChanged([change])), [])
        XCTAssertEqual(ConsoleUpdate.update(&state, .dataChanged([change, .queueRow(discogsID: 5)])), [])
        XCTAssertEqual(state.changesWhilePaused.count, 2)
        let header = ConsoleView.render(state).text(row: 0)
        XCTAssertTrue(header.contains("paused (2 waiting)"), header)
        let effects = ConsoleFixtures.press(&state, .character("p"))
        XCTAssertFalse(state.livePaused)
        XCTAssertNotNil(liveTracksRequest(effects))
        XCTAssertTrue(state.changesWhilePaused.isEmpty)
    }

    func testNewReleasesAreMergedWithoutMovingTheCursor() {
        var state = ConsoleFixtures.loadedState()
        state.review.focus = .releases
        _ = ConsoleFixtures.press(&state, .character("j"))  // Kind of Blue
        let effects = ConsoleUpdate.update(&state, .dataChanged([change]))
        let id = effects.compactMap { effect -> RequestID? in
            if case .loadReleases(let id, _, _) = effect { return id } else { return nil }
        }.first!
        let fresh = [ReleaseRow(discogsID: 1_000_000, title: "Giant Steps", artist: "John Coltrane", catno: "SD 1311", pending: 4)]
            + ConsoleFixtures.releases
        _ = ConsoleUpdate.update(&state, .releasesLoaded(id, store: "deepgroove-records", fresh, nextPage: nil))
        XCTAssertEqual(state.review.releases.selected?.title, "Kind of Blue")
        XCTAssertEqual(state.review.releases.items.count, 4)
        XCTAssertEqual(state.announcement?.text, "1 new release(s) in deepgroove-records")
    }

    func testAnnouncementsExpireWithTheClock() {
        var state = ConsoleFixtures.loadedState()
        state.announce("1 new")
        _ = ConsoleUpdate.update(&state, .tick(ConsoleFixtures.epoch.addingTimeInterval(60)))
        XCTAssertNil(state.announcement)
    }

    func testLiveSamplesKeepABoundedHistory() {
        var state = ConsoleFixtures.loadedState()
        for sample in 0..<(ConsoleState.historyLength + 10) {
            _ = ConsoleUpdate.update(&state, .cacheStatsSampled(CacheSnapshot(totalKeys: 1, matchKeys: 1, memoryUsedBytes: 1,
                                                                               opsPerSecond: Double(sample))))
        }
        XCTAssertEqual(state.opsHistory.count, ConsoleState.historyLength)
        XCTAssertEqual(state.opsHistory.last, Double(ConsoleState.historyLength + 9))
    }
}
