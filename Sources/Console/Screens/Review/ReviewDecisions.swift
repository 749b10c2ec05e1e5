import Foundation
import Matching

/// The review screen's decisions: approve, reject, replace, needs review, clear, bulk approve, use a candidate,
/// and opening or playing a match URL.
extension ConsoleState {
    /// The tracks a review action applies to: the marked ones, else the focused one. Nil (with a message) when
    /// the focus is not on tracks.
    mutating func reviewTargets(for action: String) -> [TrackRow]? {
        guard screen == .review, review.focus == .tracks || review.focus == .detail else {
            say("\(action): focus a track first (\(keymap.keyLabel(for: .focusNext) ?? "Tab") moves between panes)")
            return nil
        }
        if !review.tracks.marked.isEmpty { return review.tracks.markedItems }
        guard let track = review.focusedTrack else {
            say("\(action): no track selected")
            return nil
        }
        return [track]
    }

    /// Approve, reject or needs-review on the marked tracks or the focused one; approve and reject then move the
    /// cursor to the next pending track, so a curator can work through a release key after key.
    mutating func decide(_ decision: ReviewDecision) -> [ConsoleEffect] {
        let title: String
        let eligible: (TrackRow) -> Bool
        switch decision {
        case .approve:
            title = "Approve"
            eligible = { $0.status == .pending && $0.url != nil }
        case .reject:
            title = "Reject"
            eligible = { $0.status != .unmatched && $0.url != nil }
        case .needsReview:
            title = "Needs review"
            eligible = { $0.status == .approved }
        case .clear, .replace:
            title = "Clear"
            eligible = { $0.status != .unmatched }
        }
        guard let candidates = reviewTargets(for: title) else { return [] }
        let rows = candidates.filter { eligible($0) && !review.tracksInFlight.contains($0.reference) }
        guard !rows.isEmpty else {
            say(explainNothingToDo(decision, candidates), .warning)
            return []
        }
        var effects = submit(decision, rows)
        if case .approve = decision { effects += advanceToNextPending() } else if case .reject = decision {
            effects += advanceToNextPending()
        }
        return effects
    }

    private func explainNothingToDo(_ decision: ReviewDecision, _ rows: [TrackRow]) -> String {
        let subject = rows.count == 1 ? "This track" : "None of the marked tracks"
        switch decision {
        case .approve:
            if rows.count == 1, rows[0].status == .approved { return "This track is already approved" }
            if rows.contains(where: { $0.status == .unmatched }) && rows.count == 1 {
                return "This track has no match to approve; \(keymap.keyLabel(for: .replace) ?? "r") replaces it with a URL, " +
                    "or pick a candidate in the detail pane"
            }
            return "\(subject) has a pending match to approve"
        case .reject: return "\(subject) has a match to reject"
        case .needsReview: return "\(subject) is approved; only approved matches go back to review"
        case .clear, .replace: return "\(subject) has a match to clear"
        }
    }

    /// Sends a decision for `rows` and marks them in flight. `seen` is what the reviewer saw when deciding, for a
    /// decision confirmed in a dialog: a live refresh may have replaced the rows meanwhile, and the guard must be
    /// the one the reviewer saw, so someone else's change is refused rather than overwritten.
    mutating func submit(_ decision: ReviewDecision, _ rows: [TrackRow], seen: [ReviewTarget]? = nil) -> [ConsoleEffect] {
        let guards = Dictionary((seen ?? []).map { ($0.track, $0) }, uniquingKeysWith: { first, _ in first })
        let command = ReviewCommand(decision: decision,
                                    targets: rows.map { guards[$0.reference] ?? ReviewTarget($0) })
        let label = rows.count == 1 ? "\(decision.verb) \(rows[0].position) \(rows[0].title)"
                                    : "\(decision.verb) \(rows.count) tracks"
        let id = begin(.review(command), label)
        for row in rows { review.tracksInFlight.insert(row.reference) }
        review.tracks.marked = []
        return [.review(id, command)]
    }

    /// Sends a decision confirmed in a dialog. Rows may have changed while the dialog was open: only those still
    /// loaded and idle go, guarded by what the reviewer saw.
    mutating func submitConfirmed(_ command: ReviewCommand) -> [ConsoleEffect] {
        let wanted = Set(command.targets.map(\.track))
        let rows = review.tracks.items.filter {
            wanted.contains($0.reference) && !review.tracksInFlight.contains($0.reference)
        }
        guard !rows.isEmpty else { say("Nothing left to do: those tracks changed meanwhile", .warning); return [] }
        return submit(command.decision, rows, seen: command.targets)
    }

    /// Sends the replace form's URL for the track it was opened on, if that track is still shown.
    mutating func submitReplacement(url: String, platform: Platform, for target: ReviewTarget) -> [ConsoleEffect] {
        guard let row = review.tracks.items.first(where: { $0.reference == target.track }) else {
            say("The track is no longer shown; nothing was changed", .warning)
            return []
        }
        return submit(.replace(url: url, platform: platform), [row], seen: [target])
    }

    /// Moves to the next pending track not already being decided; says so when the release is done.
    mutating func advanceToNextPending() -> [ConsoleEffect] {
        let busy = Set(review.tracks.items.filter { review.tracksInFlight.contains($0.reference) }.map(\.id))
        if review.tracks.selectNext(excluding: busy, where: { $0.status == .pending }) {
            review.candidateCursor = 0
            review.tracks.scrollToCursor(height: ConsoleLayout(state: self).viewportHeight(of: .tracks))
        } else {
            say("No pending tracks left in this release; \(keymap.keyLabel(for: .focusLeft) ?? "h") goes back to the releases, " +
                "\(keymap.keyLabel(for: .nextRelease) ?? "N") opens the next one nobody else has open", .success)
        }
        return []
    }

