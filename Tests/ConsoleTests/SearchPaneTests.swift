import XCTest
import Terminal
@testable import Console

/// What the console shows of the search tier: each candidate's source in the candidates pane, and today's YouTube
/// quota in the queue pane (the box on tall windows, the summary line on short ones).
final class SearchPaneTests: XCTestCase {
    /// A2's candidates: the release's own video, a YouTube search result and one from a source we do not know.
    static func tracksWithSources() -> [TrackRow] {
        var tracks = ConsoleFixtures.tracks()
        tracks[1].candidates = [
            CandidateOption(url: "https://www.youtube.com/watch?v=moment01", platform: .youtube,
                            title: "Moment's Notice (Remastered)", confidence: 0.72, source: .discogs),
            CandidateOption(url: "https://www.youtube.com/watch?v=moment02", platform: .youtube,
                            title: "John Coltrane - Moment's Notice", confidence: 0.69, source: .youtubeSearch),
            CandidateOption(url: "https://soundcloud.com/bluenote/moments-notice", platform: .soundcloud,
                            title: "Moments Notice", confidence: 0.66, source: .soundcloudSearch),
        ]
        return tracks
    }

    static func state(_ size: TerminalSize, quota: SearchQuotaSnapshot?) -> ConsoleState {
        var state = ConsoleFixtures.emptyState(size: size)
        var effects = ConsoleUpdate.update(&state, .started)
        effects = ConsoleUpdate.update(&state, .storesLoaded(ConsoleFixtures.id(effects, "loadStores"), ConsoleFixtures.stores))
        effects = ConsoleUpdate.update(&state, .releasesLoaded(ConsoleFixtures.id(effects, "loadReleases"),
                                                               store: ConsoleFixtures.stores[0].name,
                                                               ConsoleFixtures.releases, nextPage: nil))
        _ = ConsoleUpdate.update(&state, .tracksLoaded(ConsoleFixtures.id(effects, "loadTracks"),
                                                       releaseID: ConsoleFixtures.releases[0].discogsID, tracksWithSources()))
        state.review.focus = .tracks
        _ = ConsoleUpdate.update(&state, .healthChanged(HealthSnapshot(
            postgres: TierStatus(isUp: true, roundTripMilliseconds: 1.2), redis: TierStatus(isUp: true, roundTripMilliseconds: 0.4))))
        _ = ConsoleUpdate.update(&state, .queueStatsSampled(QueueSnapshot(
            counts: [.queued: 1_250, .processing: 4, .completed: 88_120, .failed: 3], oldestQueuedSeconds: 754,
            throughputPerMinute: 310, stuck: 1, failed: 3, searchQuota: quota)))
        _ = ConsoleFixtures.press(&state, .character("j"), .character("l"), .character("j"))
        return state
    }

    func testCandidatesPaneTagsEachCandidateWithItsSource() {
        let text = ConsoleView.render(Self.state(SnapshotTests.large, quota: nil)).lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("* 0.72 YT disc      Moment's Notice"), text)
        XCTAssertTrue(text.contains("  0.69 YT yt search John Coltrane"), text)
    }

    func testQueuePaneShowsTodaysQuotaOnlyWhenTheSamplerSendsIt() {
        let without = ConsoleView.render(Self.state(SnapshotTests.large, quota: nil)).lines.joined(separator: "\n")
        XCTAssertFalse(without.contains("yt quota"))
        let with = ConsoleView.render(Self.state(SnapshotTests.large, quota: SearchQuotaSnapshot(unitsUsed: 1_212, dailyBudget: 10_000)))
            .lines.joined(separator: "\n")
        XCTAssertTrue(with.contains("yt quota    1.2k/10.0k units  "), with)
        let spent = ConsoleView.render(Self.state(SnapshotTests.large, quota: SearchQuotaSnapshot(unitsUsed: 9_950, dailyBudget: 10_000,
                                                                                          unitsPerSearch: 101)))
            .lines.joined(separator: "\n")
        XCTAssertTrue(spent.contains("units · spent"), "no room for a 101-unit search: \(spent)")
    }

    func testQuotaIsSpentWhenTheProviderSaysSoOrNoSearchFits() {
        XCTAssertFalse(SearchQuotaSnapshot(unitsUsed: 0, dailyBudget: 10_000).isSpent)
        XCTAssertTrue(SearchQuotaSnapshot(unitsUsed: 10_000, dailyBudget: 10_000).isSpent)
        XCTAssertFalse(SearchQuotaSnapshot(unitsUsed: 9_899, dailyBudget: 10_000, unitsPerSearch: 101).isSpent)
        XCTAssertTrue(SearchQuotaSnapshot(unitsUsed: 9_900, dailyBudget: 10_000, unitsPerSearch: 101).isSpent)
        XCTAssertTrue(SearchQuotaSnapshot(unitsUsed: 10, dailyBudget: 10_000, exhausted: true).isSpent)
    }
}

extension SnapshotTests {
    func testReviewScreenWithSearchSourcesAndQuota() {
        let quota = SearchQuotaSnapshot(unitsUsed: 1_212, dailyBudget: 10_000)
        assertSnapshot(SearchPaneTests.state(Self.large, quota: quota), "review-search-120x40")
        assertSnapshot(SearchPaneTests.state(Self.small, quota: quota), "review-search-80x24")
    }
}
