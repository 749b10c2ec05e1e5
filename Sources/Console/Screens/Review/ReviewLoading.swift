import Foundation

/// What the review screen loads as its selection moves, and how it applies the answers and live changes.
extension ConsoleState {
    /// Loads the releases of the selected store when they are not the ones shown.
    mutating func followStoreSelection(force: Bool = false) -> [ConsoleEffect] {
        guard let store = stores.selected?.name else {
            review.releases.reset(); review.releasesStore = nil; review.tracks.reset(); review.tracksRelease = nil
            return []
        }
        guard force || store != review.releasesStore else { return [] }
        var effects = supersede { if case .loadReleases = $0 { return true } else { return false } }
        if store != review.releasesStore {
            review.releases.reset()
            review.tracks.reset()
            review.tracksRelease = nil
            effects += supersede { if case .loadTracks = $0 { return true } else { return false } }
        }
        review.releasesStore = store
        let id = begin(.loadReleases(store: store, mode: .first), "loading releases of \(store)")
        return effects + [.loadReleases(id, store: store, after: nil)]
    }

    /// Loads the tracks of the selected release when they are not the ones shown.
    mutating func followReleaseSelection(force: Bool = false) -> [ConsoleEffect] {
        guard let release = review.releases.selected else {
            review.tracks.reset(); review.tracksRelease = nil
            return []
        }
        guard force || release.discogsID != review.tracksRelease else { return [] }
        var effects = supersede { if case .loadTracks = $0 { return true } else { return false } }
        if release.discogsID != review.tracksRelease {
            review.tracks.reset()
            review.candidateCursor = 0
        }
        review.tracksRelease = release.discogsID
        let id = begin(.loadTracks(releaseID: release.discogsID, live: false), "loading tracks")
        effects.append(.loadTracks(id, releaseID: release.discogsID))
        return effects
    }

    /// Opens the next listed release (after the cursor, wrapping) with pending tracks that no other session has
    /// open, and says how many such held releases it skipped. Presence is never a lock: a held release can still
    /// be opened by moving to it, and the guard still decides every action.
    mutating func openNextPendingRelease() -> [ConsoleEffect] {
        guard screen == .review, review.releasesStore != nil, !review.releases.visible.isEmpty else {
            say("No releases listed: select a store first", .warning)
            return []
        }
        let current = review.releases.selected?.discogsID
        let held = review.heldByOthers
        var skipped = 0
        let found = review.releases.selectNext { release in
            guard release.pending > 0, release.discogsID != current else { return false }
            if held[release.discogsID] != nil { skipped += 1; return false }
            return true
        }
        let skippedNote = "\(skipped) release(s) being reviewed by others"
        guard found else {
            say("No other listed release with pending tracks is free" + (skipped > 0 ? " (skipped \(skippedNote))" : ""),
                .warning)
            return []
        }
        review.focus = .tracks
        review.releases.scrollToCursor(height: ConsoleLayout(state: self).viewportHeight(of: .releases))
        if skipped > 0 { say("Skipped \(skippedNote)") }
        return followReleaseSelection() + loadMoreReleasesIfNeeded()
    }

    /// Asks for the next page of releases when the cursor nears the end of what is loaded.
    mutating func loadMoreReleasesIfNeeded() -> [ConsoleEffect] {
        guard let store = review.releasesStore, review.releases.wantsNextPage(),
              !isPending({ if case .loadReleases = $0 { return true } else { return false } }) else { return [] }
        let id = begin(.loadReleases(store: store, mode: .nextPage), "loading more releases")
        return [.loadReleases(id, store: store, after: review.releases.nextPage)]
    }

    /// Opens `releaseID` of `store` in the tracks pane (from another screen, such as the inventory); says so when
    /// the release has no pending work and so is not in the review list.
    mutating func showOnReviewScreen(store: String, releaseID: Int64, title: String) -> [ConsoleEffect] {
        screen = .review
        review.focus = .tracks
        var effects: [ConsoleEffect] = []
        if review.releasesStore != store {
            stores.select(id: store)
            effects += followStoreSelection()
        }
        if !review.releases.select(id: releaseID) {
            say("\(title) has no pending work, so it is not in the review list")
        }
        return effects + followReleaseSelection()
    }

