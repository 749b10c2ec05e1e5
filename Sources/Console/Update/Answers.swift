import Foundation

extension ConsoleState {
    /// Applies the answer to a request. Answers nobody waits for any more are dropped.
    mutating func applyAnswer(_ event: ConsoleEvent) -> [ConsoleEffect] {
        switch event {
        case .storesLoaded(let id, let rows):
            guard finish(id) != nil else { return [] }
            stores.replace(with: rows, nextPage: nil)
            keepCursorsVisible()
            if screen == .inventory { return loadInventoryIfNeeded() }
            return followStoreSelection()

        case .releasesLoaded(let id, let store, let rows, let nextPage):
            guard let request = finish(id), case .loadReleases(_, let mode) = request.kind, store == releasesStore else {
                return []
            }
            switch mode {
            case .first: releases.replace(with: rows, nextPage: nextPage)
            case .nextPage: releases.append(rows, nextPage: nextPage)
            case .live:
                let added = releases.merge(rows)
                if !added.isEmpty { announce("\(added.count) new release(s) in \(store)") }
            }
            keepCursorsVisible()
            return followReleaseSelection()

        case .tracksLoaded(let id, let releaseID, let rows):
            guard let request = finish(id), case .loadTracks(_, let live) = request.kind, releaseID == tracksRelease else {
                return []
            }
            if live { announceTrackChanges(from: tracks.items, to: rows) }
            tracks.replace(with: rows, nextPage: nil)
            // A decision still in flight keeps its spinner; the others are settled by this fresh read.
            let shown = Set(rows.map(\.reference))
            tracksInFlight = tracksInFlight.filter { shown.contains($0) ? isInFlight($0) : true }
            candidateCursor = min(candidateCursor, max(0, (focusedTrack?.candidates.count ?? 1) - 1))
            keepCursorsVisible()
            syncPendingCounts()
            return []

        case .reviewApplied(let id, let rows, let conflicts, let summary):
            guard let request = finish(id) else { return [] }
            if case .review(let command) = request.kind {
                for target in command.targets { tracksInFlight.remove(target.track) }
            }
            tracks.update(rows.filter { $0.releaseID == tracksRelease })
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

        case .reviewConflict(let id, let conflict):
            guard let request = finish(id) else { return [] }
            if case .review(let command) = request.kind {
                for target in command.targets { tracksInFlight.remove(target.track) }
            }
            say(conflictText([conflict]), .error)
            return reloadAfterConflicts([conflict])

        case .inventoryLoaded(let id, let store, let rows, let log, let nextPage):
            guard let request = finish(id), case .loadInventory(_, let mode) = request.kind, store == inventoryStore else {
                return []
            }
            if mode == .nextPage {
                inventory.append(rows, nextPage: nextPage)
            } else {
                inventory.replace(with: rows, nextPage: nextPage)
                syncLog = log
            }
            keepCursorsVisible()
            return []

        case .cacheKeysLoaded(let id, let rows, let nextPage, let progress):
            guard let request = finish(id), case .loadCacheKeys(let mode) = request.kind else { return [] }
            return applyCacheKeysStep(mode, rows, nextPage: nextPage, progress: progress)

        case .cacheClearPreviewProgress(let id, let counted):
            guard case .cacheClear(var dialog) = modal, dialog.previewRequest == id, pending.contains(where: { $0.id == id }) else { return [] }
            dialog.counted = counted
            modal = .cacheClear(dialog)
            return []

        case .cacheClearPreviewed(let id, let preview):
            guard finish(id) != nil, case .cacheClear(var dialog) = modal, dialog.previewRequest == id else { return [] }
            dialog.preview = preview
            modal = .cacheClear(dialog)
            return []

        case .cacheClearProgress(let id, let cleared, let total):
            // A clear that walks the keyspace knows no total: keep the dry run's count as "about" the total.
            if let index = pending.firstIndex(where: { $0.id == id }) {
                pending[index].progress = RequestProgress(done: cleared, total: max(total, pending[index].progress?.total ?? 0))
            }
            return []

        case .cacheClearStopped(let id, let cleared):
            guard let request = finish(id) else { return [] }
            reportStoppedClear(request, cleared: cleared)
            return screen == .cache ? loadCacheKeysFromStart() : []

        case .cacheClearFinished(let id, let cleared):
            guard let request = finish(id) else { return [] }
            if case .clearCache(let scope) = request.kind { say("Cleared \(DisplayFormat.exact(cleared)) key(s) of \(scope)", .success) }
            return screen == .cache ? loadCacheKeysFromStart() : []

        case .queueRowsLoaded(let id, let rows, let nextPage):
            guard let request = finish(id), case .loadQueue(let mode) = request.kind else { return [] }
            if mode == .nextPage { queueRows.append(rows, nextPage: nextPage) } else { queueRows.replace(with: rows, nextPage: nextPage) }
            keepCursorsVisible()
            return []

        case .queueRowsChanged(let id, let rows, let summary):
            guard finish(id) != nil else { return [] }
            queueRows.update(rows)
            queueRows.marked = []
            say(summary, .success)
            return []

        case .notice(let id, let text):
            _ = finish(id)
            say(text, .info)
            return []

        case .requestFailed(let id, let text):
            guard let request = finish(id) else { return [] }
            if case .review(let command) = request.kind {
                for target in command.targets { tracksInFlight.remove(target.track) }
            }
            if case .cacheClear(var dialog) = modal, dialog.previewRequest == id {
                dialog.error = "dry run failed: \(text)"
                modal = .cacheClear(dialog)
                return []
            }
            say("\(request.label.prefix(1).uppercased() + request.label.dropFirst()) failed: \(text)", .error)
            // After a failed write the screen may not match the database (the outcome may even be unknown):
            // reread the shown release so what the reviewer sees is the truth.
            if case .review(let command) = request.kind, let release = tracksRelease,
               command.targets.contains(where: { $0.track.releaseID == release }) {
                let reload = begin(.loadTracks(releaseID: release, live: false), "reloading tracks")
                return [.loadTracks(reload, releaseID: release)]
            }
            return []

        default:
            return []
        }
    }

