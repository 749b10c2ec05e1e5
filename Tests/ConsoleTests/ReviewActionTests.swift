import XCTest
import Terminal
@testable import Console

final class ReviewActionTests: XCTestCase {
    let seen = Date(timeIntervalSince1970: 1_763_690_000)

    func reviewCommand(_ effects: [ConsoleEffect]) -> (RequestID, ReviewCommand)? {
        for effect in effects { if case .review(let id, let command) = effect { return (id, command) } }
        return nil
    }

    func testApproveSendsTheGuardAndAdvancesToTheNextPending() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("j"))  // A2, pending
        let effects = ConsoleFixtures.press(&state, .character("a"))
        guard let (_, command) = reviewCommand(effects) else { return XCTFail("\(effects)") }
        XCTAssertEqual(command, ReviewCommand(decision: .approve, targets: [
            ReviewTarget(track: TrackReference(releaseID: 1_000_001, trackIndex: 1), seen: .match(updatedAt: seen))]))
        XCTAssertEqual(state.review.focusedTrack?.position, "B2", "skips the unmatched B1 to the next pending")
        XCTAssertTrue(state.review.tracksInFlight.contains(TrackReference(releaseID: 1_000_001, trackIndex: 1)))
    }

    func testApproveAppliedUpdatesTheRowAndTheCounts() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("j"))
        let (id, _) = reviewCommand(ConsoleFixtures.press(&state, .character("a")))!
        var approved = ConsoleFixtures.tracks()[1]
        approved.status = .approved
        approved.verifiedBy = "alice"
        _ = ConsoleUpdate.update(&state, .reviewApplied(id, [approved], summary: "Approved A2"))
        XCTAssertEqual(state.review.tracks.items[1].status, .approved)
        XCTAssertTrue(state.review.tracksInFlight.isEmpty)
        XCTAssertEqual(state.review.releases.selected?.pending, 2)
        XCTAssertEqual(state.stores.selected?.pending, 41)
        XCTAssertEqual(state.message?.text, "Approved A2")
        XCTAssertEqual(state.review.focusedTrack?.position, "B2", "the answer does not move the cursor")
    }

    func testApprovingTheLastPendingSaysTheReleaseIsDone() {
        var state = ConsoleFixtures.loadedState()
        var rows = ConsoleFixtures.tracks()
        for index in [3, 4] { rows[index].status = .approved }
        state.review.tracks.replace(with: rows, nextPage: nil)
        state.review.tracks.select(id: 1)
        _ = ConsoleFixtures.press(&state, .character("a"))
        XCTAssertEqual(state.review.focusedTrack?.position, "A2")
        XCTAssertTrue(state.message?.text.hasPrefix("No pending tracks left") ?? false)
    }

    func testApprovingAnUnmatchedTrackExplainsWhatToDoInstead() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("j"), .character("j"))  // B1 unmatched
        let effects = ConsoleFixtures.press(&state, .character("a"))
        XCTAssertEqual(effects, [])
        XCTAssertTrue(state.message?.text.contains("no match to approve") ?? false, "\(String(describing: state.message))")
    }

    func testActionsOutsideTheTracksPaneAskForFocus() {
        var state = ConsoleFixtures.loadedState()
        state.review.focus = .releases
        XCTAssertEqual(ConsoleFixtures.press(&state, .character("a")), [])
        XCTAssertTrue(state.message?.text.contains("focus a track first") ?? false)
    }

    func testMarkedTracksAreDecidedTogether() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("j"), .character(" "))  // mark A2, cursor to B1
        _ = ConsoleFixtures.press(&state, .character("j"), .character(" "))  // mark B2
        _ = ConsoleFixtures.press(&state, .character(" "))                   // mark B3
        XCTAssertEqual(state.review.tracks.marked, [1, 3, 4])
        let effects = ConsoleFixtures.press(&state, .character("x"))
        guard let (_, command) = reviewCommand(effects) else { return XCTFail("\(effects)") }
        XCTAssertEqual(command.decision, .reject)
        XCTAssertEqual(command.targets.map(\.track.trackIndex), [1, 3, 4])
        XCTAssertTrue(state.review.tracks.marked.isEmpty, "marks are consumed by the action")
    }

    func testEscapeClearsMarks() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character(" "), .character(" "), .escape)
        XCTAssertTrue(state.review.tracks.marked.isEmpty)
    }

    func testConflictSaysWhoAndWhenAndReloadsTheRelease() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("j"))
        let (id, _) = reviewCommand(ConsoleFixtures.press(&state, .character("a")))!
        let changedAt = Date(timeIntervalSince1970: 1_763_699_025)  // 04:23:45 UTC
        let effects = ConsoleUpdate.update(&state, .reviewConflict(id, ConflictInfo(
            track: TrackReference(releaseID: 1_000_001, trackIndex: 1), changedBy: "bob", changedAt: changedAt)))
        XCTAssertEqual(state.message?.severity, .error)
        XCTAssertEqual(state.message?.text,
                       "A2 Moment's Notice was changed by bob at 04:23:45 UTC; nothing was saved. Reloaded: check it and decide again")
        guard case .loadTracks(_, 1_000_001) = effects.first else { return XCTFail("\(effects)") }
        XCTAssertTrue(state.review.tracksInFlight.isEmpty)
    }

    func testBulkWithSomeConflictsAppliesTheRestAndReloads() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("A"))
        let (id, _) = reviewCommand(ConsoleFixtures.press(&state, .character("y")))!
        var approved = ConsoleFixtures.tracks()[1]
        approved.status = .approved
        let conflict = ConflictInfo(track: TrackReference(releaseID: 1_000_001, trackIndex: 4), changedBy: "worker-2",
                                    changedAt: Date(timeIntervalSince1970: 1_763_699_025))
        let effects = ConsoleUpdate.update(&state, .reviewApplied(id, [approved], conflicts: [conflict], summary: "Approved 1 of 2"))
        XCTAssertEqual(state.review.tracks.items[1].status, .approved)
        XCTAssertTrue(state.review.tracksInFlight.isEmpty)
        XCTAssertEqual(state.message?.text,
                       "Approved 1 of 2; B3 Lazy Bird was changed by worker-2 at 04:23:45 UTC; nothing was saved. Reloaded: check it and decide again")
        guard case .loadTracks(_, 1_000_001) = effects.first else { return XCTFail("\(effects)") }
    }

    func testUndoIsAnEffectAndItsAnswerUpdatesRows() {
        var state = ConsoleFixtures.loadedState()
        let effects = ConsoleFixtures.press(&state, .character("u"))
        guard case .undo(let id) = effects.first else { return XCTFail("\(effects)") }
        var restored = ConsoleFixtures.tracks()[0]
        restored.status = .pending
        _ = ConsoleUpdate.update(&state, .reviewApplied(id, [restored], summary: "Undid: approve A1"))
        XCTAssertEqual(state.review.tracks.items[0].status, .pending)
        XCTAssertEqual(state.review.releases.selected?.pending, 4)
    }

    func testBulkApproveAboveThresholdAsksThenSendsOnlyQualifyingTracks() {
        var state = ConsoleFixtures.loadedState()
        XCTAssertEqual(ConsoleFixtures.press(&state, .character("A")), [])
        guard case .confirm(let dialog) = state.modal else { return XCTFail("expected a confirmation") }
        XCTAssertTrue(dialog.title.contains("Approve 2 pending"), dialog.title)
        let effects = ConsoleFixtures.press(&state, .character("y"))
        guard let (_, command) = reviewCommand(effects) else { return XCTFail("\(effects)") }
        XCTAssertEqual(command.decision, .approve)
        XCTAssertEqual(command.targets.map(\.track.trackIndex), [1, 4], "0.72 and 0.78 pass 0.70; 0.61 does not")
    }

    func testConfirmationCancelsOnAnyOtherKey() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("A"))
        XCTAssertEqual(ConsoleFixtures.press(&state, .enter), [])
        XCTAssertNil(state.modal)
        XCTAssertTrue(state.message?.text.hasPrefix("Cancelled") ?? false)
    }

    func testClearMatchAsksFirst() {
        var state = ConsoleFixtures.loadedState()
        XCTAssertEqual(ConsoleFixtures.press(&state, .character("c")), [])
        let effects = ConsoleFixtures.press(&state, .character("y"))
        XCTAssertEqual(reviewCommand(effects)?.1.decision, .clear)
    }

    func testReplaceFormValidatesTheURL() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("j"), .character("j"), .character("r"))
        guard case .replace = state.modal else { return XCTFail("form expected") }
        _ = ConsoleFixtures.type(&state, "ftp://youtube.com/watch?v=1")
        XCTAssertEqual(ConsoleFixtures.press(&state, .enter), [], "ftp refused")
        _ = ConsoleFixtures.press(&state, .control("u"))
        _ = ConsoleFixtures.type(&state, "https://vimeo.com/12345")
        XCTAssertEqual(ConsoleFixtures.press(&state, .enter), [], "other platforms refused")
        if case .replace(let form) = state.modal, case .invalid(let reason) = form.verdict {
            XCTAssertTrue(reason.contains("neither YouTube nor SoundCloud"), reason)
        } else { XCTFail("form should still be open with a reason") }
        _ = ConsoleFixtures.press(&state, .control("u"))
        _ = ConsoleFixtures.type(&state, "https://soundcloud.com/bluenote/locomotion")
        let effects = ConsoleFixtures.press(&state, .enter)
        XCTAssertEqual(reviewCommand(effects)?.1.decision,
                       .replace(url: "https://soundcloud.com/bluenote/locomotion", platform: .soundcloud))
        XCTAssertEqual(reviewCommand(effects)?.1.targets.first?.seen, .noMatch, "B1 had no match row to guard")
        XCTAssertNil(state.modal)
    }

    func testAFormKeepsTheGuardTheReviewerSawThroughALiveRefresh() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("j"), .character("j"), .character("r"))
        guard case .replace(let form) = state.modal else { return XCTFail("form expected") }
        // While the form is open, someone else matches the track and a live refresh shows it.
        var rows = state.review.tracks.items
        let index = rows.firstIndex { $0.reference == form.target.track }!
        rows[index].url = "https://www.youtube.com/watch?v=someoneelse"
        rows[index].platform = .youtube
        rows[index].status = .pending
        rows[index].updatedAt = Date(timeIntervalSince1970: 1_800_000_000)
        state.review.tracks.replace(with: rows, nextPage: nil)
        _ = ConsoleFixtures.type(&state, "https://soundcloud.com/bluenote/locomotion")
        let effects = ConsoleFixtures.press(&state, .enter)
        XCTAssertEqual(reviewCommand(effects)?.1.targets.first?.seen, .noMatch,
                       "the service must refuse it as a conflict, not reject the other reviewer's match")
    }

    func testUseCandidateReplacesWithTheAlternative() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("j"), .character("l"), .character("j"))
        let effects = ConsoleFixtures.press(&state, .character("y"))
        XCTAssertEqual(reviewCommand(effects)?.1.decision,
                       .replace(url: "https://soundcloud.com/bluenote/moments-notice", platform: .soundcloud))
    }

    func testOpenURLRefusesNonWebURLs() {
        var state = ConsoleFixtures.loadedState()
        var rows = ConsoleFixtures.tracks()
        rows[0].url = "file:///etc/passwd"
        state.review.tracks.replace(with: rows, nextPage: nil)
        XCTAssertEqual(ConsoleFixtures.press(&state, .character("o")), [])
        XCTAssertEqual(state.message?.severity, .error)
        state.review.tracks.replace(with: ConsoleFixtures.tracks(), nextPage: nil)
        guard case .openURL(_, let url) = ConsoleFixtures.press(&state, .character("o")).first else { return XCTFail() }
        XCTAssertEqual(url, "https://www.youtube.com/watch?v=XpZHUVjQydI")
    }

    func testFailureReleasesTheTrackAndSaysWhat() {
        var state = ConsoleFixtures.loadedState()
        _ = ConsoleFixtures.press(&state, .character("j"))
        let (id, _) = reviewCommand(ConsoleFixtures.press(&state, .character("a")))!
        let effects = ConsoleUpdate.update(&state, .requestFailed(id, "timeout after 5 s; the change did not commit"))
        guard case .loadTracks(_, 1_000_001) = effects.first else { return XCTFail("the release is reread: \(effects)") }
        XCTAssertTrue(state.review.tracksInFlight.isEmpty)
        XCTAssertEqual(state.message?.text, "Approving A2 Moment's Notice failed: timeout after 5 s; the change did not commit")
    }
}