    /// Applies the answers to the review screen's requests; nil for other events.
    mutating func applyReviewAnswer(_ event: ConsoleEvent) -> [ConsoleEffect]? {
        switch event {
        case .storesLoaded(let id, let rows):
            guard finish(id) != nil else { return [] }
            stores.replace(with: rows, nextPage: nil)
            keepCursorsVisible()
            return ScreenRegistry.unit(for: screen).followStores(&self) ?? followStoreSelection()

        case .releasesLoaded(let id, let store, let rows, let nextPage):
            guard let request = finish(id), case .loadReleases(_, let mode) = request.kind, store == review.releasesStore else {
                return []
            }
            switch mode {
            case .first: review.releases.replace(with: rows, nextPage: nextPage)
            case .nextPage: review.releases.append(rows, nextPage: nextPage)
            case .live:
                let added = review.releases.merge(rows)
                if !added.isEmpty { announce("\(added.count) new release(s) in \(store)") }
            }
            keepCursorsVisible()
            return followReleaseSelection()

        case .tracksLoaded(let id, let releaseID, let rows):
            guard let request = finish(id), case .loadTracks(_, let live) = request.kind, releaseID == review.tracksRelease else {
                return []
            }
            if live { announceTrackChanges(from: review.tracks.items, to: rows) }
            review.tracks.replace(with: rows, nextPage: nil)
            // A decision still in flight keeps its spinner; the others are settled by this fresh read.
            let shown = Set(rows.map(\.reference))
            review.tracksInFlight = review.tracksInFlight.filter { shown.contains($0) ? isInFlight($0) : true }
            review.candidateCursor = min(review.candidateCursor, max(0, (review.focusedTrack?.candidates.count ?? 1) - 1))
            keepCursorsVisible()
            syncPendingCounts()
            return []

        case .reviewApplied(let id, let rows, let conflicts, let summary):
            guard let request = finish(id) else { return [] }
            if case .review(let command) = request.kind {
                for target in command.targets { review.tracksInFlight.remove(target.track) }
            }
            review.tracks.update(rows.filter { $0.releaseID == review.tracksRelease })
            syncPendingCounts()
            if conflicts.isEmpty {
                say(summary.isEmpty ? "Done" : summary, .success)
            } else {
                say((summary.isEmpty ? "" : summary + "; ") + conflictText(conflicts), .error)
                return reloadAfterConflicts(conflicts)
            }
            // An undo may touch a release that is not on screen: refresh the counts rather than guess them.
            if request.kind == .undo { return loadStores() }
            return []

        case .releasesHeldByOthers(let holders):
            review.heldByOthers = holders
            return []

        case .reviewConflict(let id, let conflict):
            guard let request = finish(id) else { return [] }
            if case .review(let command) = request.kind {
                for target in command.targets { review.tracksInFlight.remove(target.track) }
            }
            say(conflictText([conflict]), .error)
            return reloadAfterConflicts([conflict])

        default:
            return nil
        }
    }

    /// "A2 Moment's Notice was changed by bob at 04:23:45 UTC; nothing was saved. Reloaded: …" for the first
    /// conflict, with how many more there were.
    func conflictText(_ conflicts: [ConflictInfo]) -> String {
        guard let conflict = conflicts.first else { return "" }
        let who = conflict.changedBy.map { "by \($0)" } ?? "by another process"
        let when = conflict.changedAt.map { " at \(DisplayFormat.clock($0))" } ?? ""
        let name = review.tracks.items.first { $0.reference == conflict.track }.map { "\($0.position) \($0.title)" }
            ?? "Track \(conflict.track)"
        let more = conflicts.count > 1 ? " (and \(conflicts.count - 1) more)" : ""
        let verb = conflicts.count > 1 ? "those were not saved" : "nothing was saved"
        return "\(name) was changed \(who)\(when)\(more); \(verb). Reloaded: check it and decide again"
    }

