import Terminal

extension ActionID {
    public static let screenReview = ActionID(rawValue: "screen_review")
    public static let approve = ActionID(rawValue: "approve")
    public static let reject = ActionID(rawValue: "reject")
    public static let replace = ActionID(rawValue: "replace")
    public static let needsReview = ActionID(rawValue: "needs_review")
    public static let clearMatch = ActionID(rawValue: "clear_match")
    public static let undo = ActionID(rawValue: "undo")
    public static let toggleMark = ActionID(rawValue: "toggle_mark")
    public static let approveAboveThreshold = ActionID(rawValue: "approve_above_threshold")
    public static let useCandidate = ActionID(rawValue: "use_candidate")
    public static let openURL = ActionID(rawValue: "open_url")
    public static let playURL = ActionID(rawValue: "play_url")
    public static let nextRelease = ActionID(rawValue: "next_release")
}

extension ActionGroup {
    public static let review = ActionGroup(rawValue: "Review")
}

extension ConsoleState {
    /// The review screen's slice.
    public var review: ReviewScreenState {
        get { self[slice: ReviewScreen.self] }
        _modify { yield &self[slice: ReviewScreen.self] }
    }
}

/// The review screen: a curator works through a store's pending matches, release by release, track by track.
enum ReviewScreen: ScreenUnit {
    static let id = ConsoleScreen.review
    static let switchAction = ActionID.screenReview
    static var initialSlice: ReviewScreenState { ReviewScreenState() }

    static let actions: [ActionDescriptor] = [
        .init(.screenReview, "Review screen", group: .application, help: "Stores, releases, tracks and candidates",
              defaultKeys: ["1"]),
        .init(.approve, "Approve", group: .review, help: "Approve the match (or the marked tracks) and go to the next pending",
              screens: [id], requirement: .reviewWrite, defaultKeys: ["a"]),
        .init(.reject, "Reject", group: .review, help: "Reject the match; the URL is never proposed again (undoable)",
              dangerous: true, screens: [id], requirement: .reviewWrite, defaultKeys: ["x"]),
        .init(.replace, "Replace URL", group: .review, help: "Approve a URL you type (YouTube or SoundCloud)",
              screens: [id], requirement: .reviewWrite, defaultKeys: ["r"]),
        .init(.needsReview, "Needs review", group: .review, help: "Send the match back to pending",
              screens: [id], requirement: .reviewWrite, defaultKeys: ["n"]),
        .init(.clearMatch, "Clear match", group: .review, help: "Delete the match without remembering the URL (asks first)",
              dangerous: true, screens: [id], requirement: .reviewWrite, defaultKeys: ["c"]),
        .init(.undo, "Undo", group: .review, help: "Undo your latest decision not yet undone (several levels)",
              screens: [id], requirement: .reviewWrite, defaultKeys: ["u"]),
        // The queue screen marks its rows with it too (`QueueScreen.joinedActions`).
        .init(.toggleMark, "Mark", group: .review, help: "Mark or unmark the row (track or queue row) to act on several at once",
              screens: [id], defaultKeys: ["<space>"]),
        .init(.approveAboveThreshold, "Approve all above threshold", group: .review,
              help: "Approve every pending track of the release at or above the threshold (asks first)",
              dangerous: true, screens: [id], requirement: .reviewWrite, defaultKeys: ["A"]),
        .init(.useCandidate, "Use candidate", group: .review,
              help: "Approve the candidate under the cursor in the detail pane instead of the current match",
              screens: [id], requirement: .reviewWrite, defaultKeys: ["y"]),
        .init(.openURL, "Open URL", group: .review, help: "Open the match URL in the browser (or copy it)",
              screens: [id], defaultKeys: ["o"]),
        .init(.playURL, "Play", group: .review, help: "Play the match URL with the configured player",
              screens: [id], defaultKeys: ["P"]),
        .init(.searchTrack, "Search again", group: .review,
              help: "Search YouTube for the track with a query you edit, and replace the match with a result you pick",
              screens: [id], requirement: .reviewWrite, defaultKeys: ["s"]),
        .init(.nextRelease, "Next pending release", group: .review,
              help: "Open the next listed release with pending tracks that nobody else has open",
              screens: [id], defaultKeys: ["N"]),
    ]

    static func enter(_ state: inout ConsoleState) -> [ConsoleEffect] {
        // The inventory shares the stores list: the review panes follow a store chosen there.
        state.stores.loaded ? state.followStoreSelection() : state.loadStores()
    }

    static func refresh(_ state: inout ConsoleState) -> [ConsoleEffect] {
        var effects = state.loadStores()
        if state.review.releasesStore != nil { effects += state.followStoreSelection(force: true) }
        if state.review.tracksRelease != nil { effects += state.followReleaseSelection(force: true) }
        return effects
    }

    static func perform(_ action: ActionID, _ state: inout ConsoleState) -> [ConsoleEffect]? {
        switch action {
        case .approve: return state.decide(.approve)
        case .reject: return state.decide(.reject)
        case .needsReview: return state.decide(.needsReview)
        case .clearMatch: return state.askToClearMatches()
        case .replace: return state.openReplaceForm()
        case .undo: return [.undo(state.begin(.undo, "undoing your latest decision"))]
        case .toggleMark: return state.toggleTrackMark()
        case .approveAboveThreshold: return state.askToApproveAboveThreshold()
        case .useCandidate: return state.useFocusedCandidate()
        case .openURL, .playURL: return state.openFocusedURL(play: action == .playURL)
        case .nextRelease: return state.openNextPendingRelease()
        case .searchTrack: return state.openTrackSearch()
        default: return nil
        }
    }

