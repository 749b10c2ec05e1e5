import XCTest
import Terminal
@testable import Console

/// Presence on the review screen (issue 14): releases another session has open say who has them, in the list and
/// in the release's header; next pending release skips them and says so; nothing is locked.
final class ReviewPresenceTests: XCTestCase {
    let blueTrain: Int64 = 1_000_001, kindOfBlue: Int64 = 1_000_002, kazemachi: Int64 = 1_000_003

    func screenText(_ state: ConsoleState) -> String {
        let terminal = MemoryTerminal(size: state.size)
        FramePresenter(backend: terminal, minimumSize: TerminalSize(columns: 1, rows: 1)).present(ConsoleView.render(state))
        return terminal.text
    }

    func testTheFeedsAnswerReplacesWhoHoldsWhat() {
        var state = ConsoleFixtures.loadedState()
        XCTAssertEqual(ConsoleUpdate.update(&state, .releasesHeldByOthers([kindOfBlue: "ana"])), [])
        XCTAssertEqual(state.review.heldByOthers, [kindOfBlue: "ana"])
        _ = ConsoleUpdate.update(&state, .releasesHeldByOthers([:]))
        XCTAssertEqual(state.review.heldByOthers, [:], "a lease that lapsed or closed stops showing")
    }

    func testAHeldReleaseSaysWhoIsReviewingItInTheListAndInItsHeader() {
        var state = ConsoleFixtures.loadedState(size: TerminalSize(columns: 120, rows: 40))
        _ = ConsoleUpdate.update(&state, .releasesHeldByOthers([blueTrain: "ana", kazemachi: "bob"]))
        let text = screenText(state)
        let lines = text.split(separator: "\n")
        XCTAssertTrue(lines.contains { $0.contains("Blue Train") && $0.contains("being reviewed by ana") }, text)
        XCTAssertTrue(lines.contains { $0.contains("はっぴいえんど") && $0.contains("being reviewed by bob") }, text)
        XCTAssertFalse(lines.contains { $0.contains("Kind of Blue") && $0.contains("being reviewed") }, text)
        XCTAssertTrue(lines.contains { $0.contains("Tracks") && $0.contains("being reviewed by ana") },
                      "the open release's header: \(text)")
    }

    func testNextPendingReleaseSkipsReleasesSomeoneElseHoldsAndSaysSo() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleUpdate.update(&state, .releasesHeldByOthers([kindOfBlue: "ana"]))
        let effects = ConsoleFixtures.press(&state, .character("N"))
        XCTAssertEqual(state.review.releases.selected?.discogsID, kazemachi, "Kind of Blue is held by ana: skipped")
        XCTAssertEqual(state.review.focus, .tracks)
        XCTAssertTrue(effects.contains { if case .loadTracks(_, kazemachi) = $0 { return true } else { return false } },
                      "\(effects)")
        XCTAssertEqual(state.message?.text, "Skipped 1 release(s) being reviewed by others")
    }

    func testFinishingAReleasePointsToTheNextPendingRelease() {
        var state = ConsoleFixtures.loadedState()
        var rows = ConsoleFixtures.tracks()
        for index in [3, 4] { rows[index].status = .approved }
        state.review.tracks.replace(with: rows, nextPage: nil)
        state.review.tracks.select(id: 1)
        _ = ConsoleFixtures.press(&state, .character("a"))
        XCTAssertTrue(state.message?.text.hasSuffix("N opens the next one nobody else has open") ?? false,
                      "\(String(describing: state.message))")
    }

    func testNextPendingReleaseWithoutPresenceTakesTheNextOne() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("N"))
        XCTAssertEqual(state.review.releases.selected?.discogsID, kindOfBlue)
        XCTAssertNil(state.message)
    }

    func testWhenEveryOtherReleaseIsHeldNothingMovesAndTheReasonIsGiven() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleUpdate.update(&state, .releasesHeldByOthers([kindOfBlue: "ana", kazemachi: "bob"]))
        XCTAssertEqual(ConsoleFixtures.press(&state, .character("N")), [])
        XCTAssertEqual(state.review.releases.selected?.discogsID, blueTrain)
        XCTAssertEqual(state.message?.text,
                       "No other listed release with pending tracks is free (skipped 2 release(s) being reviewed by others)")
    }

    func testAHeldReleaseIsNeverLocked() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleUpdate.update(&state, .releasesHeldByOthers([blueTrain: "ana"]))
        _ = ConsoleFixtures.press(&state, .character("j"))  // A2, pending
        let effects = ConsoleFixtures.press(&state, .character("a"))
        XCTAssertTrue(effects.contains { if case .review = $0 { return true } else { return false } },
                      "approving on a release someone else has open still goes to the service: \(effects)")
    }
}

extension SnapshotTests {
    /// The review list and header with releases other sessions have open (a golden, like the others).
    func testReviewScreenWithReleasesOthersAreReviewing() {
        var state = reviewState(Self.large)
        _ = ConsoleUpdate.update(&state, .releasesHeldByOthers([1_000_001: "ana", 1_000_003: "bob"]))
        assertSnapshot(state, "review-presence-120x40")
    }
}

extension HostileTextTests {
    /// A reviewer's name comes from Redis: it is hostile until sanitized, in the list and in the header.
    func testHostileReviewerNamesAreSanitized() {
        let hostile = "ana\u{1B}[2J\u{1B}]0;pwned\u{07}\u{202E}nimda\u{9B}31m\nnext"
        var state = ConsoleFixtures.loadedState(size: TerminalSize(columns: 120, rows: 40))
        _ = ConsoleUpdate.update(&state, .releasesHeldByOthers([1_000_001: hostile, 1_000_002: hostile]))
        let buffer = ConsoleView.render(state)
        assertSafe(buffer)
        let terminal = MemoryTerminal(size: state.size)
        FramePresenter(backend: terminal, minimumSize: TerminalSize(columns: 1, rows: 1)).present(buffer)
        let text = terminal.text
        XCTAssertTrue(text.contains("being reviewed by ana"), text)
        XCTAssertFalse(text.contains("\u{1B}"))
    }
}