    /// Rereads the shown release when a conflict touched it, so the reviewer sees what the other person did.
    mutating func reloadAfterConflicts(_ conflicts: [ConflictInfo]) -> [ConsoleEffect] {
        guard let release = review.tracksRelease, conflicts.contains(where: { $0.track.releaseID == release }) else { return [] }
        let reload = begin(.loadTracks(releaseID: release, live: false), "reloading tracks")
        return [.loadTracks(reload, releaseID: release)]
    }

    /// True while a review request for `track` is in flight.
    func isInFlight(_ track: TrackReference) -> Bool {
        pending.contains { request in
            if case .review(let command) = request.kind { return command.targets.contains { $0.track == track } }
            return false
        }
    }

    /// Brings the release and store pending counts in line with the tracks just read or decided, without a
    /// round trip: the counts a curator watches go down as they work.
    mutating func syncPendingCounts() {
        guard review.tracks.loaded, let releaseID = review.tracksRelease,
              var release = review.releases.items.first(where: { $0.discogsID == releaseID }) else { return }
        let pendingNow = review.tracks.items.filter { $0.status == .pending }.count
        let delta = pendingNow - release.pending
        guard delta != 0 else { return }
        release.pending = pendingNow
        review.releases.update([release])
        if let storeName = review.releasesStore, var store = stores.items.first(where: { $0.name == storeName }) {
            store.pending = max(0, store.pending + delta)
            stores.update([store])
        }
    }

    /// Track matches changed elsewhere: the counts first (cheap), then the rows on screen. A load already on its
    /// way will show the change.
    mutating func applyLiveReviewChanges(_ changes: [DataChange]) -> [ConsoleEffect] {
        let reloadEverything = changes.contains(.everything)
        var touchedReleases = Set(changes.compactMap { change -> Int64? in
            if case .trackMatch(let track) = change { return track.releaseID } else { return nil }
        })
        if reloadEverything, let release = review.tracksRelease { touchedReleases.insert(release) }
        guard !touchedReleases.isEmpty || reloadEverything else { return [] }
        var effects = loadStores()
        if let store = review.releasesStore,
           !isPending({ if case .loadReleases = $0 { return true } else { return false } }) {
            let id = begin(.loadReleases(store: store, mode: .live), "refreshing releases")
            effects.append(.loadReleases(id, store: store, after: nil))
        }
        if let release = review.tracksRelease, touchedReleases.contains(release),
           !isPending({ if case .loadTracks = $0 { return true } else { return false } }) {
            let id = begin(.loadTracks(releaseID: release, live: true), "refreshing tracks")
            effects.append(.loadTracks(id, releaseID: release))
        }
        return effects
    }

    /// "3 new, 2 resolved": pending tracks that appeared and pending tracks that were settled by someone else.
    mutating func announceTrackChanges(from old: [TrackRow], to new: [TrackRow]) {
        let oldPending = Set(old.filter { $0.status == .pending }.map(\.index))
        let newPending = Set(new.filter { $0.status == .pending }.map(\.index))
        let appeared = newPending.subtracting(oldPending).count
        let resolved = oldPending.subtracting(newPending).count
        var parts: [String] = []
        if appeared > 0 { parts.append("\(appeared) new") }
        if resolved > 0 { parts.append("\(resolved) resolved") }
        let changed = Set(new.map(\.index)).intersection(old.map(\.index)).filter { index in
            old.first { $0.index == index } != new.first { $0.index == index }
        }.count - resolved
        if parts.isEmpty && changed > 0 { parts.append("\(changed) changed") }
        guard !parts.isEmpty else { return }
        announce(parts.joined(separator: ", ") + " in this release (changed elsewhere)")
    }
}