    /// "A2 Moment's Notice was changed by bob at 04:23:45 UTC; nothing was saved. Reloaded: …" for the first
    /// conflict, with how many more there were.
    func conflictText(_ conflicts: [ConflictInfo]) -> String {
        guard let conflict = conflicts.first else { return "" }
        let who = conflict.changedBy.map { "by \($0)" } ?? "by another process"
        let when = conflict.changedAt.map { " at \(DisplayFormat.clock($0))" } ?? ""
        let name = tracks.items.first { $0.reference == conflict.track }.map { "\($0.position) \($0.title)" }
            ?? "Track \(conflict.track)"
        let more = conflicts.count > 1 ? " (and \(conflicts.count - 1) more)" : ""
        let verb = conflicts.count > 1 ? "those were not saved" : "nothing was saved"
        return "\(name) was changed \(who)\(when)\(more); \(verb). Reloaded: check it and decide again"
    }

    /// Rereads the shown release when a conflict touched it, so the reviewer sees what the other person did.
    mutating func reloadAfterConflicts(_ conflicts: [ConflictInfo]) -> [ConsoleEffect] {
        guard let release = tracksRelease, conflicts.contains(where: { $0.track.releaseID == release }) else { return [] }
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
        guard tracks.loaded, let releaseID = tracksRelease,
              var release = releases.items.first(where: { $0.discogsID == releaseID }) else { return }
        let pendingNow = tracks.items.filter { $0.status == .pending }.count
        let delta = pendingNow - release.pending
        guard delta != 0 else { return }
        release.pending = pendingNow
        releases.update([release])
        if let storeName = releasesStore, var store = stores.items.first(where: { $0.name == storeName }) {
            store.pending = max(0, store.pending + delta)
            stores.update([store])
        }
    }
}