    static func moveCursor(by delta: Int, _ state: inout ConsoleState) -> [ConsoleEffect] {
        let layout = ConsoleLayout(state: state)
        switch state.review.focus {
        case .stores:
            state.stores.move(by: delta)
            state.stores.scrollToCursor(height: layout.viewportHeight(of: .stores))
            return state.followStoreSelection()
        case .releases:
            state.review.releases.move(by: delta)
            state.review.releases.scrollToCursor(height: layout.viewportHeight(of: .releases))
            return state.followReleaseSelection() + state.loadMoreReleasesIfNeeded()
        case .tracks:
            let before = state.review.tracks.selectedID
            state.review.tracks.move(by: delta)
            state.review.tracks.scrollToCursor(height: layout.viewportHeight(of: .tracks))
            if state.review.tracks.selectedID != before { state.review.candidateCursor = 0 }
            return []
        case .detail:
            let count = state.review.focusedTrack?.candidates.count ?? 0
            state.review.candidateCursor = count == 0 ? 0
                : max(0, min(count - 1, state.review.candidateCursor.addingReportingOverflow(delta).partialValue))
            return []
        }
    }

    static func moveFocus(by delta: Int, wrapping: Bool, _ state: inout ConsoleState) {
        let panes = ReviewPane.allCases
        var index = panes.firstIndex(of: state.review.focus)! + delta
        if wrapping { index = (index + panes.count) % panes.count } else { index = max(0, min(panes.count - 1, index)) }
        state.review.focus = panes[index]
    }

    static func open(_ state: inout ConsoleState) -> [ConsoleEffect] {
        switch state.review.focus {
        case .stores: state.review.focus = .releases
        case .releases: state.review.focus = .tracks
        case .tracks: state.review.focus = .detail
        case .detail:
            // Deliberately not a decision: Enter is pressed to drill in, and must never approve by accident.
            state.say("\(state.keymap.keyLabel(for: .useCandidate) ?? "y") approves the candidate under the cursor")
        }
        return []
    }

    static func cancel(_ state: inout ConsoleState) -> [ConsoleEffect] {
        guard !state.review.tracks.marked.isEmpty else { return state.clearFilterOrMessage() }
        state.say("Unmarked \(state.review.tracks.marked.count) track(s)")
        state.review.tracks.marked = []
        return []
    }

    static func pageSize(_ state: ConsoleState, _ layout: ConsoleLayout) -> Int {
        max(1, layout.viewportHeight(of: state.review.focus) - 1)
    }

    static func focusedFilter(_ state: ConsoleState) -> String {
        switch state.review.focus {
        case .stores: return state.stores.filter
        case .releases: return state.review.releases.filter
        case .tracks, .detail: return state.review.tracks.filter
        }
    }

    static func setFocusedFilter(_ text: String, _ state: inout ConsoleState) {
        switch state.review.focus {
        case .stores: state.stores.setFilter(text)
        case .releases: state.review.releases.setFilter(text)
        case .tracks, .detail: state.review.tracks.setFilter(text)
        }
    }

    static func followSelectionAfterFilter(_ state: inout ConsoleState) -> [ConsoleEffect] {
        switch state.review.focus {
        case .stores: return state.followStoreSelection()
        case .releases: return state.followReleaseSelection()
        default: return []
        }
    }

    static func apply(answer event: ConsoleEvent, _ state: inout ConsoleState) -> [ConsoleEffect]? {
        state.applyTrackSearchAnswer(event) ?? state.applyReviewAnswer(event)
    }

    static func requestFailed(_ request: PendingRequest, _ state: inout ConsoleState) -> [ConsoleEffect] {
        state.trackSearchFailed(request)
        guard case .review(let command) = request.kind else { return [] }
        for target in command.targets { state.review.tracksInFlight.remove(target.track) }
        // After a failed write the screen may not match the database (the outcome may even be unknown):
        // reread the shown release so what the reviewer sees is the truth.
        guard let release = state.review.tracksRelease,
              command.targets.contains(where: { $0.track.releaseID == release }) else { return [] }
        let reload = state.begin(.loadTracks(releaseID: release, live: false), "reloading tracks")
        return [.loadTracks(reload, releaseID: release)]
    }

    static func applyLiveChanges(_ changes: [DataChange], _ state: inout ConsoleState) -> [ConsoleEffect] {
        state.applyLiveReviewChanges(changes)
    }

    static func keepCursorsVisible(_ state: inout ConsoleState, _ layout: ConsoleLayout) {
        state.review.releases.scrollToCursor(height: layout.viewportHeight(of: .releases))
        state.review.tracks.scrollToCursor(height: layout.viewportHeight(of: .tracks))
    }

    static func storesListHeight(_ layout: ConsoleLayout) -> Int? { layout.viewportHeight(of: .stores) }

    static func hints(_ state: ConsoleState) -> [ActionID] {
        switch state.review.focus {
        case .stores, .releases: return [.open, .focusNext, .filter, .undo]
        case .tracks: return [.approve, .reject, .replace, .undo, .toggleMark, .approveAboveThreshold, .needsReview,
                              .openURL, .clearMatch]
        case .detail: return [.useCandidate, .openURL, .playURL, .undo]
        }
    }

    static func shortTitle(_ action: ActionID, _ state: ConsoleState) -> String? {
        switch action {
        case .approveAboveThreshold: return "All ≥\(String(format: "%.2f", state.review.bulkApproveThreshold))"
        case .replace: return "Replace"
        case .openURL: return "Open"
        case .clearMatch: return "Clear"
        case .useCandidate: return "Use this"
        default: return nil
        }
    }

    static func draw(_ state: ConsoleState, _ layout: ConsoleLayout, _ buffer: inout CellBuffer) {
        ReviewView.draw(state, layout: layout, into: &buffer)
    }
}
