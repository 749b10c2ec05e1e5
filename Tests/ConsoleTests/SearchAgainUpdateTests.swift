import XCTest
import Terminal
@testable import Console

/// "Search again" in the console's logic: the key opens the form on the focused track and asks for its query, the
/// edited query is searched, the results are picked with the usual keys, and the pick is sent as the guarded
/// replace decision for the track as the reviewer saw it.
final class SearchAgainUpdateTests: XCTestCase {
    static let picks = [
        CandidateOption(url: "https://www.youtube.com/watch?v=moment03", platform: .youtube,
                        title: "John Coltrane – Moment's Notice (Official Audio)", confidence: 0.91, source: .youtubeSearch),
        CandidateOption(url: "https://www.youtube.com/watch?v=moment04", platform: .youtube,
                        title: "Moment's Notice live", confidence: 0.44, rejected: true, source: .youtubeSearch),
    ]

    /// The loaded review screen with the cursor on A2 (pending) and the form open on it.
    func openForm() -> (ConsoleState, RequestID) {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("j"))
        let effects = ConsoleFixtures.press(&state, .character("s"))
        guard effects.count == 1, case .prepareTrackSearch(let id, let track) = effects[0] else {
            XCTFail("expected prepareTrackSearch, got \(effects)")
            return (state, RequestID(0))
        }
        XCTAssertEqual(track, TrackReference(releaseID: 1_000_001, trackIndex: 1))
        return (state, id)
    }

    func testTheQueryIsEditedSearchedAndThePickReplacesTheMatch() throws {
        var (state, prepare) = openForm()
        _ = ConsoleUpdate.update(&state, .trackSearchAnswered(prepare, .suggestedQuery("John Coltrane - Moment's Notice")))
        guard case .search(let form)? = state.modal else { return XCTFail("the form is open") }
        XCTAssertEqual(form.query.text, "John Coltrane - Moment's Notice")
        XCTAssertEqual(form.phase, .editing)

        _ = ConsoleFixtures.press(&state, .control("w"))
        _ = ConsoleFixtures.type(&state, "Notice 1957")
        let search = ConsoleFixtures.press(&state, .enter)
        guard search.count == 1, case .searchTrack(let id, _, let query) = search[0] else { return XCTFail("\(search)") }
        XCTAssertEqual(query, "John Coltrane - Moment's Notice 1957")

        _ = ConsoleUpdate.update(&state, .trackSearchAnswered(id, .results(Self.picks, unitsSpent: 101)))
        guard case .search(let shown)? = state.modal, case .results(let listed, cursor: 0) = shown.phase else {
            return XCTFail("the results are listed")
        }
        XCTAssertEqual(listed, Self.picks)

        // A rejected URL is refused in the form; the best one is replaced through the guarded decision.
        _ = ConsoleFixtures.press(&state, .character("j"))
        XCTAssertEqual(ConsoleFixtures.press(&state, .enter), [])
        guard case .search(let refused)? = state.modal else { return XCTFail("still open") }
        XCTAssertNotNil(refused.problem)
        _ = ConsoleFixtures.press(&state, .character("k"))
        let decided = ConsoleFixtures.press(&state, .enter)
        XCTAssertNil(state.modal)
        guard decided.count == 1, case .review(_, let command) = decided[0] else { return XCTFail("\(decided)") }
        XCTAssertEqual(command.decision, .replace(url: "https://www.youtube.com/watch?v=moment03", platform: .youtube))
        let seen = ConsoleFixtures.tracks()[1]
        XCTAssertEqual(command.targets, [ReviewTarget(track: seen.reference, seen: .match(updatedAt: seen.updatedAt))])
    }

    func testUnavailableSearchIsExplainedAndEscClosesWithNothingChanged() {
        var (state, prepare) = openForm()
        _ = ConsoleUpdate.update(&state, .trackSearchAnswered(prepare, .unavailable("set YOUTUBE_API_KEY to search YouTube")))
        guard case .search(let form)? = state.modal else { return XCTFail("the form stays open to say why") }
        XCTAssertEqual(form.problem, "set YOUTUBE_API_KEY to search YouTube")
        let text = ConsoleView.render(state).lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("set YOUTUBE_API_KEY"), text)
        XCTAssertEqual(ConsoleFixtures.press(&state, .escape), [])
        XCTAssertNil(state.modal)
    }

    func testAnAnswerForAClosedFormIsDropped() {
        var (state, prepare) = openForm()
        _ = ConsoleFixtures.press(&state, .escape)
        _ = ConsoleUpdate.update(&state, .trackSearchAnswered(prepare, .suggestedQuery("late")))
        XCTAssertNil(state.modal)
    }

}

extension SnapshotTests {
    func testSearchAgainForm() {
        let tests = SearchAgainUpdateTests.self
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("j"))
        let prepare = ConsoleFixtures.press(&state, .character("s"))[0].requestID
        _ = ConsoleUpdate.update(&state, .trackSearchAnswered(prepare, .suggestedQuery("John Coltrane - Moment's Notice")))
        let search = ConsoleFixtures.press(&state, .enter)[0].requestID
        _ = ConsoleUpdate.update(&state, .trackSearchAnswered(search, .results(tests.picks, unitsSpent: 101)))
        assertSnapshot(state, "search-again-80x24")
    }
}
