import XCTest
import Terminal
@testable import Console

/// The search form on SoundCloud (issue 10): Tab switches between the configured sites, the form names the active
/// one, the results are tagged by platform and source as the candidates pane tags them, and a SoundCloud pick is
/// saved by the same guarded replace.
final class SearchAgainSoundCloudTests: XCTestCase {
    static let soundCloudPicks = [
        CandidateOption(url: "https://soundcloud.com/the-persuader/ostermalm", platform: .soundcloud,
                        title: "Östermalm", confidence: 0.88, source: .soundcloudSearch),
    ]

    func openForm(sites: [SearchSite]) -> ConsoleState {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("j"))
        let prepare = ConsoleFixtures.press(&state, .character("s"))[0].requestID
        _ = ConsoleUpdate.update(&state, .trackSearchAnswered(prepare, .suggestedQuery("John Coltrane - Moment's Notice", sites: sites)))
        return state
    }

    static func text(_ state: ConsoleState) -> String { ConsoleView.render(state).lines.joined(separator: "\n") }

    func testTabSwitchesTheSiteAndEnterSearchesIt() throws {
        var state = openForm(sites: [.youtube, .soundcloud])
        XCTAssertTrue(Self.text(state).contains("Search again on YouTube"), Self.text(state))
        XCTAssertTrue(Self.text(state).contains("Tab SoundCloud instead"), Self.text(state))

        XCTAssertEqual(ConsoleFixtures.press(&state, .tab), [], "switching searches nothing until Enter")
        guard case .search(let form)? = state.modal else { return XCTFail("the form is open") }
        XCTAssertEqual(form.site, .soundcloud)
        XCTAssertEqual(form.query.text, "John Coltrane - Moment's Notice", "the query is kept")
        XCTAssertTrue(Self.text(state).contains("Search again on SoundCloud"), Self.text(state))
        XCTAssertTrue(Self.text(state).contains("Tab YouTube instead"), Self.text(state))

        let search = ConsoleFixtures.press(&state, .enter)
        guard search.count == 1, case .searchTrack(let id, _, let query) = search[0] else { return XCTFail("\(search)") }
        XCTAssertEqual(query, TrackSearchRequest("John Coltrane - Moment's Notice", on: .soundcloud))

        _ = ConsoleUpdate.update(&state, .trackSearchAnswered(id, .results(Self.soundCloudPicks, unitsSpent: 0)))
        XCTAssertTrue(Self.text(state).contains("0.88 SC sc search Östermalm"), Self.text(state))

        let decided = ConsoleFixtures.press(&state, .enter)
        XCTAssertNil(state.modal)
        guard decided.count == 1, case .review(_, let command) = decided[0] else { return XCTFail("\(decided)") }
        XCTAssertEqual(command.decision, .replace(url: "https://soundcloud.com/the-persuader/ostermalm", platform: .soundcloud))
        let seen = ConsoleFixtures.tracks()[1]
        XCTAssertEqual(command.targets, [ReviewTarget(track: seen.reference, seen: .match(updatedAt: seen.updatedAt))])
    }

    func testTabOnTheResultsSearchesTheSameQueryOnTheOtherSite() {
        var state = openForm(sites: [.youtube, .soundcloud])
        let id = ConsoleFixtures.press(&state, .enter)[0].requestID
        _ = ConsoleUpdate.update(&state, .trackSearchAnswered(id, .results(SearchAgainUpdateTests.picks, unitsSpent: 101)))
        let again = ConsoleFixtures.press(&state, .tab)
        guard again.count == 1, case .searchTrack(_, _, let query) = again[0] else { return XCTFail("\(again)") }
        XCTAssertEqual(query, TrackSearchRequest("John Coltrane - Moment's Notice", on: .soundcloud))
    }

    func testWithOneSiteTheFormSearchesItAndTabDoesNothing() {
        var state = openForm(sites: [.soundcloud])
        XCTAssertTrue(Self.text(state).contains("Search again on SoundCloud"), Self.text(state))
        XCTAssertFalse(Self.text(state).contains("Tab "), Self.text(state))
        _ = ConsoleFixtures.press(&state, .tab)
        guard case .search(let form)? = state.modal else { return XCTFail("the form is open") }
        XCTAssertEqual(form.site, .soundcloud)
        let search = ConsoleFixtures.press(&state, .enter)
        guard search.count == 1, case .searchTrack(_, _, let query) = search[0] else { return XCTFail("\(search)") }
        XCTAssertEqual(query.site, .soundcloud)
    }
}
