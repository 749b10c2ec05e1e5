import Foundation

extension ConsoleState {
    /// Changes made elsewhere (another console, a worker, the web app). They refresh what is on screen without
    /// moving the cursor; while paused they are only counted, and applied on resume.
    mutating func receiveLiveChanges(_ changes: [DataChange]) -> [ConsoleEffect] {
        if livePaused {
            changesWhilePaused.formUnion(changes)
            return []
        }
        return applyLiveChanges(changes)
    }

    mutating func applyLiveChanges(_ changes: [DataChange]) -> [ConsoleEffect] {
        var effects: [ConsoleEffect] = []
        let reloadEverything = changes.contains(.everything)
        var touchedReleases = Set(changes.compactMap { change -> Int64? in
            if case .trackMatch(let track) = change { return track.releaseID } else { return nil }
        })
        if reloadEverything, let release = tracksRelease { touchedReleases.insert(release) }
        let queueTouched = reloadEverything || changes.contains { if case .queueRow = $0 { return true } else { return false } }
        if !touchedReleases.isEmpty || reloadEverything {
            // Counts first (cheap), then the rows on screen. A load already on its way will show the change.
            effects += loadStores()
            if let store = releasesStore,
               !isPending({ if case .loadReleases = $0 { return true } else { return false } }) {
                let id = begin(.loadReleases(store: store, mode: .live), "refreshing releases")
                effects.append(.loadReleases(id, store: store, after: nil))
            }
            if let release = tracksRelease, touchedReleases.contains(release),
               !isPending({ if case .loadTracks = $0 { return true } else { return false } }) {
                let id = begin(.loadTracks(releaseID: release, live: true), "refreshing tracks")
                effects.append(.loadTracks(id, releaseID: release))
            }
            if screen == .inventory { effects += loadInventoryIfNeeded(force: true) }
        }
        if queueTouched && screen == .queue && !isPending({ if case .loadQueue = $0 { return true } else { return false } }) {
            effects += loadQueue()
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

    mutating func announce(_ text: String) {
        announcement = StatusMessage(text, severity: .info, expiresAt: now.addingTimeInterval(2 * ConsoleUpdate.messageLifetime))
    }
}