    mutating func askToClearMatches() -> [ConsoleEffect] {
        guard let candidates = reviewTargets(for: "Clear match") else { return [] }
        let rows = candidates.filter { $0.status != .unmatched && !review.tracksInFlight.contains($0.reference) }
        guard !rows.isEmpty else {
            say(explainNothingToDo(.clear, candidates), .warning)
            return []
        }
        let command = ReviewCommand(decision: .clear,
                                    targets: rows.map(ReviewTarget.init))
        modal = .confirm(ConfirmationDialog(
            title: rows.count == 1 ? "Clear the match of \(rows[0].position) \(rows[0].title)?"
                                   : "Clear the matches of \(rows.count) tracks?",
            lines: ["The match row is deleted and the cache key unlinked.",
                    "Unlike reject, the URL may be proposed again. Undo restores it."]
                + rows.prefix(5).map { "  \($0.position)  \($0.title)" }
                + (rows.count > 5 ? ["  … and \(rows.count - 5) more"] : []),
            operation: .review(command)))
        return []
    }

    mutating func openReplaceForm() -> [ConsoleEffect] {
        guard let candidates = reviewTargets(for: "Replace") else { return [] }
        guard candidates.count == 1, let track = candidates.first else {
            say("Replace works on one track at a time; \(keymap.keyLabel(for: .cancel) ?? "Esc") clears the marks", .warning)
            return []
        }
        modal = .replace(ReplaceForm(target: ReviewTarget(track),
                                     trackTitle: "\(track.position) \(track.title)"))
        return []
    }

    mutating func toggleTrackMark() -> [ConsoleEffect] {
        guard screen == .review, review.focus == .tracks, let track = review.focusedTrack else {
            say("Marking works in the tracks pane", .warning)
            return []
        }
        review.tracks.toggleMark(track.id)
        review.tracks.move(by: 1)
        review.tracks.scrollToCursor(height: ConsoleLayout(state: self).viewportHeight(of: .tracks))
        return []
    }

    mutating func askToApproveAboveThreshold() -> [ConsoleEffect] {
        guard screen == .review, let release = review.releases.selected, review.tracksRelease == release.discogsID, review.tracks.loaded else {
            say("Select a release first", .warning)
            return []
        }
        let rows = review.tracks.items.filter {
            $0.status == .pending && ($0.confidence ?? 0) >= review.bulkApproveThreshold && $0.url != nil
                && !review.tracksInFlight.contains($0.reference)
        }
        let threshold = String(format: "%.2f", review.bulkApproveThreshold)
        guard !rows.isEmpty else {
            say("No pending track of this release has confidence ≥ \(threshold)", .warning)
            return []
        }
        let command = ReviewCommand(decision: .approve,
                                    targets: rows.map(ReviewTarget.init))
        modal = .confirm(ConfirmationDialog(
            title: "Approve \(rows.count) pending track(s) of \(release.title) with confidence ≥ \(threshold)?",
            lines: rows.prefix(8).map {
                "  \($0.position)  \(DisplayFormat.confidence($0.confidence, scale: $0.confidenceScale))  \($0.title)"
            }
                + (rows.count > 8 ? ["  … and \(rows.count - 8) more"] : []),
            operation: .review(command)))
        return []
    }

    /// Approves the candidate under the detail pane's cursor: the current match is approved as is, another
    /// candidate replaces it.
    mutating func useFocusedCandidate() -> [ConsoleEffect] {
        guard screen == .review, review.focus == .detail, let track = review.focusedTrack, let candidate = review.focusedCandidate else {
            say("Use candidate: move to the detail pane (\(keymap.keyLabel(for: .focusRight) ?? "l")) and pick a candidate",
                .warning)
            return []
        }
        guard !review.tracksInFlight.contains(track.reference) else {
            say("This track already has a decision on its way", .warning)
            return []
        }
        if candidate.rejected {
            say("This URL was rejected for this track; it cannot be approved again from here", .warning)
            return []
        }
        if candidate.url == track.url {
            if track.status == .approved { say("This candidate is already the approved match"); return [] }
            return submit(.approve, [track]) + advanceToNextPending()
        }
        let platform: Platform
        switch RecordingURL.validate(candidate.url) {
        case .valid(_, let inferred): platform = candidate.platform ?? inferred
        case .invalid(let reason):
            say("Cannot use this candidate: \(reason)", .error)
            return []
        }
        return submit(.replace(url: candidate.url, platform: platform), [track]) + advanceToNextPending()
    }

    mutating func openFocusedURL(play: Bool) -> [ConsoleEffect] {
        let url: String?
        if screen == .review, review.focus == .detail, let candidate = review.focusedCandidate {
            url = candidate.url
        } else {
            url = review.focusedTrack?.url
        }
        guard let url else {
            say("No URL here: the track has no match", .warning)
            return []
        }
        // Only URLs the matcher could have produced go to a browser or player: no file:, no javascript:.
        if case .invalid(let reason) = RecordingURL.validate(url) {
            say("Not opening this URL: \(reason)", .error)
            return []
        }
        let id = begin(.external, play ? "starting the player" : "opening the URL")
        return [play ? .playURL(id, url) : .openURL(id, url)]
    }
}
